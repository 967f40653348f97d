/**
 * What apply will refuse, stated in the plan: a reviewer must see before the merge that the
 * merged change would be refused after it (a plan of 21 resets against apply's default of 20).
 * One entry per limit; the reset budget is the first, other caps (policy) append their own.
 */
import type { Plan, PlanLimit } from './types.js';

export const DEFAULT_MAX_RESETS = 20;

export function resetLimit(plan: Plan, maxResets: number): PlanLimit {
  const planned = plan.summary.resets;
  return { name: 'max-resets', max: maxResets, planned, exceeded: planned > maxResets };
}

export function withLimits(plan: Plan, limits: readonly PlanLimit[]): Plan {
  return { ...plan, limits: [...(plan.limits ?? []), ...limits] };
}

/** The max-resets a saved plan was reviewed with, if it says. */
export function reviewedMaxResets(plan: Plan): number | undefined {
  return plan.limits?.find((l) => l.name === 'max-resets')?.max;
}

/**
 * `--max-resets`, else the reviewed plan's limit (`apply --plan` applies what was reviewed,
 * limit included), else GUESTOPS_MAX_RESETS (set it once for plan and apply, e.g. from a
 * repository variable both workflows read), else the default.
 */
export function maxResetsSetting(flag: number | undefined, env: NodeJS.ProcessEnv, reviewed?: number): { value: number; source: string } | { error: string } {
  if (flag !== undefined) return { value: flag, source: '--max-resets' };
  if (reviewed !== undefined) return { value: reviewed, source: 'the reviewed plan' };
  const raw = env['GUESTOPS_MAX_RESETS'];
  if (raw !== undefined && raw !== '') {
    if (!/^\d+$/.test(raw)) return { error: `GUESTOPS_MAX_RESETS must be an integer >= 0, got '${raw}'` };
    return { value: Number(raw), source: 'GUESTOPS_MAX_RESETS' };
  }
  return { value: DEFAULT_MAX_RESETS, source: 'default' };
}
