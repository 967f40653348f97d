/**
 * Graph's error envelope. Every refusal the emulator makes is a `GraphError` thrown from a handler
 * and turned into `{"error": {"code", "message", "innerError": {"date", "request-id",
 * "client-request-id"}}}` by the server (shape from Graph's "Microsoft Graph error responses and
 * resource types" page, concepts/errors.md, and from error bodies quoted in Graph issue threads).
 */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers (Retry-After on 429...). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

/** `date` in innerError is second-precision without zone suffix in Graph's examples. */
export function innerErrorDate(now: Date = new Date()): string {
  return now.toISOString().slice(0, 19);
}

export function errorBody(code: string, message: string, requestId: string, clientRequestId: string): unknown {
  return {
    error: {
      code,
      message,
      innerError: { date: innerErrorDate(), 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  };
}

// Frequently used refusals, worded as Graph words them (sources next to each).

/** 400 for an unknown path segment: "Resource not found for the segment 'x'." (seen in Graph issue reports). */
export function segmentNotFound(segment: string): GraphError {
  return new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

/** 404 for a directory object that does not exist (user-get docs' error example / issue reports). */
export function resourceNotFound(id: string): GraphError {
  return new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** 403 for a caller whose token lacks the permission the call needs. */
export function insufficientPrivileges(): GraphError {
  return new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

export function badRequest(message: string, code = 'Request_BadRequest'): GraphError {
  return new GraphError(400, code, message);
}

export function unsupportedQuery(message: string): GraphError {
  return new GraphError(400, 'Request_UnsupportedQuery', message);
}
