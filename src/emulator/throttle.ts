/**
 * Throttling as Graph documents it for identity and access (concepts/throttling-limits.md,
 * "Identity and access service limits"; facts collected in GRAPH.md):
 * - a token bucket of resource units per app + tenant per 10 s, sized by tenant: 3,500 (< 50 users),
 *   5,000 (50-500), 8,000 (> 500); request costs: list users 2, other GET 1, write 1, `$select` −1,
 *   minimum 1;
 * - writes: 3,000 per 150 s per app + tenant;
 * - the invitation manager: 150 requests per 5 s per tenant (any operation on /invitations).
 * Resource-unit and write buckets refill continuously (Graph describes a token bucket; the refill
 * curve is our guess); the invitation limit is a sliding window (never more than 150 in any 5 s).
 * A refused request gets 429 TooManyRequests with Retry-After (whole seconds until the bucket holds
 * enough again) and the x-ms-throttle-scope / x-ms-throttle-information headers.
 */
import { GraphError } from './graph-error.js';

export interface ThrottleOptions {
  /** Resource units per 10 s per app + tenant; default by tenant size. */
  readonly resourceUnitsPer10s?: number;
  /** Invitation manager requests per 5 s per tenant; default 150. */
  readonly invitationsPer5s?: number;
  /** Writes per 150 s per app + tenant; default 3,000. */
  readonly writesPer150s?: number;
  /**
   * Multiplies every window (10 s, 150 s, 5 s) and so every refill time, keeping the documented
   * counts and their ratios: 0.5 runs Graph's budget at twice its speed (the benchmark's
   * time-scaled runs). Default 1.
   */
  readonly timeScale?: number;
}

export interface RequestCost {
  /** Resource units (identity and access budget); 0 for calls outside it. */
  readonly resourceUnits: number;
  readonly write: boolean;
  readonly invitation: boolean;
}

interface Limiter {
  /** Milliseconds until `amount` units may be spent (0 when available now). */
  waitFor(amount: number, now: number): number;
  take(amount: number, now: number): void;
}

/** Token bucket refilled continuously: Graph's documented model for resource units. */
class Bucket implements Limiter {
  private tokens: number;
  private last: number;
  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.capacity) / this.windowMs);
      this.last = now;
    }
  }

  /** Milliseconds until `amount` tokens are available (0 when available now). */
  waitFor(amount: number, now: number): number {
    this.refill(now);
    const need = Math.min(amount, this.capacity) - this.tokens;
    return need <= 0 ? 0 : Math.ceil((need * this.windowMs) / this.capacity);
  }

  take(amount: number): void {
    this.tokens -= amount;
  }
}

/**
 * "N requests per W seconds" as a sliding window: never more than N in any W-second span — the
 * strict reading of the invitation manager's documented 150 per 5 s.
 */
class SlidingWindow implements Limiter {
  private readonly times: number[] = [];
  private head = 0;
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  private expire(now: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
  }

  waitFor(amount: number, now: number): number {
    this.expire(now);
    const inWindow = this.times.length - this.head;
    if (inWindow + amount <= this.limit) return 0;
    const oldest = this.times[this.head + Math.max(0, inWindow + amount - this.limit - 1)]!;
    return Math.max(1, oldest + this.windowMs - now);
  }

  take(amount: number, now: number): void {
    for (let i = 0; i < amount; i++) this.times.push(now);
  }
}

export function defaultResourceUnits(tenantSize: number): number {
  if (tenantSize < 50) return 3500;
  if (tenantSize <= 500) return 5000;
  return 8000;
}

export class Throttle {
  private readonly ru = new Map<string, Bucket>();
  private readonly writes = new Map<string, Bucket>();
  private invitations: Limiter | undefined;
  private throttledCount = 0;

  constructor(
    private readonly options: ThrottleOptions,
    private readonly tenantId: string,
    private readonly tenantSize: () => number,
  ) {}

  private get scale(): number {
    return this.options.timeScale ?? 1;
  }

  get throttled(): number {
    return this.throttledCount;
  }

  /**
   * Charges a request to its buckets, or throws the 429 Graph would answer. `appKey` identifies
   * the calling app (throttling is per app + tenant for delegated and app-only calls alike).
   */
  charge(appKey: string, cost: RequestCost, now = Date.now()): void {
    const checks: { bucket: Limiter; amount: number; scope: string; info: string }[] = [];
    if (cost.invitation) {
      this.invitations ??= new SlidingWindow(this.options.invitationsPer5s ?? 150, 5_000 * this.scale);
      // Scope and information values follow the documented header format; the exact
      // strings for the invitation manager are our guess.
      checks.push({ bucket: this.invitations, amount: 1, scope: `Tenant/Invitations/${this.tenantId}`, info: 'InvitationManagerThrottled' });
    }
    if (cost.resourceUnits > 0) {
      let b = this.ru.get(appKey);
      if (!b) {
        b = new Bucket(this.options.resourceUnitsPer10s ?? defaultResourceUnits(this.tenantSize()), 10_000 * this.scale, now);
        this.ru.set(appKey, b);
      }
      checks.push({
        bucket: b,
        amount: cost.resourceUnits,
        scope: `Tenant_Application/${cost.write ? 'ReadWrite' : 'Read'}/${appKey}/${this.tenantId}`,
        info: 'ResourceUnitLimitExceeded',
      });
    }
    if (cost.write) {
      let b = this.writes.get(appKey);
      if (!b) {
        b = new Bucket(this.options.writesPer150s ?? 3000, 150_000 * this.scale, now);
        this.writes.set(appKey, b);
      }
      checks.push({ bucket: b, amount: 1, scope: `Tenant_Application/Write/${appKey}/${this.tenantId}`, info: 'WriteLimitExceeded' });
    }
    for (const c of checks) {
      const wait = c.bucket.waitFor(c.amount, now);
      if (wait > 0) {
        this.throttledCount++;
        throw new GraphError(429, 'TooManyRequests', 'Too many requests, please retry after the time in the Retry-After header.', {
          'retry-after': String(Math.max(1, Math.ceil(wait / 1000))),
          'x-ms-throttle-scope': c.scope,
          'x-ms-throttle-information': c.info,
        });
      }
    }
    for (const c of checks) c.bucket.take(c.amount, now);
  }
}
