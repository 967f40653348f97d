/**
 * Executes a plan guest by guest with bounded concurrency. Guests are independent: a failure is
 * recorded in that guest's report and never stops the others. Blocked guests are listed, skipped.
 */
import type { Plan } from '../plan/types.js';
import { mapLimit } from './concurrency.js';
import { executeGuest, type ExecutionContext } from './guest-executor.js';
import type { GuestReport } from './report.js';

export const DEFAULT_CONCURRENCY = 4;

export interface ApplyPlanOptions {
  readonly concurrency?: number;
  /** Called as each guest finishes (progress lines). */
  readonly onGuestDone?: (report: GuestReport, finished: number, total: number) => void;
}

export async function applyPlan(ctx: ExecutionContext, plan: Plan, options: ApplyPlanOptions = {}): Promise<GuestReport[]> {
  let finished = 0;
  const total = plan.guests.length;
  return mapLimit(plan.guests, options.concurrency ?? DEFAULT_CONCURRENCY, async (gp) => {
    const report = await executeGuest(ctx, gp);
    finished++;
    options.onGuestDone?.(report, finished, total);
    return report;
  });
}
