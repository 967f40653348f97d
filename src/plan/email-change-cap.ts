/**
 * The policy's cap on sign-in email changes per apply (`maxEmailChanges`), separate from
 * `--max-resets`: a generation bump re-invites the same person, an email change hands an account
 * to another mailbox. Plan states when apply will refuse; apply refuses before the first write.
 */
import { GuestopsError } from '../errors.js';
import type { Plan } from './types.js';

export function emailChangesOverCap(plan: Plan): boolean {
  return plan.emailChanges !== undefined && plan.emailChanges.count > plan.emailChanges.max;
}

export function checkEmailChangeCap(plan: Plan): void {
  if (!emailChangesOverCap(plan)) return;
  const { count, max } = plan.emailChanges!;
  throw new GuestopsError(
    'max-email-changes-exceeded',
    `the plan changes the sign-in email of ${count} guests, more than the policy's maxEmailChanges ${max} (${plan.policyFile ?? 'built-in policy'}); nothing was written. Split the change, or raise maxEmailChanges in the policy file if intended`,
    { count, max },
  );
}
