/**
 * The guards that run after the per-guest decision: the policy (policy-rules.ts) and the
 * domain-change acknowledgement (domain-acknowledgement.ts). A refusal turns the whole outcome
 * into a block, so a guest is never left with a changed profile and no reset.
 */
import type { DesiredGuest } from '../desired/types.js';
import type { Policy } from '../policy/types.js';
import type { Outcome } from './build-plan.js';
import type { EmailChange, InviteAction } from './types.js';
import { signInChange } from './sign-in-change.js';
import { checkPolicy } from './policy-rules.js';
import { checkDomainChange } from './domain-acknowledgement.js';

export interface Guarded {
  readonly outcome: Outcome;
  /** The sign-in move the plan makes (also on a guest blocked for it, so the reviewer sees from → to). */
  readonly emailChange?: EmailChange;
  /** Where the acknowledgement of an allowed domain change is written. */
  readonly acknowledgedAt?: string;
}

export function guardGuest(guest: DesiredGuest, outcome: Outcome, policy: Policy): Guarded {
  if (outcome.blocked !== undefined) return { outcome };
  const change = signInChange(outcome.user, outcome.actions, guest.email);
  const invite = outcome.actions.find((a): a is InviteAction => a.type === 'invite')?.email;
  const withChange = change !== undefined ? { emailChange: change } : {};
  const block = (blocked: NonNullable<Outcome['blocked']>): Guarded => ({
    outcome: { ...(outcome.user ? { user: outcome.user } : {}), actions: [], blocked },
    ...withChange,
  });
  const refused = checkPolicy(policy, { guest, user: outcome.user, change, invite });
  if (refused) return block(refused);
  if (change === undefined) return { outcome };
  const ack = checkDomainChange(guest, change);
  if (ack.kind === 'blocked') return block(ack.blocked);
  return { outcome, ...withChange, ...(ack.kind === 'acknowledged' ? { acknowledgedAt: ack.where } : {}) };
}
