/**
 * Typed errors for everything that went wrong talking to Graph. They carry Graph's own error code,
 * message and `request-id` (what Microsoft support asks for) and NEVER a header or token.
 */
import { GuestopsError } from '../errors.js';

export interface GraphErrorInfo {
  /** HTTP status (0 when no response arrived). */
  readonly status: number;
  /** Graph's `error.code`, e.g. `Request_ResourceNotFound`, `Authorization_RequestDenied`. */
  readonly graphCode: string | null;
  /** Graph's `error.message`. */
  readonly graphMessage: string | null;
  /** The `request-id` response header (or `error.innerError.request-id`). */
  readonly requestId: string | null;
  readonly method: string;
  /** Path and query only (never the host, so logs do not leak private endpoints). */
  readonly path: string;
}

/** Graph answered with an error status (after any retries). Code `graph-error`. */
export class GraphError extends GuestopsError {
  readonly status: number;
  readonly graphCode: string | null;
  readonly graphMessage: string | null;
  readonly requestId: string | null;
  readonly method: string;
  readonly path: string;

  constructor(info: GraphErrorInfo, code = 'graph-error') {
    const what = `${info.method} ${info.path}`;
    const why = [info.status ? `HTTP ${info.status}` : null, info.graphCode, info.graphMessage].filter(Boolean).join(' ');
    const rid = info.requestId ? ` (request-id ${info.requestId})` : '';
    super(code, `Graph ${what} failed: ${why}${rid}`, { ...info });
    this.name = 'GraphError';
    this.status = info.status;
    this.graphCode = info.graphCode;
    this.graphMessage = info.graphMessage;
    this.requestId = info.requestId;
    this.method = info.method;
    this.path = info.path;
  }
}

/**
 * No answer (connection reset, timeout). A read or another request safe to repeat was tried
 * `attempts` times: code `graph-unreachable`. A request that is not (POST /invitations) was sent
 * once and the server may or may not have acted: code `graph-outcome-unknown`; callers must read
 * state back before trying again.
 */
export class GraphUnreachableError extends GuestopsError {
  readonly method: string;
  readonly path: string;
  constructor(method: string, path: string, reason: string, cause?: unknown, repeated?: { readonly attempts: number }) {
    super(
      repeated ? 'graph-unreachable' : 'graph-outcome-unknown',
      repeated
        ? `Graph ${method} ${path}: no response in ${repeated.attempts} attempt(s) (${reason}); check the network or proxy to Graph, then run again`
        : `Graph ${method} ${path}: no response (${reason})`,
      { method, path },
      { cause },
    );
    this.name = 'GraphUnreachableError';
    this.method = method;
    this.path = path;
  }
}

/** Reads Graph's error body `{error: {code, message, innerError: {request-id}}}` defensively. */
export function graphErrorFields(body: unknown): { graphCode: string | null; graphMessage: string | null; innerRequestId: string | null } {
  const err = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['error'] : undefined;
  if (typeof err !== 'object' || err === null) return { graphCode: null, graphMessage: null, innerRequestId: null };
  const e = err as Record<string, unknown>;
  const inner = (e['innerError'] ?? e['innererror']) as Record<string, unknown> | undefined;
  const rid = inner && typeof inner['request-id'] === 'string' ? (inner['request-id'] as string) : null;
  return {
    graphCode: typeof e['code'] === 'string' ? e['code'] : null,
    graphMessage: typeof e['message'] === 'string' ? e['message'] : null,
    innerRequestId: rid,
  };
}
