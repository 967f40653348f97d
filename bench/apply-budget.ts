/**
 * The throttling budget the apply benchmark runs under, and the fastest ANY client could finish
 * a given number of redemption resets inside it.
 *
 * Budget: Graph's documented identity-and-access limits (GRAPH.md, throttling-limits.md) for a
 * tenant over 500 users: 8,000 resource units per 10 s and 3,000 writes per 150 s per app +
 * tenant, 18,000 writes per 5 min per tenant (all apps), and the invitation manager's 150
 * requests per 5 s per tenant. The benchmark may run them time-scaled: every window multiplied
 * by `timeScale` (0.5 = twice as fast), the counts — and so every ratio between the limits —
 * unchanged; the bound scales by the same factor.
 *
 * The emulator's model of these limits (src/emulator/throttle.ts): resource units and writes are
 * token buckets that start full, so a bucket of capacity C refilling C per window W lets D units
 * through no sooner than max(0, D − C) · W / C; the invitation manager is a sliding window (never
 * more than N in any W), so the k-th invitation (0-based) goes no sooner than floor(k / N) · W.
 * `POST /invitations` is charged to the invitation manager only (the emulator's documented guess:
 * Graph does not say whether it is also an identity write).
 *
 * The least a reset of a renamed-domain guest costs any client: one invitation (the reset), one
 * write (the new address must be on the user before Graph accepts the reset; a client can fold
 * its bookkeeping into that same PATCH), one resource unit for that write. guestops' own cost
 * (measured from the log) is printed beside it.
 */

export interface ApplyBudget {
  readonly resourceUnitsPer10s: number;
  readonly writesPer150s: number;
  readonly tenantWritesPer5min: number;
  readonly invitationsPer5s: number;
}

export const APPLY_BUDGET: ApplyBudget = { resourceUnitsPer10s: 8_000, writesPer150s: 3_000, tenantWritesPer5min: 18_000, invitationsPer5s: 150 };

/** What one reset costs against each limit. */
export interface ResetCost {
  readonly invitations: number;
  readonly writes: number;
  readonly resourceUnits: number;
}

export const MINIMUM_RESET_COST: ResetCost = { invitations: 1, writes: 1, resourceUnits: 1 };

export interface BoundTerm {
  readonly limit: string;
  readonly ms: number;
}

function bucketMs(demand: number, capacity: number, windowMs: number): number {
  return (Math.max(0, demand - capacity) * windowMs) / capacity;
}

/** Each limit's floor for `resets` resets of the given cost, slowest first. */
export function boundTerms(resets: number, cost: ResetCost = MINIMUM_RESET_COST, timeScale = 1, budget: ApplyBudget = APPLY_BUDGET): BoundTerm[] {
  const invitations = resets * cost.invitations;
  const writes = resets * cost.writes;
  const terms: BoundTerm[] = [
    {
      limit: `invitations ${budget.invitationsPer5s}/5 s`,
      ms: invitations > 0 ? Math.floor((invitations - 1) / budget.invitationsPer5s) * 5_000 * timeScale : 0,
    },
    { limit: `writes ${budget.writesPer150s.toLocaleString('en-US')}/150 s per app`, ms: bucketMs(writes, budget.writesPer150s, 150_000 * timeScale) },
    { limit: `writes ${budget.tenantWritesPer5min.toLocaleString('en-US')}/5 min per tenant`, ms: bucketMs(writes, budget.tenantWritesPer5min, 300_000 * timeScale) },
    { limit: `resource units ${budget.resourceUnitsPer10s.toLocaleString('en-US')}/10 s`, ms: bucketMs(resets * cost.resourceUnits, budget.resourceUnitsPer10s, 10_000 * timeScale) },
  ];
  return terms.sort((a, b) => b.ms - a.ms);
}

/** The lower bound any client could reach: the slowest limit at the minimum cost per reset. */
export function applyLowerBoundMs(resets: number, timeScale = 1, budget: ApplyBudget = APPLY_BUDGET): number {
  return boundTerms(resets, MINIMUM_RESET_COST, timeScale, budget)[0]!.ms;
}

/** resets at the invitation manager's sustained rate, no burst. */
export function naiveLowerBoundMs(resets: number, timeScale = 1, budget: ApplyBudget = APPLY_BUDGET): number {
  return (resets * 5_000 * timeScale) / budget.invitationsPer5s;
}
