/** `guestops status` for a terminal: one block per guest. Tenant and YAML text is sanitised. */
import type { StatusReport } from '../status/report.js';
import { escapeUntrusted as clean } from './untrusted.js';
import { accountWords, appliedWords, expiryWords, filterWords, resendWords, signInNote, signInWords, stateWords } from './status-words.js';

export function renderStatusText(r: StatusReport): string {
  const out = [`${r.guests.length} of ${r.declared} declared guest${r.declared === 1 ? '' : 's'}${filterWords(r)}:`, ''];
  const note = signInNote(r);
  if (note) out.push(clean(note), '');
  for (const g of r.guests) {
    out.push(`${clean(g.email)}  ${clean(g.file)}:${g.line}`);
    if (g.id !== null) out.push(`    user ${clean(g.id)}${g.upn ? ` (${clean(g.upn)})` : ''}`);
    out.push(`    redemption: ${clean(stateWords(g))}; ${clean(appliedWords(g))}`);
    out.push(`    account: ${accountWords(g)}; access ${expiryWords(g)}`);
    out.push(`    sponsors: ${g.sponsors.length ? g.sponsors.map(clean).join(', ') : '(none)'}`);
    const s = signInWords(g);
    if (s) out.push(`    ${clean(s)}`);
    const resend = resendWords(g);
    if (resend) out.push(`    ${clean(resend)}`);
    out.push('');
  }
  return out.join('\n');
}
