/**
 * Per-request data passed down the SDK middleware chain (the SDK's MiddlewareOptions mechanism):
 * the exact URL to fetch, whether the request may be repeated, and what happened while sending it.
 *
 * Why an exact URL: the SDK's GraphRequest re-parses and rebuilds query strings, and only
 * recognises absolute `https://` URLs. guestops must follow `@odata.nextLink` verbatim (the skip
 * token is opaque) and must reach an `http://` emulator, so it hands the middleware the final URL.
 */
import type { MiddlewareOptions } from '@microsoft/microsoft-graph-client';

export class RequestMeta implements MiddlewareOptions {
  /** Attempts made (1 = no retry). */
  attempts = 0;
  /** Total time spent waiting between attempts. */
  waitedMs = 0;
  /** The error the chain failed with when no response arrived (the SDK would wrap it otherwise). */
  failure: unknown = undefined;
  /**
   * The body of the answer, read once by the retry middleware inside its timeout. The Response
   * the chain hands back carries no body of its own: wrapping the text in a second body only for
   * the caller to decode it again cost an encode and a decode of every page (about 6 MB of JSON
   * per 10,000 listed guests).
   */
  bodyText: string | undefined = undefined;

  constructor(
    readonly url: string,
    readonly method: string,
    /** Safe to send twice with the same effect (GET, PATCH of absolute values, read-only $batch). */
    readonly idempotent: boolean,
  ) {}
}
