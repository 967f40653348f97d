/**
 * The one door to Graph: builds the SDK client (`Client.initWithMiddleware`) with guestops'
 * middleware chain and exposes a small typed `send`/`call` API. Everything else in src/graph
 * goes through here; nothing outside src/graph speaks HTTP to Graph.
 */
import { Client, HTTPMessageHandler, ResponseType, TelemetryHandler } from '@microsoft/microsoft-graph-client';
import type { AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import { GraphError, graphErrorFields } from './graph-error.js';
import { ExactUrlAuthMiddleware, RetryMiddleware, pathOf } from './middleware.js';
import { Pacer, INVITATION_RATE, type PacerOptions } from './pacer.js';
import { RequestMeta } from './request-meta.js';
import { consistency as defaultConsistency, type Consistency } from './consistency.js';
import { DEFAULT_RETRY_POLICY, type OnRetryWait, type RetryPolicy } from './retry-policy.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface GraphRequestSpec {
  readonly method: Method;
  /** `/users?...` relative to `{graphUrl}/v1.0`, or an absolute URL used verbatim (nextLink). */
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Defaults: GET/PATCH/DELETE true, POST false. */
  readonly idempotent?: boolean;
}

export interface GraphResponse<T = unknown> {
  readonly method: Method;
  /** Path and query (decoded), for reports and errors. */
  readonly path: string;
  readonly status: number;
  readonly body: T;
  readonly requestId: string | null;
  readonly headers: Headers;
  readonly startedAt: string;
  readonly ms: number;
  readonly attempts: number;
}

export interface GraphOptions {
  /** e.g. `https://graph.microsoft.com` (no version). */
  readonly graphUrl: string;
  readonly auth: AuthenticationProvider;
  readonly retry?: RetryPolicy;
  readonly invitationRate?: PacerOptions;
  /** The consistency window (default: DEFAULT_CONSISTENCY_WINDOW_SECONDS). */
  readonly consistency?: Consistency;
  /** Told of every wait before a retry (the CLI prints the long ones). */
  readonly onRetryWait?: OnRetryWait;
}

export interface Graph {
  readonly graphUrl: string;
  /** `{graphUrl}/v1.0` */
  readonly baseUrl: string;
  /** Paces every /invitations call of this process against this tenant. */
  readonly invitationPacer: Pacer;
  /** The retry rules the middleware applies (also used by $batch for inner requests). */
  readonly retry: RetryPolicy;
  /** Told of every wait before a retry, also of inner $batch requests. */
  readonly onRetryWait: OnRetryWait;
  /** How long a write may stay invisible to readers, and the waiting helpers use it. */
  readonly consistency: Consistency;
  /**
   * When the latest write to directory data (users, invitations) answered or failed, ms since
   * epoch; null before any. The apply lock is released only once this is older than the window.
   */
  lastWriteAt(): number | null;
  /** Sends a request; any HTTP status resolves (only "no response at all" rejects). */
  send<T = unknown>(spec: GraphRequestSpec): Promise<GraphResponse<T>>;
  /** Like send, but a non-2xx status rejects with GraphError. */
  call<T = unknown>(spec: GraphRequestSpec): Promise<GraphResponse<T>>;
}

export function createGraph(options: GraphOptions): Graph {
  const graphUrl = options.graphUrl.replace(/\/+$/, '');
  const baseUrl = `${graphUrl}/v1.0`;
  const origin = new URL(graphUrl).origin;
  const client = Client.initWithMiddleware({
    baseUrl: graphUrl,
    // Hostname only, as the SDK requires; kept for SDK features that consult it.
    customHosts: new Set([new URL(graphUrl).hostname]),
    middleware: [
      new ExactUrlAuthMiddleware(origin, options.auth),
      new RetryMiddleware(options.retry ?? DEFAULT_RETRY_POLICY, Math.random, options.onRetryWait),
      new TelemetryHandler(),
      new HTTPMessageHandler(),
    ],
  });

  const cons = options.consistency ?? defaultConsistency();
  let lastWrite: number | null = null;
  // Writes whose visibility matters to the next lock holder: not $batch (reads only), not the lock
  // object itself (applications, deleted items), not the read-only extension-property action.
  const tracked = (spec: GraphRequestSpec) =>
    spec.method !== 'GET' && !/^\/(\$batch|applications|directory\/deletedItems|directoryObjects\/getAvailableExtensionProperties)\b/i.test(spec.path);

  async function send<T>(spec: GraphRequestSpec): Promise<GraphResponse<T>> {
    if (!tracked(spec)) return sendRaw<T>(spec);
    try {
      return await sendRaw<T>(spec);
    } finally {
      lastWrite = cons.now();
    }
  }

  async function sendRaw<T>(spec: GraphRequestSpec): Promise<GraphResponse<T>> {
    const url = /^https?:\/\//i.test(spec.path) ? spec.path : baseUrl + (spec.path.startsWith('/') ? '' : '/') + spec.path;
    const idempotent = spec.idempotent ?? spec.method !== 'POST';
    const meta = new RequestMeta(url, spec.method, idempotent);
    // The SDK path is a placeholder: ExactUrlAuthMiddleware replaces the URL with meta.url.
    let req = client.api('/guestops').responseType(ResponseType.RAW).middlewareOptions([meta]);
    if (spec.headers) req = req.headers({ ...spec.headers });
    const startedAt = new Date();
    const t0 = performance.now();
    let raw: Response;
    try {
      switch (spec.method) {
        case 'GET':
          raw = (await req.get()) as Response;
          break;
        case 'POST':
          raw = (await req.post(spec.body ?? {})) as Response;
          break;
        case 'PATCH':
          raw = (await req.patch(spec.body ?? {})) as Response;
          break;
        case 'DELETE':
          raw = (await req.delete()) as Response;
          break;
      }
    } catch (e) {
      // The SDK wraps chain errors in its own GraphError; surface guestops' typed one instead.
      throw meta.failure ?? e;
    }
    const text = meta.bodyText ?? (await raw.text());
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const requestId = raw.headers.get('request-id') ?? raw.headers.get('client-request-id') ?? graphErrorFields(body).innerRequestId;
    return {
      method: spec.method,
      path: pathOf(url),
      status: raw.status,
      body: body as T,
      requestId,
      headers: raw.headers,
      startedAt: startedAt.toISOString(),
      ms: Math.round(performance.now() - t0),
      attempts: meta.attempts,
    };
  }

  async function call<T>(spec: GraphRequestSpec): Promise<GraphResponse<T>> {
    const r = await send<T>(spec);
    if (r.status < 200 || r.status > 299) throw toGraphError(r);
    return r;
  }

  return {
    graphUrl,
    baseUrl,
    invitationPacer: new Pacer(options.invitationRate ?? INVITATION_RATE),
    retry: options.retry ?? DEFAULT_RETRY_POLICY,
    onRetryWait: options.onRetryWait ?? (() => {}),
    consistency: cons,
    lastWriteAt: () => lastWrite,
    send,
    call,
  };
}

/** Graph's error answer as a typed error; a 429 left after every retry is `graph-throttled`. */
export function toGraphError(r: GraphResponse<unknown>): GraphError {
  const f = graphErrorFields(r.body);
  return new GraphError(
    { status: r.status, graphCode: f.graphCode, graphMessage: f.graphMessage, requestId: r.requestId, method: r.method, path: r.path },
    r.status === 429 ? 'graph-throttled' : 'graph-error',
  );
}
