/**
 * The throttling budget the apply benchmark runs under, and the fastest any client could finish
 * a given number of resets inside it.
 *
 * Budget: Graph's documented identity-and-access limits for a tenant over 500 users (GRAPH.md):
 * 8,000 resource units per 10 s and 3,000 writes per 150 s per app + tenant, and the invitation
 * manager's 150 requests per 5 s per tenant.
 *
 * Lower bound, under the emulator's model of these limits: resource units and writes are token
 * buckets that start full, so a bucket of capacity C refilling C per window W lets D units through
 * no sooner than max(0, D − C) · W / C; the invitation manager is a sliding window (never more than
 * N in any W), so the k-th invitation (0-based) goes no sooner than floor(k / N) · W — 1,000
 * invitations need at least 6 full windows, 30 s. The least work a reset needs is one invitation
 * (the reset itself) and one write recording it in the state marker (one resource unit); the
 * slowest limit sets the bound. "resets / 30 per s" (33.3 s for 1,000) is printed alongside as the
 * naive bound.
 */

export interface ApplyBudget {
  readonly resourceUnitsPer10s: number;
  readonly writesPer150s: number;
  readonly invitationsPer5s: number;
}

export const APPLY_BUDGET: ApplyBudget = { resourceUnitsPer10s: 8_000, writesPer150s: 3_000, invitationsPer5s: 150 };

function bucketMs(demand: number, capacity: number, windowMs: number): number {
  return (Math.max(0, demand - capacity) * windowMs) / capacity;
}

export function applyLowerBoundMs(resets: number, budget: ApplyBudget = APPLY_BUDGET): number {
  return Math.max(
    resets > 0 ? Math.floor((resets - 1) / budget.invitationsPer5s) * 5_000 : 0,
    bucketMs(resets, budget.writesPer150s, 150_000),
    bucketMs(resets, budget.resourceUnitsPer10s, 10_000),
  );
}

/** resets at the invitation manager's sustained rate, no burst. */
export function naiveLowerBoundMs(resets: number, budget: ApplyBudget = APPLY_BUDGET): number {
  return (resets * 5_000) / budget.invitationsPer5s;
}
