/**
 * `guestops status --format markdown`, for the drift job's summary: a table of every listed
 * guest, then the pending ones with the exact change that re-sends their invitation. User data
 * goes into code spans (markdown-escape.ts).
 */
import type { StatusReport } from '../status/report.js';
import { codeSpan, escapeHtml } from './markdown-escape.js';
import { accountWords, days, expiryWords, filterWords, signInNote, signInWords, stateWords } from './status-words.js';

export function renderStatusMarkdown(r: StatusReport, title = 'guestops status'): string {
  const out = [`### ${escapeHtml(title)}`, '', `${r.guests.length} of ${r.declared} declared guests${escapeHtml(filterWords(r))}.`, ''];
  const note = signInNote(r);
  if (note) out.push(`> [!NOTE]`, `> ${codeSpan(note)}`, '');
  if (r.guests.length > 0) {
    out.push('| Guest | Declared at | Redemption | Account | Access | Sponsors | Sign-in |', '|---|---|---|---|---|---|---|');
    for (const g of r.guests) {
      out.push(
        `| ${codeSpan(g.email, true)} | ${codeSpan(`${g.file}:${g.line}`, true)} | ${codeSpan(stateWords(g), true)} | ${escapeHtml(accountWords(g))} | ${escapeHtml(expiryWords(g))} | ${g.sponsors.length ? g.sponsors.map((s) => codeSpan(s, true)).join(', ') : '—'} | ${escapeHtml(signInWords(g) ?? '—')} |`,
      );
    }
    out.push('');
  }
  const pending = r.guests.filter((g) => g.resend);
  if (pending.length > 0) {
    out.push('> [!WARNING]', `> **${pending.length} guest${pending.length === 1 ? ' has' : 's have'} not redeemed.** To send a fresh invitation, change the line below in a pull request; the plan shows the reset, apply sends it:`);
    for (const g of pending) {
      out.push(`> - ${codeSpan(g.email, true)} pending ${days(g.stateDays ?? 0)}: ${codeSpan(`${g.resend!.file}:${g.resend!.line}`)} ${codeSpan(g.resend!.change)}`);
    }
    out.push('');
  }
  return out.join('\n');
}
