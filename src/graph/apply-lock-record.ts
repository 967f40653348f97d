/**
 * What the apply lock object says about its holder, and whether its lease has ended. Pure: the
 * lock's Graph calls are in apply-lock.ts.
 *
 * The holder record lives in the lock application's `notes`, written by the run that CREATED the
 * lock (only it knows the object's id before reading it). It is never part of the create-or-update
 * body: a run that loses the race gets its body applied as an update of the winner's lock, so that
 * body must be the same constant for every run (application-upsert.md: 204 updates the given
 * properties).
 */

/** The lock object's `uniqueName`: one per tenant, whatever guests/ repository applies. */
export const APPLY_LOCK_UNIQUE_NAME = 'guestops-apply-lock';

/** The constant create-or-update body (displayName is required by application-upsert.md). */
export const APPLY_LOCK_BODY = {
  displayName: 'guestops apply lock',
  description: "Held while a guestops apply runs and deleted when it ends. A stale one (its run died) is removed by 'guestops unlock LOCK_ID' or once its lease ends.",
} as const;

/** The holder record as written into `notes`. */
export interface LockHolder {
  /** The run id of the apply holding the lock. */
  readonly run: string;
  /** When the holder's lease ends unless renewed (holder's clock, ISO 8601). */
  readonly until: string;
}

/** The lock object as read from Graph. */
export interface LockObject {
  readonly id: string;
  readonly createdDateTime: string | null;
  /** null: no record (the creator has not written it yet, died before it, or it is unreadable). */
  readonly holder: LockHolder | null;
}

const RECORD_TAG = 'guestopsApplyLock';
/** The longest run id guestops writes (resolveRunId accepts shorter ones only). */
const MAX_RUN_ID = 200;

export function formatHolder(holder: LockHolder): string {
  return JSON.stringify({ [RECORD_TAG]: 1, run: holder.run, until: holder.until });
}

/** Reads a holder record from tenant text: anything that is not exactly one yields null. */
export function parseHolder(notes: unknown): LockHolder | null {
  if (typeof notes !== 'string' || notes.length > 1024) return null;
  let v: unknown;
  try {
    v = JSON.parse(notes);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || (v as Record<string, unknown>)[RECORD_TAG] !== 1) return null;
  const { run, until } = v as Record<string, unknown>;
  if (typeof run !== 'string' || run === '' || run.length > MAX_RUN_ID) return null;
  if (typeof until !== 'string' || Number.isNaN(Date.parse(until))) return null;
  return { run, until };
}

export function lockObjectFrom(body: unknown): LockObject | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  if (typeof b['id'] !== 'string' || b['id'] === '') return null;
  const created = typeof b['createdDateTime'] === 'string' && !Number.isNaN(Date.parse(b['createdDateTime'])) ? b['createdDateTime'] : null;
  return { id: b['id'], createdDateTime: created, holder: parseHolder(b['notes']) };
}

/**
 * When the lock's lease ends (ms since epoch). A lock with no holder record (its creator died
 * between creating it and recording itself) gets the reader's lease from its creation time; one
 * with neither is treated as held for a full lease from now, the safe side.
 */
export function leaseEndsAt(lock: LockObject, leaseMs: number, now: number): number {
  if (lock.holder) return Date.parse(lock.holder.until);
  if (lock.createdDateTime) return Date.parse(lock.createdDateTime) + leaseMs;
  return now + leaseMs;
}

/** Text naming who holds the lock and until when, for messages (escaped by the caller). */
export function describeLock(lock: LockObject, leaseMs: number, now: number): string {
  const until = new Date(leaseEndsAt(lock, leaseMs, now)).toISOString();
  const who = lock.holder ? `run ${lock.holder.run}` : 'a run that has not recorded itself';
  return `${who}${lock.createdDateTime ? ` since ${lock.createdDateTime}` : ''}, lease until ${until} (lock id ${lock.id})`;
}
