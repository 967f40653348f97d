/**
 * What a reviewer must read first, computed from the finished guest plans: every sign-in moved to
 * another domain (acknowledged, or the plan would have blocked it), every move or invitation to a
 * consumer mail domain the policy allows, role holders being changed, first-time adoptions that
 * also move the email, accounts being disabled (the guest can no longer sign in: as consequential
 * as a reset), and invitation settings that changed since the review's base.
 */
import { isConsumerDomain } from '../policy/consumer-domains.js';
import { domainOf } from '../policy/match.js';
import type { GuestPlan, InvitationChange, Risk } from './types.js';

export interface GuestRiskInput {
  readonly plan: GuestPlan;
  /** Where the acknowledgement of a domain change is written, when the guest moves domain. */
  readonly acknowledgedAt?: string;
  readonly holdsRole: boolean;
}

export function collectRisks(guests: readonly GuestRiskInput[], invitationChanges: readonly InvitationChange[]): Risk[] {
  const risks: Risk[] = [];
  for (const { plan: g, acknowledgedAt, holdsRole } of guests) {
    if (g.blocked !== undefined) continue;
    const at = { key: g.key, file: g.file, line: g.line };
    const change = g.emailChange;
    if (change !== undefined && acknowledgedAt !== undefined) {
      risks.push({ kind: 'domain-change', ...at, from: change.from, to: change.to, detail: `acknowledged at ${acknowledgedAt}` });
    }
    const invite = g.actions.find((a) => a.type === 'invite');
    const movedTo = change?.to ?? invite?.email;
    if (movedTo !== undefined && isConsumerDomain(domainOf(movedTo))) {
      risks.push({ kind: 'consumer-domain', ...at, from: change?.from ?? null, to: movedTo, detail: `${domainOf(movedTo)} is a consumer mail domain: anyone can register an address there` });
    }
    if (holdsRole && g.actions.length > 0) risks.push({ kind: 'role-holder', ...at, detail: `user ${g.id} holds a directory role` });
    const disable = g.actions.find((a) => a.type === 'disable');
    if (disable !== undefined) {
      // Located at the line that asks for it (`expires:` or `enabled:`), where the reviewer would change it.
      const where = disable.declaredAt ?? { file: g.file, line: g.line };
      risks.push({ kind: 'disable', key: g.key, file: where.file, line: where.line, to: g.email, detail: `${disable.reason}: the guest can no longer sign in (nothing is deleted)` });
    }
    if (g.actions.some((a) => a.type === 'reset-redemption' && a.reason === 'adopted-with-new-email')) {
      risks.push({ kind: 'adoption-with-new-email', ...at, from: change?.from ?? null, to: g.email, detail: 'first time guestops manages this guest, and it moves its email at once' });
    }
  }
  for (const c of invitationChanges) {
    risks.push({ kind: 'invitation-settings', key: c.file, file: c.file, line: c.line, detail: `${c.fields.join(', ')} changed for ${c.guests.length} guest${c.guests.length === 1 ? '' : 's'}` });
  }
  return risks;
}
