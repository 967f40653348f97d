/**
 * Disabling is as consequential as a reset (the guest can no longer sign in), so it has its own
 * cap, checked before the first write like --max-resets.
 */
import { GuestopsError } from '../errors.js';
import type { Plan } from '../plan/types.js';

export const DEFAULT_MAX_DISABLES = 20;

export function countDisables(plan: Plan): number {
  return plan.guests.filter((g) => !g.blocked && g.actions.some((a) => a.type === 'disable')).length;
}

export function checkMaxDisables(plan: Plan, maxDisables: number): void {
  const n = countDisables(plan);
  if (n > maxDisables) {
    throw new GuestopsError(
      'max-disables-exceeded',
      `the plan disables ${n} guests, more than --max-disables ${maxDisables}; nothing was written. Review the plan and re-run with --max-disables ${n} if intended`,
      { disables: n, maxDisables },
    );
  }
}
