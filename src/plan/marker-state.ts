/**
 * What the state marker on a user means for planning: the baseline (generation + email hash last
 * applied) to compare the declaration with, and what to do about a pending intent left by apply.
 *
 * Apply writes an intent just before each reset, holding `before`: the user's
 * externalUserStateChangeDateTime at that moment. Graph sets a new change time on every reset, so
 *   - change time ≠ before → the reset happened (see resetProven for the one exception); only
 *     recording it is left (record-marker), and the intent's target becomes the baseline;
 *   - change time = before → the reset did not happen. The run that wrote it may still be about to
 *     send it, so another run waits for the lease to expire; the same run (a retry) or anyone after
 *     the lease may redo it. Together these make two concurrent applies never reset twice.
 */
import type { ObservedUser } from './observed.js';
import type { Blocked } from './types.js';
import type { ParsedMarker, PendingIntent } from './marker.js';

export const DEFAULT_LEASE_SECONDS = 900;

export interface Baseline {
  readonly generation: number;
  readonly emailHash: string;
}

export interface LeaseOptions {
  readonly now: Date;
  readonly leaseSeconds: number;
  readonly runId?: string;
}

export type MarkerState =
  /** guestops has never applied anything to this user. */
  | { readonly kind: 'absent' }
  | { readonly kind: 'blocked'; readonly blocked: Blocked }
  | {
      readonly kind: 'managed';
      readonly baseline: Baseline;
      /** The reset of this intent happened: the marker must be moved to its target. */
      readonly recordHappened?: PendingIntent;
      /** This intent's reset never happened and may be redone now. */
      readonly interrupted?: PendingIntent;
    };

/**
 * Whether the user shows that the intent's reset happened: the state went Accepted →
 * PendingAcceptance, or the change time moved past `before` —
 * unless the guest was PendingAcceptance then and is Accepted now. That is also what a plain
 * redemption of the earlier invitation looks like (it moves the change time too), and counting it
 * as the reset would lose the declared reset for good. In that case the reset is treated as not
 * done and is sent (again): if it had in fact happened and the guest already redeemed it, the guest
 * gets one more invitation — preferred over silently never reaching the declared email.
 */
export function resetProven(p: PendingIntent, user: Pick<ObservedUser, 'externalUserState' | 'externalUserStateChangeDateTime'>): boolean {
  // Accepted → PendingAcceptance is the reset itself (nothing else takes a redeemed guest back),
  // whatever the change time does.
  if (p.beforeState === 'Accepted' && user.externalUserState === 'PendingAcceptance') return true;
  // Under a directory that moves the change time only when the state changes, a reset of a guest
  // already PendingAcceptance leaves no trace: it is not proven, and a re-run sends it once more.
  if (user.externalUserStateChangeDateTime === p.before) return false;
  return !(p.beforeState === 'PendingAcceptance' && user.externalUserState === 'Accepted');
}

/** `parsed`: the user's marker, parsed once by the planner for this and planLifecycle. */
export function interpretMarker(user: ObservedUser, options: LeaseOptions, parsed: ParsedMarker): MarkerState {
  if (parsed.kind === 'absent') return { kind: 'absent' };
  if (parsed.kind === 'unreadable') {
    return { kind: 'blocked', blocked: { code: 'marker-unreadable', reason: `state marker unreadable: ${parsed.reason}` } };
  }
  const m = parsed.marker;
  const applied: Baseline = { generation: m.generation, emailHash: m.emailHash };
  const p = m.pending;
  if (p === undefined) return { kind: 'managed', baseline: applied };

  if (resetProven(p, user)) {
    return { kind: 'managed', baseline: { generation: p.generation, emailHash: p.emailHash }, recordHappened: p };
  }
  const at = Date.parse(p.at);
  if (Number.isNaN(at)) {
    // Without a time the lease can never expire; refuse rather than guess it is stale.
    return { kind: 'blocked', blocked: { code: 'marker-unreadable', reason: `state marker unreadable: pending intent time ${JSON.stringify(p.at)} is not a date` } };
  }
  const expiresAt = at + options.leaseSeconds * 1000;
  const sameRun = options.runId !== undefined && options.runId === p.runId;
  if (sameRun || options.now.getTime() > expiresAt) return { kind: 'managed', baseline: applied, interrupted: p };
  return {
    kind: 'blocked',
    blocked: {
      code: 'intent-held',
      reason:
        `apply run ${p.runId} recorded an intent at ${p.at} and may still be running; ` +
        `re-run after ${new Date(expiresAt).toISOString()} or from the same run`,
    },
  };
}
