/**
 * Executes a plan guest by guest with bounded concurrency. Guests are independent: a failure is
 * recorded in that guest's report and never stops the others. Blocked guests are listed, skipped.
 */
import type { GuestPlan, Plan } from '../plan/types.js';
import { mapLimit } from './concurrency.js';
import { executeGuest, type ExecutionContext } from './guest-executor.js';
import { notStarted, type GuestReport } from './report.js';
import { isAdoption } from '../plan/summary.js';

export const DEFAULT_CONCURRENCY = 4;

export interface ApplyPlanOptions {
  readonly concurrency?: number;
  /** Called as each guest finishes (progress lines). */
  readonly onGuestDone?: (report: GuestReport, finished: number, total: number) => void;
  /** Called as a guest that writes starts. */
  readonly onGuestStart?: (guest: GuestPlan) => void;
  /** Once aborted (a first Ctrl-C), no further guest that writes is started; started ones finish. */
  readonly signal?: AbortSignal;
}

function writes(gp: GuestPlan): boolean {
  return !gp.blocked && gp.actions.length > 0;
}

export async function applyPlan(ctx: ExecutionContext, plan: Plan, options: ApplyPlanOptions = {}): Promise<GuestReport[]> {
  let finished = 0;
  const total = plan.guests.length;
  return mapLimit(plan.guests, options.concurrency ?? DEFAULT_CONCURRENCY, async (gp) => {
    if (writes(gp)) {
      if (options.signal?.aborted) return notStarted(gp);
      options.onGuestStart?.(gp);
    }
    const executed = await executeGuest(ctx, gp);
    const report: GuestReport = isAdoption(gp.actions) ? { ...executed, adoption: true } : executed;
    finished++;
    options.onGuestDone?.(report, finished, total);
    return report;
  });
}
