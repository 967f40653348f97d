/** The risk section that opens the terminal plan (see risk-words.ts for the words). */
import type { Plan, Risk } from '../plan/types.js';
import { sanitize } from './text.js';
import { RISK_TITLE, disableCapLine, domainMove, emailChangeLine, invitationDiffLines } from './risk-words.js';

const INDENT = '    ';

function riskLines(r: Risk, plan: Plan): string[] {
  const where = `${sanitize(r.file)}:${r.line}`;
  // A disable names the guest (`to`); the other kinds show the address it moves from and to.
  const move = r.to === undefined ? '' : r.kind === 'disable' ? `${sanitize(r.to)}  ` : `${sanitize(r.from ?? '(unknown)')} -> ${sanitize(r.to)}  `;
  const head = `  ! ${RISK_TITLE[r.kind]}: ${r.kind === 'invitation-settings' ? '' : move}${where}`;
  const lines = [head];
  if (r.kind === 'domain-change') lines.push(`${INDENT}${sanitize(domainMove(r.from, r.to, '->'))}, ${sanitize(r.detail)}`);
  else lines.push(`${INDENT}${sanitize(r.detail)}`);
  if (r.kind === 'invitation-settings') {
    const change = plan.invitationChanges?.find((c) => c.file === r.file && c.line === r.line);
    if (change) lines.push(...invitationDiffLines(change).map((l) => `${INDENT}${sanitize(l)}`));
  }
  return lines;
}

/** Lines of the risk section (empty when there is nothing to say), each guest value escaped. */
export function renderRisksText(plan: Plan): string[] {
  const risks = plan.risks ?? [];
  const caps = [emailChangeLine(plan), disableCapLine(plan)];
  const out: string[] = [];
  if (risks.length > 0) {
    out.push(`Risks, read these first (${risks.length}):`);
    for (const r of risks) out.push(...riskLines(r, plan));
  }
  for (const cap of caps) if (cap) out.push(`${cap.refused ? 'x' : 'i'} ${sanitize(cap.text)}`);
  if (plan.invitationChanges === undefined && (risks.length > 0 || plan.guests.length > 0)) {
    out.push('i invitation settings were not compared with the review\'s base (no --base-dir)');
  }
  if (out.length > 0) out.push('');
  return out;
}
