/**
 * Executes a plan guest by guest with bounded concurrency. Guests are independent: a failure is
 * recorded in that guest's report and never stops the others. Blocked guests are listed, skipped.
 *
 * `concurrency` bounds the guests WORKING at once (sending requests, waiting for their answers
 * and retries). A guest that only waits for Graph's replicas to show its own write (the sleeps of
 * src/graph/consistency.ts) gives its slot to another guest meanwhile: under replication lag
 * every reset waits about the lag between its intent PATCH and the reset, and with the slot held
 * through that wait a 1 s lag limited an apply to `concurrency` resets per second, far below the
 * invitation manager's budget. At most `concurrency × GUESTS_IN_PROGRESS_PER_SLOT` guests are
 * started and not finished (so a kill leaves a bounded number of intents for the next run).
 * `--concurrency 1` stays one guest at a time, start to end: its request order is fixed.
 */
import type { GuestPlan, Plan } from '../plan/types.js';
import type { Graph } from '../graph/client.js';
import { Slots, mapLimit } from './concurrency.js';
import { executeGuest, type ExecutionContext } from './guest-executor.js';
import { notStarted, type GuestReport } from './report.js';
import { isAdoption } from '../plan/summary.js';

export const DEFAULT_CONCURRENCY = 4;

/** Guests that may be started and unfinished per working slot (most of them waiting for replicas). */
export const GUESTS_IN_PROGRESS_PER_SLOT = 64;

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

/** `graph` whose consistency waits hand the caller's working slot to another guest while they sleep. */
function yieldingWhileWaiting(graph: Graph, slots: Slots): Graph {
  const { sleep } = graph.consistency;
  return {
    ...graph,
    consistency: {
      ...graph.consistency,
      sleep: async (ms) => {
        slots.give();
        try {
          await sleep(ms);
        } finally {
          await slots.take('resume');
        }
      },
    },
  };
}

export async function applyPlan(ctx: ExecutionContext, plan: Plan, options: ApplyPlanOptions = {}): Promise<GuestReport[]> {
  let finished = 0;
  const total = plan.guests.length;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const slots = new Slots(concurrency);
  const inProgress = concurrency === 1 ? 1 : concurrency * GUESTS_IN_PROGRESS_PER_SLOT;
  const guestCtx: ExecutionContext = concurrency === 1 ? ctx : { ...ctx, graph: yieldingWhileWaiting(ctx.graph, slots) };
  return mapLimit(plan.guests, inProgress, async (gp) => {
    await slots.take('start');
    try {
      if (writes(gp)) {
        if (options.signal?.aborted) return notStarted(gp);
        options.onGuestStart?.(gp);
      }
      const executed = await executeGuest(guestCtx, gp);
      const report: GuestReport = isAdoption(gp.actions) ? { ...executed, adoption: true } : executed;
      finished++;
      options.onGuestDone?.(report, finished, total);
      return report;
    } finally {
      slots.give();
    }
  });
}
