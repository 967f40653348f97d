/**
 * The terminal rendering of a plan, terraform-like: one block per guest (with its file:line),
 * property changes as unified diffs, a closing count line. Colour only when the caller asks:
 * the CLI decides from the TTY and NO_COLOR.
 */
import type { Action, GuestPlan, Plan } from '../plan/types.js';
import { ACTION_TITLE, BLOCKED_TITLE, RESET_REASON, describeInvitation, generationChange } from './describe.js';
import { profileChangeLines } from './unified-diff.js';
import { renderRisksText } from './risks-text.js';
import { escapeUntrusted } from './untrusted.js';
import { limitSentence } from './limits-text.js';
import { describeLifecycle, lifecycleCounts } from './describe-lifecycle.js';
import { idsToDeclareText } from './ids-to-declare.js';

export interface TextOptions {
  readonly color: boolean;
}

type Paint = (s: string) => string;
interface Palette {
  readonly bold: Paint;
  readonly dim: Paint;
  readonly red: Paint;
  readonly green: Paint;
  readonly yellow: Paint;
  readonly cyan: Paint;
}

const sgr = (open: number, close: number): Paint => (s) => `\u001b[${open}m${s}\u001b[${close}m`;
const COLOR: Palette = { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
const id: Paint = (s) => s;
const PLAIN: Palette = { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };

/** Control characters and workflow commands from user data never reach the terminal or log. */
export const sanitize = escapeUntrusted;

const INDENT = '    ';

export function renderText(plan: Plan, options: TextOptions): string {
  const p = options.color ? COLOR : PLAIN;
  const risks = renderRisksText(plan);
  const declare = idsToDeclareText(plan);
  const notes = declare.length > 0 ? declare.join('\n') + '\n' : '';
  if (plan.guests.length === 0) {
    if (risks.length === 0) return `${p.green('No changes.')} The tenant matches the declared guests.\n${notes}`;
    return `${risks.join('\n')}\nNo changes to the tenant; the invitation settings above are sent with this file's next reset or invitation.\n${notes}`;
  }
  const out: string[] = [];
  const changing = plan.guests.filter((g) => g.blocked === undefined).length;
  out.push(`guestops will change ${changing} guest${changing === 1 ? '' : 's'}${plan.summary.blocked > 0 ? ` and skip ${plan.summary.blocked} blocked` : ''} (caller: ${plan.caller.kind === 'app' ? 'app-only' : 'delegated'}):`, '');
  out.push(...risks);
  for (const g of plan.guests) out.push(...renderGuest(g, p), '');
  out.push(summaryLine(plan, p));
  for (const l of plan.limits ?? []) out.push(l.exceeded ? p.red(limitSentence(l)) : limitSentence(l));
  out.push(...declare);
  return out.join('\n') + '\n';
}

/** The guest's address, or `old -> new` when the plan moves its sign-in. */
function address(g: GuestPlan): string {
  return g.emailChange !== undefined ? `${sanitize(g.emailChange.from ?? '(unknown)')} -> ${sanitize(g.emailChange.to)}` : sanitize(g.email);
}

function renderGuest(g: GuestPlan, p: Palette): string[] {
  const where = p.dim(`${sanitize(g.file)}:${g.line}`);
  const who = g.id !== null ? `user ${g.id}${g.upn !== null ? ` (${sanitize(g.upn)})` : ''}` : g.upn !== null ? `upn ${sanitize(g.upn)}` : null;
  if (g.blocked) {
    return [
      `${p.red('x')} ${p.bold(address(g))}  ${where}`,
      ...(who ? [`${INDENT}${p.dim(who)}`] : []),
      `${INDENT}${p.red(`blocked: ${BLOCKED_TITLE[g.blocked.code]}`)} [${g.blocked.code}]`,
      `${INDENT}${sanitize(g.blocked.reason)}`,
    ];
  }
  const out = [`${guestSymbol(g.actions, p)} ${p.bold(address(g))}  ${where}`];
  if (who) out.push(`${INDENT}${p.dim(who)}`);
  for (const a of g.actions) out.push(...renderAction(a, p));
  return out;
}

/**
 * One symbol per guest, terraform-style: the most disruptive action wins. A reset replaces the
 * redemption (-/+); an invitation creates a user (+); a profile update changes one in place (~),
 * and outranks an adoption, which only records a marker: a guest adopted while losing 8
 * otherMails is a change to that guest, not an addition.
 */
function guestSymbol(actions: readonly Action[], p: Palette): string {
  const types = new Set(actions.map((a) => a.type));
  if (types.has('reset-redemption')) return p.red('-/+');
  if (types.has('disable')) return p.red('-');
  if (types.has('invite')) return p.green('+');
  if (types.has('update-profile')) return p.yellow('~');
  if (types.has('adopt')) return p.green('+');
  return p.yellow('~');
}

function renderAction(a: Action, p: Palette): string[] {
  const detail = (s: string) => `${INDENT}${INDENT}${s}`;
  switch (a.type) {
    case 'update-profile':
      return [
        `${INDENT}${p.yellow('~')} ${ACTION_TITLE[a.type]}: ${sanitize(a.reason)}`,
        ...profileChangeLines(a).map((l) => detail(colorDiffLine(sanitize(l), p))),
      ];
    case 'reset-redemption':
      return [
        `${INDENT}${p.red('-/+')} ${ACTION_TITLE[a.type]} to ${p.bold(sanitize(a.email))}, ${generationChange(a.previous, a.generation, '->')}`,
        detail(`why: ${RESET_REASON[a.reason]} [${a.reason}]`),
        detail(`invitation: ${sanitize(describeInvitation(a.invitation))}`),
        detail(p.dim('the guest keeps its object id, UPN, groups and app assignments, and must redeem again')),
      ];
    case 'adopt':
      return [
        `${INDENT}${p.green('+')} ${ACTION_TITLE[a.type]}: record baseline generation ${a.generation}, email ${sanitize(a.email)} (no reset)`,
      ];
    case 'record-marker':
      return [
        `${INDENT}${p.cyan('*')} ${ACTION_TITLE[a.type]}: generation ${a.generation}, email ${a.email === null ? `hash ${a.emailHash}` : sanitize(a.email)} (no request to /invitations)`,
        detail(`why: ${sanitize(a.reason)}`),
      ];
    case 'invite':
      return [
        `${INDENT}${p.green('+')} ${ACTION_TITLE[a.type]} ${p.bold(sanitize(a.email))} as a new guest, generation ${a.generation}`,
        ...(a.otherMails ? [detail(`otherMails: ${a.otherMails.map(sanitize).join(', ') || '(none)'}`)] : []),
        detail(`invitation: ${sanitize(describeInvitation(a.invitation))}`),
      ];
    case 'disable':
    case 'enable':
    case 'update-sponsors': {
      const w = describeLifecycle(a);
      const paint = w.symbol === '-' ? p.red : w.symbol === '+' ? p.green : p.yellow;
      return [`${INDENT}${paint(w.symbol)} ${sanitize(w.title)}`, ...w.details.map((d) => detail(sanitize(d)))];
    }
  }
}

function colorDiffLine(l: string, p: Palette): string {
  if (l.startsWith('---') || l.startsWith('+++')) return p.bold(l);
  if (l.startsWith('@@')) return p.cyan(l);
  if (l.startsWith('-')) return p.red(l);
  if (l.startsWith('+')) return p.green(l);
  return l;
}

export function summaryLine(plan: Plan, p: Palette = PLAIN): string {
  const s = plan.summary;
  const records = s.markerRecords > 0 ? `, ${s.markerRecords} marker record${s.markerRecords === 1 ? '' : 's'}` : '';
  const blocked = s.blocked > 0 ? p.red(`${s.blocked} blocked`) : `${s.blocked} blocked`;
  return `${p.bold('Plan:')} ${s.resets} to reset, ${s.profileUpdates} profile update${s.profileUpdates === 1 ? '' : 's'}, ${s.adoptions} to adopt, ${s.invites} to invite${lifecycleCounts(s)}${records}, ${blocked}, ${s.unchanged} unchanged.`;
}
