/** What a Graph handler receives and returns: plain data, so `$batch` can reuse every handler. */
import type { Caller } from './auth.js';
import { GraphError, badRequest } from './graph-error.js';
import type { Tenant } from './tenant.js';

export interface GraphResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** JSON body (serialised by the transport). */
  readonly body?: unknown;
  /** Plain-text body (e.g. `/$count`), sent as text/plain. */
  readonly text?: string;
}

/** Query string parsed once; keys of system options are matched case-insensitively like Graph. */
export class Query {
  /** Raw `key=value` pieces in order, as the client sent them (used to rebuild nextLinks). */
  readonly rawPairs: readonly string[];
  private readonly values = new Map<string, string>();

  constructor(readonly raw: string) {
    this.rawPairs = raw === '' ? [] : raw.split('&').filter((p) => p !== '');
    for (const piece of this.rawPairs) {
      const eq = piece.indexOf('=');
      const k = decode(eq === -1 ? piece : piece.slice(0, eq));
      const v = eq === -1 ? '' : decode(piece.slice(eq + 1));
      const key = k.startsWith('$') ? k.toLowerCase() : k;
      if (this.values.has(key) && key.startsWith('$')) {
        // Graph refuses a repeated system query option (ODataException wording; guess for directory).
        throw badRequest(`Query option '${k}' was specified more than once, but it must be specified at most once.`);
      }
      this.values.set(key, v);
    }
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  /** System query options (`$...`) present. */
  systemOptions(): string[] {
    return [...this.values.keys()].filter((k) => k.startsWith('$'));
  }

  /** Refuses any `$option` the endpoint does not implement; plain parameters are ignored as in Graph. */
  allowOnly(allowed: readonly string[]): void {
    for (const k of this.systemOptions()) {
      if (!allowed.includes(k)) {
        // Wording is our guess; Graph answers 400 for options an endpoint does not support.
        throw badRequest(`Query option '${k}' is not supported on this endpoint by the Graph emulator.`);
      }
    }
  }
}

/**
 * Query strings are decoded the way ASP.NET (Graph's front end) does: `+` is a space, so an
 * address with `+` must be sent as `%2B` — a real Graph gotcha the emulator keeps on purpose.
 */
function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw badRequest(`Malformed percent-encoding in query string: '${s}'.`, 'BadRequest');
  }
}

export interface HandlerContext {
  readonly tenant: Tenant;
  readonly caller: Caller;
  readonly method: string;
  /** Path segments after `/v1.0`, percent-decoded. */
  readonly segments: readonly string[];
  /** The request path as received (for nextLinks), e.g. `/v1.0/users`. */
  readonly path: string;
  readonly query: Query;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly bodyText: string | undefined;
  /** `http://127.0.0.1:PORT`: base of `@odata.context` and `@odata.nextLink`. */
  readonly origin: string;
}

/** The JSON body of a POST/PATCH. Graph's wording for an unreadable payload. */
export function jsonBody(ctx: HandlerContext): Record<string, unknown> {
  const text = ctx.bodyText ?? '';
  let data: unknown;
  try {
    data = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new GraphError(
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
  return data as Record<string, unknown>;
}

export function metadata(ctx: { origin: string }, fragment: string): string {
  return `${ctx.origin}/v1.0/$metadata#${fragment}`;
}
