/**
 * When and how long to wait before retrying a Graph call. Pure functions, so the rules are
 * testable without a clock.
 *
 * Why not the SDK's RetryHandler alone: it honours `Retry-After` (seconds and HTTP-date) for
 * 429/503/504, but it also retries POST on 503/504 — for `POST /invitations` a 504 may mean "done,
 * answer lost", and a blind retry would reset a guest twice. It also never retries a connection
 * reset or a timeout, and waits without jitter when `Retry-After` is given (every throttled worker
 * wakes at the same instant). guestops' policy:
 *   - 429: always retryable (Graph refused the request before acting on it), for every method.
 *   - 500/502/503/504 and no-response: retryable for idempotent requests only.
 *   - wait = Retry-After (seconds or HTTP-date) plus a little jitter; without it, full-jitter
 *     exponential backoff. A single wait above `maxDelayMs` is not retried (the caller reports it).
 */

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** Base of the exponential backoff when Graph gives no Retry-After. */
  readonly baseDelayMs: number;
  /** Longest single wait guestops accepts (Retry-After above it fails the call). */
  readonly maxDelayMs: number;
  /** Per-attempt timeout; a silent server counts as "no response". */
  readonly timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 8,
  baseDelayMs: 500,
  maxDelayMs: 120_000,
  timeoutMs: 60_000,
};

export const RETRYABLE_IDEMPOTENT = new Set([429, 500, 502, 503, 504]);

/** A wait before a retry, told to whoever shows progress (the CLI prints the long ones). */
export interface RetryWait {
  readonly method: string;
  /** Path and query (tenant text: escape before printing). */
  readonly path: string;
  /** What Graph did: `HTTP 429`, `HTTP 503`, `no response (…)`. */
  readonly why: string;
  /** Whether Graph said how long (Retry-After). */
  readonly told: boolean;
  readonly waitMs: number;
  /** 1-based number of the retry this wait precedes, of at most `of`. */
  readonly retry: number;
  readonly of: number;
}

export type OnRetryWait = (w: RetryWait) => void;

/** The stderr line for a wait (values escaped by the caller; the path without its query, which is long and names addresses). */
export function retryWaitLine(w: RetryWait): string {
  const path = w.path.split('?')[0];
  const secs = w.waitMs >= 10_000 ? Math.round(w.waitMs / 1000) : Math.round(w.waitMs / 100) / 10;
  return `guestops: Graph answered ${w.method} ${path} with ${w.why}; waiting ${secs} s${w.told ? ' as its Retry-After asks' : ''} before retry ${w.retry} of ${w.of}`;
}

/** Milliseconds to wait as told by a `Retry-After` value, or undefined when absent/unparseable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^attempt)], at least 50 ms. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 20));
  return Math.max(50, Math.round(random() * ceiling));
}

/**
 * The wait before retry number `attempt` (0-based): Retry-After when given (plus up to 10% or
 * 250 ms of jitter so concurrent workers spread out), else backoff.
 */
export function retryDelayMs(
  retryAfterMs: number | undefined,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return retryAfterMs + Math.round(random() * Math.min(250, retryAfterMs * 0.1 + 50));
  return backoffMs(attempt, policy, random);
}

export function isRetryableStatus(status: number, idempotent: boolean): boolean {
  if (status === 429) return true;
  return idempotent && RETRYABLE_IDEMPOTENT.has(status);
}

/** Reads retry tuning from the environment (documented in `--help`), falling back to defaults. */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const num = (name: string, dflt: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : dflt;
  };
  return {
    maxRetries: num('GUESTOPS_MAX_RETRIES', DEFAULT_RETRY_POLICY.maxRetries),
    baseDelayMs: num('GUESTOPS_RETRY_BASE_MS', DEFAULT_RETRY_POLICY.baseDelayMs),
    maxDelayMs: num('GUESTOPS_RETRY_MAX_WAIT_MS', DEFAULT_RETRY_POLICY.maxDelayMs),
    timeoutMs: num('GUESTOPS_HTTP_TIMEOUT_MS', DEFAULT_RETRY_POLICY.timeoutMs),
  };
}
