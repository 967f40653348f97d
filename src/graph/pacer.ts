/**
 * Client-side limiter for the invitation manager: Graph allows 150 requests per 5 seconds per
 * tenant on /invitations (any operation). Pacing on our side keeps a large apply from hitting that
 * wall and spending its time in 429 back-off. One limiter per process and tenant endpoint.
 *
 * A sliding window: never more than `requests` acquisitions in any `windowMs` span. Graph does not
 * say whether its limit is a token bucket or a window; traffic that never exceeds N in any window
 * passes both readings, while a token bucket of N per window (a burst of N, then N/W per second)
 * is refused by the strict one (measured by `npm run bench`: 1,000 resets drew a 5 s Retry-After
 * after every burst). Each slot is held 5 % longer than the window: requests reach Graph with
 * jitter (event loop, network), and one arriving a few ms early would be refused for seconds.
 */
import { GuestopsError } from '../errors.js';

export interface PacerOptions {
  /** Requests allowed in any span of `windowMs`. */
  readonly requests: number;
  readonly windowMs: number;
}

export const INVITATION_RATE: PacerOptions = { requests: 150, windowMs: 5_000 };

/** Extra share of the window each slot is held for, to absorb arrival jitter at Graph. */
export const PACER_WINDOW_MARGIN = 0.05;

export class Pacer {
  /** Acquisition times still inside the window, oldest first, from `head` on. */
  private readonly times: number[] = [];
  private head = 0;
  private readonly spanMs: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: PacerOptions,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!(options.requests > 0) || !(options.windowMs > 0)) throw new Error('pacer needs positive requests and window');
    this.spanMs = Math.ceil(options.windowMs * (1 + PACER_WINDOW_MARGIN));
  }

  private expire(t: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= t - this.spanMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Resolves when one request may go; callers are served in arrival order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const t = this.now();
        this.expire(t);
        if (this.times.length - this.head < this.options.requests) {
          this.times.push(t);
          return;
        }
        await this.sleep(Math.max(1, this.times[this.head]! + this.spanMs - t));
      }
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
