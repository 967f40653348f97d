/**
 * Client-side token bucket for the invitation manager: Graph allows 150 requests per 5 seconds
 * per tenant on /invitations (any operation). Pacing on our side keeps a large apply from hitting
 * that wall and spending its time in 429 back-off. One bucket per process and tenant endpoint.
 */
import { GuestopsError } from '../errors.js';

export interface PacerOptions {
  /** Requests allowed per window (bucket size). */
  readonly requests: number;
  readonly windowMs: number;
}

export const INVITATION_RATE: PacerOptions = { requests: 150, windowMs: 5_000 };

export class Pacer {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: PacerOptions,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!(options.requests > 0) || !(options.windowMs > 0)) throw new Error('pacer needs positive requests and window');
    this.tokens = options.requests;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    const rate = this.options.requests / this.options.windowMs;
    this.tokens = Math.min(this.options.requests, this.tokens + (t - this.last) * rate);
    this.last = t;
  }

  /** Resolves when one request may go; callers are served in arrival order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(async () => {
      this.refill();
      while (this.tokens < 1) {
        const rate = this.options.requests / this.options.windowMs;
        await this.sleep(Math.ceil((1 - this.tokens) / rate));
        this.refill();
      }
      this.tokens -= 1;
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}

/** `GUESTOPS_INVITATION_RATE=150/5s` (or `N/Ms`, `N/Mms`); defaults to Graph's documented limit. */
export function pacerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PacerOptions {
  const raw = env['GUESTOPS_INVITATION_RATE'];
  if (!raw) return INVITATION_RATE;
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/.exec(raw);
  if (!m || Number(m[1]) <= 0 || Number(m[2]) <= 0) {
    throw new GuestopsError('invitation-rate-invalid', `GUESTOPS_INVITATION_RATE='${raw}' is not N/Ws (e.g. 150/5s)`);
  }
  const windowMs = m[3] === 'ms' ? Number(m[2]) : Number(m[2]) * 1000;
  return { requests: Number(m[1]), windowMs };
}
