/**
 * Eventual consistency: Entra ID serves reads from replicas that may not have a write yet
 * ("Designing for eventual consistency for Microsoft Entra", Microsoft identity blog). Microsoft's
 * guidance is to trust a successful write's response and not to read it back as proof; a read that
 * checks guestops' own write can only show positive evidence (the write is visible) at once — that
 * it is NOT visible only means something once the replicas have caught up.
 *
 * guestops models "caught up" as a bounded window after a write: Microsoft says replication
 * typically completes in seconds, so the default is 30 s (several times "seconds", and still short
 * next to a CI job). Inside the window a negative answer about guestops' own write is re-asked
 * with backoff; only an answer to a request STARTED past the window counts as a conclusion.
 *
 * All waiting for consistency lives here (apply never sleeps): `settle` re-reads, `retryStale`
 * re-sends a request Graph refused only because its replica did not see guestops' own write yet.
 */
import { GuestopsError } from '../errors.js';

export const DEFAULT_CONSISTENCY_WINDOW_SECONDS = 30;

/**
 * Once the re-checks of one write have waited this long in all, whoever shows progress is told
 * (the same 2 s after which a retry's wait is printed): nobody should stare at a silent terminal
 * while guestops waits out its own consistency window.
 */
export const TELL_WAIT_AFTER_MS = 2_000;

/** A consistency wait that has reached TELL_WAIT_AFTER_MS, told once per write being checked. */
export interface ConsistencyWait {
  /** What is not visible yet, e.g. `GET /users/{id} does not show guestops' write yet` (tenant text: escape). */
  readonly what: string;
  /** How much longer it may wait at most: until a check started past the window. */
  readonly leftMs: number;
  readonly windowMs: number;
}

export type OnConsistencyWait = (w: ConsistencyWait) => void;

/** The stderr line for a consistency wait (escaped by the caller), worded like a retry's wait line. */
export function consistencyWaitLine(w: ConsistencyWait): string {
  const secs = (ms: number) => (ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10);
  return `guestops: ${w.what}; checking again for up to ${secs(Math.max(0, w.leftMs))} s while Graph's replicas catch up (consistency window ${secs(w.windowMs)} s)`;
}

export interface Consistency {
  /** How long after a write guestops assumes a reader may still see the state before it. */
  readonly windowMs: number;
  /** Time source and sleep, replaceable together (never one without the other). */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** First re-read delay; each next delay grows by half, capped at maxDelayMs. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Told once per checked write when its re-checks have waited TELL_WAIT_AFTER_MS in all. */
  readonly onWait?: OnConsistencyWait;
}

export function consistency(windowSeconds: number = DEFAULT_CONSISTENCY_WINDOW_SECONDS, onWait?: OnConsistencyWait): Consistency {
  return {
    windowMs: Math.round(windowSeconds * 1000),
    now: Date.now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    firstDelayMs: 100,
    maxDelayMs: 2_000,
    ...(onWait ? { onWait } : {}),
  };
}

/**
 * `--consistency-window SECONDS`, else `GUESTOPS_CONSISTENCY_WINDOW_SECONDS`, else the default.
 * 0 turns the waiting off (a strongly consistent directory, such as the emulator without lag).
 */
export function consistencyWindowSeconds(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const [raw, where] = flag !== undefined ? [flag, '--consistency-window'] : [env['GUESTOPS_CONSISTENCY_WINDOW_SECONDS'], 'GUESTOPS_CONSISTENCY_WINDOW_SECONDS'];
  if (raw === undefined || raw === '') return DEFAULT_CONSISTENCY_WINDOW_SECONDS;
  const n = Number(raw);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(raw) || !Number.isFinite(n) || n > 3600) {
    throw new GuestopsError('consistency-window-invalid', `${where}='${raw}' is not a number of seconds between 0 and 3600`);
  }
  return n;
}

function nextDelay(c: Consistency, delay: number, deadline: number): number {
  // Never sleep far past the deadline: the read that starts just after it is the conclusive one.
  return Math.max(1, Math.min(delay, c.maxDelayMs, deadline - c.now() + 1));
}

/** Sleeps between the checks of one write, telling `onWait` once the waits add up to 2 s. */
function waiter(c: Consistency, deadline: number, what: string | undefined): (ms: number) => Promise<void> {
  let waited = 0;
  let told = false;
  return async (ms) => {
    if (!told && what !== undefined && waited + ms >= TELL_WAIT_AFTER_MS) {
      told = true;
      c.onWait?.({ what, leftMs: deadline - c.now(), windowMs: c.windowMs });
    }
    waited += ms;
    await c.sleep(ms);
  };
}

/**
 * Re-reads until `read` shows positive evidence (a value), or until a read that started past
 * `since + window` still shows none: then undefined is a conclusion. `since` is when the write
 * being checked was sent (ms since epoch). `what` says what is not visible yet, for the one
 * progress line a long wait gets.
 */
export async function settle<T>(c: Consistency, since: number, read: () => Promise<T | undefined>, what?: string): Promise<T | undefined> {
  const deadline = since + c.windowMs;
  const wait = waiter(c, deadline, what);
  let delay = c.firstDelayMs;
  for (;;) {
    const startedAt = c.now();
    const v = await read();
    if (v !== undefined) return v;
    if (startedAt >= deadline) return undefined;
    await wait(nextDelay(c, delay, deadline));
    delay = Math.ceil(delay * 1.5);
  }
}

/**
 * Sends `attempt` again while its answer is one a replica that lags behind guestops' own write
 * (sent at `since`) would give — e.g. 404 for a user guestops just invited. The answer to an
 * attempt started past the window is final, whatever it is.
 */
export async function retryStale<R>(c: Consistency, since: number, attempt: () => Promise<R>, stale: (r: R) => boolean, what?: string): Promise<R> {
  const deadline = since + c.windowMs;
  const wait = waiter(c, deadline, what);
  let delay = c.firstDelayMs;
  for (;;) {
    const startedAt = c.now();
    const r = await attempt();
    if (!stale(r) || startedAt >= deadline) return r;
    await wait(nextDelay(c, delay, deadline));
    delay = Math.ceil(delay * 1.5);
  }
}
