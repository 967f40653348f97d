/**
 * The policy's cap on disabled accounts per apply (`maxDisables`). Disabling is as consequential
 * as a reset — the guest can no longer sign in — so it is capped the same way as email changes
 * (email-change-cap.ts): the plan states when apply will refuse, and apply refuses before the
 * first write. `apply --max-disables N` may lower the cap for one run, never lift it: the policy
 * file is what a pull request of guest files cannot change on its own.
 */
import { GuestopsError } from '../errors.js';
import type { Policy } from '../policy/types.js';
import type { GuestPlan, Plan } from './types.js';

/** `disables` of the plan: present only when some guest is disabled. */
export function disablesOf(guests: readonly GuestPlan[], policy: Policy): { disables?: { count: number; max: number } } {
  const count = guests.filter((g) => g.blocked === undefined && g.actions.some((a) => a.type === 'disable')).length;
  return count > 0 ? { disables: { count, max: policy.maxDisables } } : {};
}

export function disablesOverCap(plan: Plan): boolean {
  return plan.disables !== undefined && plan.disables.count > plan.disables.max;
}

/** `--max-disables N` above the policy's cap is refused before the tenant is read. */
export function checkMaxDisablesFlag(flag: number | undefined, policy: Policy): void {
  if (flag === undefined || flag <= policy.maxDisables) return;
  throw new GuestopsError(
    'usage',
    `--max-disables ${flag} is above the policy's maxDisables ${policy.maxDisables} (${policy.file ?? 'built-in policy'}): the flag may only lower it; raise maxDisables in the policy file if intended`,
  );
}

/** Refuses, before the first write, a plan disabling more guests than the policy (or a lower --max-disables) allows. */
export function checkDisableCap(plan: Plan, flag: number | undefined): void {
  const count = plan.disables?.count ?? 0;
  const policyMax = plan.disables?.max ?? Number.POSITIVE_INFINITY;
  const max = Math.min(policyMax, flag ?? Number.POSITIVE_INFINITY);
  if (count <= max) return;
  const setting = flag !== undefined && flag < policyMax ? `--max-disables ${flag}` : `the policy's maxDisables ${policyMax} (${plan.policyFile ?? 'built-in policy'})`;
  throw new GuestopsError(
    'max-disables-exceeded',
    `the plan disables ${count} guest accounts, more than ${setting}; nothing was written. Split the change, or raise maxDisables in the policy file if intended`,
    { disables: count, max },
  );
}
