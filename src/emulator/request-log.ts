/**
 * The ordered log of Graph requests the emulator answered: what tests assert on ("plan made zero
 * writes", "exactly one reset per guest"). Tokens are never recorded: the log keeps method, path,
 * query, status and the request body only.
 */

export interface RequestLogEntry {
  /** Arrival order, 1-based; inner `$batch` requests get their own seq after their parent's. */
  readonly seq: number;
  /** ISO time the answer was decided. */
  readonly time: string;
  readonly method: string;
  /** Path without the query, e.g. `/v1.0/users/6f1c…` (UPNs percent-decoded). */
  readonly path: string;
  /** Raw query string as sent, without the leading `?` ('' when none). */
  readonly query: string;
  /** Status the client saw; 0 when the connection was dropped by a fault rule. */
  readonly status: number;
  /** Graph `request-id` of the answer. */
  readonly requestId: string;
  /** Parsed JSON body of a POST/PATCH (raw text when not JSON). */
  readonly requestBody?: unknown;
  /** Set on requests that arrived inside a `$batch`. */
  readonly batch?: { readonly parentSeq: number; readonly id: string };
  /** Set when a fault rule shaped the answer. */
  readonly fault?: { readonly rule: number; readonly phase: 'before' | 'after'; readonly effect: 'status' | 'drop' | 'latency' };
  /** With a `phase: "after"` fault: the status the handler produced before the fault replaced it. */
  readonly handledStatus?: number;
  /** Never present: tokens are not logged. */
  readonly token?: never;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  nextSeq(): number {
    return ++this.seq;
  }

  /** Inserts keeping seq order (an entry can complete after a later one when latency is injected). */
  add(entry: RequestLogEntry): void {
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1]!.seq > entry.seq) i--;
    this.entries.splice(i, 0, entry);
  }

  since(seq: number): RequestLogEntry[] {
    if (seq <= 0) return [...this.entries];
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return this.entries.slice(lo);
  }

  clear(): void {
    this.entries = [];
  }

  get length(): number {
    return this.entries.length;
  }
}

/** Strips anything token-like from a logged body (e.g. headers of `$batch` inner requests). */
export function redactBody(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(redactBody);
  if (typeof body !== 'object' || body === null) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    out[k] = k.toLowerCase() === 'authorization' ? '[redacted]' : redactBody(v);
  }
  return out;
}
