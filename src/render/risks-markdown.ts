/**
 * The risk section that opens the pull-request comment: a caution box listing every risk, then the
 * invitation-setting changes as diff blocks with the message body in full. Guest and tenant values
 * only ever appear in code spans or fenced blocks (markdown-escape.ts).
 */
import type { Plan, Risk } from '../plan/types.js';
import { codeSpan, escapeHtml, fencedBlock } from './markdown-escape.js';
import { escapeUntrusted } from './untrusted.js';
import { RISK_TITLE, disableCapLine, domainMove, emailChangeLine, invitationDiffLines } from './risk-words.js';

function riskItem(r: Risk): string {
  const where = codeSpan(`${r.file}:${r.line}`);
  const move = r.to === undefined ? '' : r.kind === 'disable' ? ` ${codeSpan(r.to)}` : ` ${codeSpan(r.from ?? '(unknown)')} → ${codeSpan(r.to)}`;
  const domains = r.kind === 'domain-change' ? ` (${codeSpan(domainMove(r.from, r.to, '→'))})` : '';
  const what = r.kind === 'invitation-settings' ? ` in ${where}` : `${move}${domains}, declared at ${where}`;
  return `> - **${RISK_TITLE[r.kind]}**${what}: ${codeSpan(r.detail)}`;
}

/** What the listed risks put at stake, in one sentence. */
function riskWarning(risks: readonly Risk[]): string {
  const resets = "A reset lets whoever holds the new address take over the guest's access.";
  const disables = 'A disabled guest can no longer sign in.';
  const hasDisable = risks.some((r) => r.kind === 'disable');
  if (!hasDisable) return resets;
  return risks.every((r) => r.kind === 'disable') ? disables : `${resets} ${disables}`;
}

/**
 * @param maxChars room for the section: GitHub refuses comments over 65,536 characters, so past
 * it the rest is counted in a note pointing at the JSON plan, never silently dropped.
 */
export function renderRisksMarkdown(plan: Plan, maxChars = 30_000): string[] {
  const risks = plan.risks ?? [];
  const caps = [emailChangeLine(plan), disableCapLine(plan)];
  const out: string[] = [];
  let used = 0;
  const fits = (lines: readonly string[]): boolean => {
    const size = lines.reduce((n, l) => n + l.length + 1, 0);
    if (used + size > maxChars) return false;
    used += size;
    return true;
  };
  if (risks.length > 0) {
    out.push('> [!WARNING]', `> **Read first: ${risks.length} risk${risks.length === 1 ? '' : 's'}.** ${riskWarning(risks)}`, '>');
    let shown = 0;
    for (const r of risks) {
      const item = riskItem(r);
      if (!fits([item])) break;
      out.push(item);
      shown++;
    }
    if (shown < risks.length) out.push(`> - … and ${risks.length - shown} more: read the JSON plan (\`guestops plan --format json\`) for every one.`);
    out.push('');
    for (const c of plan.invitationChanges ?? []) {
      const block = [
        `Invitation settings of ${codeSpan(c.file)} (${c.guests.length} guest${c.guests.length === 1 ? '' : 's'}), as the next reset or invitation sends them:`,
        '',
        ...fencedBlock('diff', invitationDiffLines(c).map(escapeUntrusted)),
        '',
      ];
      if (!fits(block)) {
        out.push(`_The invitation-settings change of ${codeSpan(c.file)} is too large for this comment: read it with \`guestops plan --base-dir\`._`, '');
        continue;
      }
      out.push(...block);
    }
  }
  for (const cap of caps) if (cap) out.push(cap.refused ? `> [!CAUTION]\n> **${escapeHtml(cap.text)}.**` : `_${escapeHtml(cap.text)}._`, '');
  if (plan.invitationChanges === undefined && (risks.length > 0 || plan.guests.length > 0)) {
    out.push("_Invitation settings were not compared with the review's base (no `--base-dir`)._", '');
  }
  return out;
}
