/**
 * guestops' middleware for the Graph SDK chain:
 *   ExactUrlAuth → Retry → (SDK) TelemetryHandler → (SDK) HTTPMessageHandler (fetch)
 *
 * ExactUrlAuth: puts the URL from RequestMeta on the request and attaches the bearer token only
 * when that URL has the configured Graph origin. (The SDK's AuthenticationHandler matches only
 * `https://` Graph hosts or `customHosts`, so an `http://` emulator would get no token; matching
 * the exact origin also means a nextLink pointing elsewhere never receives the token.) It also
 * follows redirects itself (fetch runs with `redirect: 'manual'`): fetch would carry the
 * Authorization header to wherever a 3xx points. A redirect within the Graph origin is followed
 * (at most 5, a GET or a 307/308 that keeps method and body); one to another origin, or one that
 * would turn a write into a GET, is refused before anything is sent there (`graph-redirect-refused`).
 *
 * Retry: see retry-policy.ts for the rules. It also reads the body inside the per-attempt timeout,
 * so a server that sends headers and then stalls counts as "no response".
 */
import type { AuthenticationProvider, Context, Middleware } from '@microsoft/microsoft-graph-client';
import { GuestopsError } from '../errors.js';
import { GraphUnreachableError } from './graph-error.js';
import { RequestMeta } from './request-meta.js';
import { isRetryableStatus, parseRetryAfter, retryDelayMs, type OnRetryWait, type RetryPolicy } from './retry-policy.js';

function metaOf(context: Context): RequestMeta {
  const meta = context.middlewareControl?.getMiddlewareOptions(RequestMeta) as RequestMeta | undefined;
  if (!meta) throw new Error('guestops Graph request without RequestMeta');
  return meta;
}

function setHeader(context: Context, name: string, value: string | undefined): void {
  const options = (context.options ??= {});
  const headers = options.headers;
  if (headers instanceof Headers) {
    if (value === undefined) headers.delete(name);
    else headers.set(name, value);
    return;
  }
  const h = { ...((headers as Record<string, string> | undefined) ?? {}) };
  for (const k of Object.keys(h)) if (k.toLowerCase() === name.toLowerCase()) delete h[k];
  if (value !== undefined) h[name] = value;
  options.headers = h;
}

export class ExactUrlAuthMiddleware implements Middleware {
  private next: Middleware | undefined;
  constructor(
    private readonly origin: string,
    private readonly auth: AuthenticationProvider,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const meta = metaOf(context);
    let url = meta.url;
    for (let hop = 0; ; hop++) {
      context.request = url;
      (context.options ??= {}).redirect = 'manual';
      if (new URL(url).origin === this.origin) {
        let token: string;
        try {
          token = await this.auth.getAccessToken();
        } catch (e) {
          // The SDK would wrap this in its GraphError and lose the typed credential error.
          meta.failure = e;
          throw e;
        }
        setHeader(context, 'Authorization', `Bearer ${token}`);
      } else {
        setHeader(context, 'Authorization', undefined);
      }
      await this.next!.execute(context);
      const res = context.response;
      const location = res && res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
      if (!res || location === null) return;
      const next = redirectTarget(meta.method, url, res.status, location, this.origin, hop);
      if (typeof next !== 'string') {
        meta.failure = next;
        throw next;
      }
      url = next;
    }
  }
}

const MAX_REDIRECTS = 5;

/** Where to go next, or the refusal. Never reveals the token; names the foreign host so an operator can see the attempt. */
function redirectTarget(method: string, from: string, status: number, location: string, origin: string, hop: number): string | GuestopsError {
  const what = `${method} ${pathOf(from)}`;
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return new GuestopsError('graph-redirect-refused', `Graph answered ${what} with HTTP ${status} to an invalid location; nothing was followed`);
  }
  if (target.origin !== origin) {
    return new GuestopsError(
      'graph-redirect-refused',
      `Graph answered ${what} with HTTP ${status} to another origin (${target.protocol}//${target.host}); guestops sends its credentials only to ${origin} and did not follow`,
    );
  }
  const keepsMethod = status === 307 || status === 308;
  if (!keepsMethod && method !== 'GET') {
    return new GuestopsError('graph-redirect-refused', `Graph answered ${what} with HTTP ${status}, which would turn the ${method} into a GET; nothing was followed`);
  }
  if (hop + 1 > MAX_REDIRECTS) return new GuestopsError('graph-redirect-refused', `Graph redirected ${what} more than ${MAX_REDIRECTS} times; stopped`);
  return target.href;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class RetryMiddleware implements Middleware {
  private next: Middleware | undefined;
  constructor(
    private readonly policy: RetryPolicy,
    private readonly random: () => number = Math.random,
    private readonly onWait: OnRetryWait = () => {},
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const meta = metaOf(context);
    const path = pathOf(meta.url);
    for (let attempt = 0; ; attempt++) {
      meta.attempts = attempt + 1;
      meta.bodyText = undefined;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.policy.timeoutMs);
      let response: Response | undefined;
      let failure: unknown;
      try {
        (context.options ??= {}).signal = controller.signal;
        await this.next!.execute(context);
        const raw = context.response!;
        // Buffer the body while the timeout still runs. The caller reads it from meta.bodyText;
        // the Response passed up the chain keeps the status and headers only.
        meta.bodyText = await raw.text();
        response = new Response(null, { status: raw.status, statusText: raw.statusText, headers: raw.headers });
        context.response = response;
      } catch (e) {
        failure = e;
      } finally {
        clearTimeout(timer);
      }
      const left = attempt < this.policy.maxRetries;
      if (response === undefined) {
        const reason = controller.signal.aborted ? `no answer within ${this.policy.timeoutMs} ms` : describeNetworkError(failure);
        if (meta.idempotent && left) {
          const wait = retryDelayMs(undefined, attempt, this.policy, this.random);
          meta.waitedMs += wait;
          this.onWait({ method: meta.method, path, why: `no response (${reason})`, told: false, waitMs: wait, retry: attempt + 1, of: this.policy.maxRetries });
          await sleep(wait);
          continue;
        }
        const err = new GraphUnreachableError(meta.method, path, reason, failure, meta.idempotent ? { attempts: attempt + 1 } : undefined);
        meta.failure = err;
        throw err;
      }
      if (!isRetryableStatus(response.status, meta.idempotent) || !left) return;
      const told = parseRetryAfter(response.headers.get('Retry-After'), Date.now());
      if (told !== undefined && told > this.policy.maxDelayMs) return; // longer than we agree to wait
      const wait = retryDelayMs(told, attempt, this.policy, this.random);
      meta.waitedMs += wait;
      this.onWait({ method: meta.method, path, why: `HTTP ${response.status}`, told: told !== undefined, waitMs: wait, retry: attempt + 1, of: this.policy.maxRetries });
      await sleep(wait);
    }
  }
}

export function pathOf(url: string): string {
  const u = new URL(url);
  let p = u.pathname + u.search;
  try {
    p = decodeURIComponent(p);
  } catch {
    // keep the encoded form
  }
  return p.replace(/^\/v1\.0/, '');
}

function describeNetworkError(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
    return typeof code === 'string' ? `${e.message}: ${code}` : e.message;
  }
  return String(e);
}
