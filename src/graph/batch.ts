/**
 * JSON batching (`POST /$batch`): at most 20 requests per batch, and each inner request is
 * throttled on its own — a 200 batch may carry inner 429/5xx that the SDK never retries.
 * guestops resends just those inner requests, after the longest inner Retry-After (or backoff),
 * up to the retry policy's limit. Only used for reads, so the batch itself is idempotent and an
 * inner request is retried on exactly the statuses a top-level GET is (RETRYABLE_IDEMPOTENT):
 * one transient inner 500 must not fail a whole plan when the same GET alone would be retried.
 */
import type { Graph } from './client.js';
import { parseRetryAfter, retryDelayMs, DEFAULT_RETRY_POLICY, RETRYABLE_IDEMPOTENT, type RetryPolicy } from './retry-policy.js';
import { GuestopsError } from '../errors.js';
import { GraphError, graphErrorFields } from './graph-error.js';
import { mapLimited } from '../map-limited.js';

export const MAX_BATCH = 20;
const INNER_RETRYABLE: ReadonlySet<number> = RETRYABLE_IDEMPOTENT;

export interface BatchGet {
  /** Relative to `/v1.0`, starting with `/`. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface BatchResult {
  readonly status: number;
  readonly body: unknown;
  /** Inner request-id when Graph gives one (header or error body), else the batch's. */
  readonly requestId: string | null;
}

interface InnerResponse {
  id?: unknown;
  status?: unknown;
  headers?: Record<string, string>;
  body?: unknown;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The typed error of an inner answer that is not 2xx: Graph's code and message, its request id. */
export function innerFailure(res: BatchResult, url: string): GraphError {
  const { graphCode, graphMessage } = graphErrorFields(res.body);
  return new GraphError({ status: res.status, graphCode, graphMessage, requestId: res.requestId, method: 'GET', path: url });
}

/** Throws innerFailure unless the inner answer is 2xx. */
export function assertInnerOk(res: BatchResult, url: string): void {
  if (res.status < 200 || res.status > 299) throw innerFailure(res, url);
}

function header(h: Record<string, string> | undefined, name: string): string | undefined {
  if (!h) return undefined;
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/**
 * Batches in flight at once. One after another, a plan's lookups were its longest wait against
 * Graph (a batch of 20 filtered lookups answers in about a second under the emulator's `graph`
 * latency model). They can only be formed once the guest list is in, so every wave of them adds
 * to the plan's wall time: 50,000 guests with 2 % email changes send 14 batches (address holders
 * and extension attributes), 100,000 twice as many; 8 slots sent the 50,000 in two waves (the
 * last batch left 0.7 s after the first, once one had answered), 16 send them in one.
 * Concurrency is not what keeps this inside the throttling budget — answers as fast as loopback's
 * would outrun any window — the total is: a whole plan's lookups cost a few hundred resource
 * units (1 each: a list GET with `$select`) at 50,000 guests, against 8,000 per 10 s for a tenant
 * with more than 500 users (GRAPH.md, Throttling). Graph documents no concurrency limit for
 * `$batch`; each inner request is throttled on its own, which the retry below handles.
 */
export const BATCH_CONCURRENCY = 16;

/**
 * `items` in the fewest chunks of at most `max`, their sizes differing by at most one: 34 reads
 * go as 17 + 17, not 20 + 14. The same number of `$batch` requests either way; a batch answers
 * when its last inner request has, so the largest one sets the wait.
 */
export function evenChunks<T>(items: readonly T[], max: number): T[][] {
  const count = Math.ceil(items.length / max);
  const chunks: T[][] = [];
  for (let c = 0, start = 0; c < count; c++) {
    const size = Math.ceil((items.length - start) / (count - c));
    chunks.push(items.slice(start, start + size));
    start += size;
  }
  return chunks;
}

/**
 * `$batch` requests in flight at once across several batchGet calls (each call alone already
 * keeps to BATCH_CONCURRENCY): observe's early lookups send many small calls while the list is
 * read, and the bound holds for all of them together.
 */
export class BatchSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number = BATCH_CONCURRENCY) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    // A loop, not an if: a call arriving between a slot's release and the waiter's resumption
    // may take the slot first.
    while (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export interface BatchGetOptions {
  readonly policy?: RetryPolicy;
  /** Shared with other calls: each `$batch` request holds a slot while it is out (not while a retry waits). */
  readonly slots?: BatchSlots;
}

/** Runs GETs in batches of 20, up to BATCH_CONCURRENCY batches at once; results in input order. */
export async function batchGet(graph: Graph, gets: readonly BatchGet[], options: BatchGetOptions = {}): Promise<BatchResult[]> {
  const policy = options.policy ?? graph.retry ?? DEFAULT_RETRY_POLICY;
  const slots = options.slots;
  const results: (BatchResult | undefined)[] = new Array(gets.length).fill(undefined);
  let pending = gets.map((_, i) => i);
  for (let attempt = 0; pending.length > 0; attempt++) {
    const retry: number[] = [];
    const statuses = new Set<number>();
    let waitMs: number | undefined;
    const sendChunk = async (chunk: readonly number[]): Promise<void> => {
      const r = await graph.call<{ responses?: InnerResponse[] }>({
        method: 'POST',
        path: '/$batch',
        idempotent: true,
        body: {
          requests: chunk.map((i) => ({ id: String(i), method: 'GET', url: gets[i]!.url, ...(gets[i]!.headers ? { headers: gets[i]!.headers } : {}) })),
        },
      });
      const byId = new Map<string, InnerResponse>();
      for (const inner of r.body?.responses ?? []) if (inner && typeof inner.id === 'string') byId.set(inner.id, inner);
      for (const i of chunk) {
        const inner = byId.get(String(i));
        const status = typeof inner?.status === 'number' ? inner.status : 0;
        if ((status === 0 || INNER_RETRYABLE.has(status)) && attempt < policy.maxRetries) {
          retry.push(i);
          statuses.add(status);
          const told = parseRetryAfter(header(inner?.headers, 'retry-after'), Date.now());
          if (told !== undefined) waitMs = Math.max(waitMs ?? 0, told);
          continue;
        }
        // Graph's inner answers rarely carry a request-id header; an inner error names its own
        // request in `error.innerError` — the id support needs, not the enclosing batch's.
        const innerId = header(inner?.headers, 'request-id') ?? graphErrorFields(inner?.body).innerRequestId;
        results[i] = { status, body: inner?.body ?? null, requestId: innerId ?? r.requestId };
      }
    };
    const chunks = evenChunks(pending, MAX_BATCH);
    await mapLimited(chunks, BATCH_CONCURRENCY, slots ? (chunk) => slots.run(() => sendChunk(chunk)) : sendChunk);
    // Chunks finish in any order; inner requests are retried in input order.
    retry.sort((a, b) => a - b);
    if (retry.length > 0) {
      if (waitMs !== undefined && waitMs > policy.maxDelayMs) {
        throw new GuestopsError('graph-throttled', `Graph asked to wait ${Math.round(waitMs / 1000)} s inside $batch, longer than the ${Math.round(policy.maxDelayMs / 1000)} s guestops accepts`);
      }
      const wait = retryDelayMs(waitMs, attempt, policy);
      const why = [...statuses].sort().map((s) => (s === 0 ? 'no answer' : `HTTP ${s}`)).join(', ');
      graph.onRetryWait?.({ method: 'GET', path: `/$batch (${retry.length} inner request(s))`, why, told: waitMs !== undefined, waitMs: wait, retry: attempt + 1, of: policy.maxRetries });
      await sleep(wait);
    }
    pending = retry;
  }
  return results as BatchResult[];
}
