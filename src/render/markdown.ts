/**
 * The plan as a pull-request comment: the counts first, blocked guests next and unfolded (they
 * stop the merge from doing its job), then one folded <details> block per guest. GitHub refuses
 * comments over 65,536 characters, so details are cut with a note when a plan is huge.
 */
import type { Action, GuestPlan, Plan } from '../plan/types.js';
import { BLOCKED_TITLE, RESET_REASON, actionPhrase, describeInvitation, generationChange } from './describe.js';
import { codeSpan, escapeHtml, fencedBlock, htmlCode } from './markdown-escape.js';
import { profileDiff } from './unified-diff.js';
import { summaryLine } from './text.js';
import { renderRisksMarkdown } from './risks-markdown.js';
import { limitSentence } from './limits-text.js';
import { describeLifecycle } from './describe-lifecycle.js';
import { idsToDeclareMarkdown } from './ids-to-declare.js';

/** GitHub's limit for an issue or PR comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  readonly title?: string;
  /**
   * Size ceiling of the output. Default leaves room under GitHub's limit for whatever the
   * publisher wraps around it (a hidden marker, a footer).
   */
  readonly maxChars?: number;
}

const DEFAULT_MAX = 60_000;

export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const max = Math.min(options.maxChars ?? DEFAULT_MAX, GITHUB_COMMENT_LIMIT);
  const risks = renderRisksMarkdown(plan, Math.floor(max / 2));
  const head: string[] = [`### ${escapeHtml(options.title ?? 'guestops plan')}`, '', ...risks, ...idsToDeclareMarkdown(plan)];
  if (plan.guests.length === 0 && risks.length > 0) {
    head.push("**No changes to the tenant.** The invitation settings above are sent with the file's next reset or invitation.");
    return head.join('\n') + '\n';
  }
  if (plan.guests.length === 0) {
    head.push(`**No changes.** The tenant matches the declared guests (${plan.summary.unchanged} guest${plan.summary.unchanged === 1 ? '' : 's'} unchanged).`);
    return head.join('\n') + '\n';
  }
  const s = plan.summary;
  head.push(
    '| Resets | Profile updates | Adoptions | Invites | Marker records | Blocked | Unchanged |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    `| ${s.resets} | ${s.profileUpdates} | ${s.adoptions} | ${s.invites} | ${s.markerRecords} | ${s.blocked > 0 ? `**${s.blocked}**` : '0'} | ${s.unchanged} |`,
    '',
    `\`${summaryLine(plan)}\``,
    '',
  );
  for (const l of plan.limits ?? []) {
    head.push(...(l.exceeded ? ['> [!WARNING]', `> **${escapeHtml(limitSentence(l))}**`] : [`_${escapeHtml(limitSentence(l))}_`]), '');
  }
  if (plan.caller.kind === 'app') head.push('_Planned for an app-only caller: guests holding a directory role cannot be reset._', '');

  const out = new Budget(max);
  out.add(head);

  const blocked = plan.guests.filter((g) => g.blocked !== undefined);
  const changing = plan.guests.filter((g) => g.blocked === undefined);
  if (blocked.length > 0) {
    out.add([
      '> [!CAUTION]',
      `> **${blocked.length} guest${blocked.length === 1 ? ' is' : 's are'} blocked.** Apply skips ${blocked.length === 1 ? 'it' : 'them'} and fails until the YAML or the tenant is fixed.`,
      '',
      '| Guest | Declared at | Why |',
      '|---|---|---|',
    ]);
    const shown = out.addEach(blocked, (g) => [
      `| ${guestCell(g)} | ${codeSpan(`${g.file}:${g.line}`, true)} | **${BLOCKED_TITLE[g.blocked!.code]}**: ${codeSpan(g.blocked!.reason, true)} |`,
    ]);
    out.add(['']);
    if (shown < blocked.length) return out.finish(`${blocked.length - shown} more blocked guests`);
  }
  if (changing.length > 0) {
    out.add(['| Guest | Declared at | Changes |', '|---|---|---|']);
    const shown = out.addEach(changing, (g) => [
      `| ${guestCell(g)} | ${codeSpan(`${g.file}:${g.line}`, true)} | ${g.actions.map(actionPhrase).join(', ')} |`,
    ]);
    out.add(['']);
    if (shown < changing.length) return out.finish(`${changing.length - shown} more guests with changes`);
    const detailed = out.addEach(changing, (g) => guestDetails(g));
    if (detailed < changing.length) return out.finish(`details of ${changing.length - detailed} more guests`);
  }
  return out.finish(null);
}

/** The guest's address in a table cell, `old` → `new` when the plan moves its sign-in. */
function guestCell(g: GuestPlan): string {
  if (g.emailChange === undefined) return codeSpan(g.email, true);
  return `${codeSpan(g.emailChange.from ?? '(unknown)', true)} → ${codeSpan(g.emailChange.to, true)}`;
}

function guestDetails(g: GuestPlan): string[] {
  const lines: string[] = [
    `<details><summary>${htmlCode(g.email)} — ${escapeHtml(g.actions.map(actionPhrase).join(', '))}</summary>`,
    '',
    `Declared at ${codeSpan(`${g.file}:${g.line}`)}${g.id !== null ? `, user ${codeSpan(g.id)}` : ''}${g.upn !== null ? ` (${codeSpan(g.upn)})` : ''}.`,
    '',
  ];
  for (const a of g.actions) lines.push(...actionDetails(a), '');
  lines.push('</details>', '');
  return lines;
}

function actionDetails(a: Action): string[] {
  switch (a.type) {
    case 'update-profile':
      return [`- **Update profile**: ${escapeHtml(a.reason)}`, '', ...fencedBlock('diff', profileDiff(a))];
    case 'reset-redemption':
      return [
        `- **Reset redemption** to ${codeSpan(a.email)}, ${generationChange(a.previous, a.generation)}: ${RESET_REASON[a.reason]}.`,
        `  Invitation: ${codeSpan(describeInvitation(a.invitation))}.`,
        '  The guest keeps its object id, UPN, groups and app assignments and must redeem again with this email.',
      ];
    case 'adopt':
      return [`- **Adopt**: record generation ${a.generation} and email ${codeSpan(a.email)} as the baseline; no reset.`];
    case 'record-marker':
      return [
        `- **Record marker**: generation ${a.generation}, email ${a.email === null ? `hash ${codeSpan(a.emailHash)}` : codeSpan(a.email)}; nothing sent to /invitations.`,
        `  ${codeSpan(a.reason)}`,
      ];
    case 'invite':
      return [
        `- **Invite** ${codeSpan(a.email)} as a new guest, generation ${a.generation}.`,
        ...(a.otherMails ? [`  otherMails: ${a.otherMails.map((m) => codeSpan(m)).join(', ') || '(none)'}`] : []),
        `  Invitation: ${codeSpan(describeInvitation(a.invitation))}.`,
      ];
    case 'disable':
    case 'enable':
    case 'update-sponsors': {
      const w = describeLifecycle(a);
      return [`- **${escapeHtml(w.title.slice(0, 1).toUpperCase() + w.title.slice(1))}**`, ...w.details.map((d) => `  ${codeSpan(d)}`)];
    }
  }
}

/** Collects lines while the output stays under the ceiling, keeping room for the cut note. */
class Budget {
  private readonly lines: string[] = [];
  private used = 0;
  private static readonly NOTE_ROOM = 400;

  constructor(private readonly max: number) {}

  add(lines: readonly string[]): void {
    for (const l of lines) {
      this.lines.push(l);
      this.used += l.length + 1;
    }
  }

  /** Adds each item's lines while they fit; returns how many items were added. */
  addEach<T>(items: readonly T[], render: (item: T) => string[]): number {
    let n = 0;
    for (const item of items) {
      const chunk = render(item);
      const size = chunk.reduce((acc, l) => acc + l.length + 1, 0);
      if (this.used + size > this.max - Budget.NOTE_ROOM) break;
      this.add(chunk);
      n++;
    }
    return n;
  }

  finish(omitted: string | null): string {
    if (omitted !== null) {
      this.lines.push(
        '',
        `> [!NOTE]`,
        `> This plan is too large for one comment: ${omitted} not shown. Run \`guestops plan\` or read the JSON plan for everything.`,
      );
    }
    return this.lines.join('\n') + '\n';
  }
}
