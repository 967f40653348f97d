/**
 * The plan's opening risk section, in words both renderers share: a title per kind of risk, the
 * invitation-setting changes as diff lines (the message body in full, line by line), and what
 * the email-change cap means for apply. Nothing here escapes: each renderer escapes for its medium.
 */
import type { InvitationChange, Plan, RiskKind } from '../plan/types.js';
import { domainOf } from '../policy/match.js';

export const RISK_TITLE: Readonly<Record<RiskKind, string>> = {
  'domain-change': 'sign-in domain change',
  'consumer-domain': 'consumer mail domain',
  'role-holder': 'directory role holder',
  'adoption-with-new-email': 'first-time adoption with a new email',
  'invitation-settings': 'invitation settings changed',
  disable: 'account disabled',
};

/** `fabrikam.example -> northwind.example` for two addresses (the old one may be unknown). */
export function domainMove(from: string | null | undefined, to: string | undefined, arrow: string): string {
  return `${from ? domainOf(from) : '(unknown)'} ${arrow} ${to ? domainOf(to) : '(unknown)'}`;
}

function show(v: unknown): string {
  if (v === undefined) return '(not set)';
  if (Array.isArray(v)) return v.length === 0 ? '(none)' : v.join(', ');
  return String(v);
}

/**
 * One `-`/`+` pair per changed setting, in Graph's terms; the body as every old line then every
 * new line, so a reviewer reads the whole text the guest will receive, not a hunk of it.
 */
export function invitationDiffLines(c: InvitationChange): string[] {
  const out: string[] = [];
  for (const field of c.fields) {
    const from = (c.from as unknown as Record<string, unknown>)[field];
    const to = (c.to as unknown as Record<string, unknown>)[field];
    if (field === 'customizedMessageBody') {
      out.push(`~ ${field}:`);
      const lines = (v: unknown) => (typeof v === 'string' ? v.split(/\r\n|\r|\n/) : ['(not set)']);
      for (const l of lines(from)) out.push(`- ${l}`);
      for (const l of lines(to)) out.push(`+ ${l}`);
    } else {
      out.push(`- ${field}: ${show(from)}`, `+ ${field}: ${show(to)}`);
    }
  }
  return out;
}

/** The cap line, and whether apply will refuse the plan because of it. */
export function emailChangeLine(plan: Plan): { text: string; refused: boolean } | undefined {
  const e = plan.emailChanges;
  if (e === undefined || e.count === 0) return undefined;
  const policy = plan.policyFile ?? 'built-in policy';
  if (e.count > e.max) {
    return { text: `apply will refuse this plan: it changes the sign-in email of ${e.count} guests, the policy (${policy}) allows ${e.max} per apply`, refused: true };
  }
  return { text: `${e.count} sign-in email change${e.count === 1 ? '' : 's'} (the policy, ${policy}, allows ${e.max} per apply)`, refused: false };
}

/** The disable cap line (the policy's maxDisables), and whether apply will refuse the plan because of it. */
export function disableCapLine(plan: Plan): { text: string; refused: boolean } | undefined {
  const d = plan.disables;
  if (d === undefined || d.count === 0) return undefined;
  const policy = plan.policyFile ?? 'built-in policy';
  if (d.count > d.max) {
    return { text: `apply will refuse this plan: it disables ${d.count} guest accounts, the policy (${policy}) allows ${d.max} per apply (maxDisables)`, refused: true };
  }
  return { text: `${d.count} guest account${d.count === 1 ? '' : 's'} disabled (the policy, ${policy}, allows ${d.max} per apply)`, refused: false };
}
