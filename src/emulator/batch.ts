/**
 * `POST /$batch` (concepts/json-batching.md): up to 20 requests with relative URLs, optional
 * `dependsOn`; each inner request runs through the same pipeline as a top-level one (auth with the
 * batch's token, throttling, faults, logging), so a throttled inner request is a 429 inside a 200
 * batch. A request whose dependency failed gets 424 Failed Dependency.
 */
import { GraphError, badRequest } from './graph-error.js';
import type { GraphResponse } from './context.js';

export interface InnerRequest {
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: Record<string, string | undefined>;
  readonly bodyText: string | undefined;
}

/** Thrown when an inner request's fault rule drops the connection: the whole batch is lost. */
export class DropConnection extends Error {}

interface BatchItem {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly dependsOn: readonly string[];
}

export const MAX_BATCH = 20;

/** Validates the batch payload as a whole; Graph refuses a malformed batch with one 400. */
export function parseBatch(bodyText: string | undefined): BatchItem[] {
  let data: unknown;
  try {
    data = JSON.parse(bodyText ?? '');
  } catch {
    throw new GraphError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
  const requests = (data as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) throw badRequest("Invalid batch payload: 'requests' must be an array.", 'BadRequest');
  if (requests.length === 0) throw badRequest('Invalid batch payload: the batch contains no requests.', 'BadRequest');
  if (requests.length > MAX_BATCH) {
    // json-batching.md: "JSON batch requests are currently limited to 20 individual requests." Wording of the 400 is a guess.
    throw badRequest(`Invalid batch payload: the number of requests (${requests.length}) exceeds the limit of ${MAX_BATCH}.`, 'BadRequest');
  }
  const ids = new Set<string>();
  const lowerIds = new Set<string>();
  const items = requests.map((r: unknown, i: number): BatchItem => {
    const o = r as Record<string, unknown> | null;
    const where = `requests[${i}]`;
    if (typeof o !== 'object' || o === null) throw badRequest(`Invalid batch payload: ${where} must be an object.`, 'BadRequest');
    const id = o['id'];
    if (typeof id !== 'string' || id === '') throw badRequest(`Invalid batch payload: ${where}.id is required.`, 'BadRequest');
    // json-batching.md: request ids must be unique, compared case-insensitively. Wording is a guess.
    if (lowerIds.has(id.toLowerCase())) throw badRequest(`Invalid batch payload: duplicate request id '${id}'.`, 'BadRequest');
    lowerIds.add(id.toLowerCase());
    ids.add(id);
    if (typeof o['method'] !== 'string') throw badRequest(`Invalid batch payload: ${where}.method is required.`, 'BadRequest');
    const url = o['url'];
    if (typeof url !== 'string' || url === '') throw badRequest(`Invalid batch payload: ${where}.url is required.`, 'BadRequest');
    if (/^[a-z]+:\/\//i.test(url)) {
      // json-batching.md: the url is relative to the version, e.g. "/me" or "users/{id}".
      throw badRequest(`Invalid batch payload: ${where}.url must be a relative URL.`, 'BadRequest');
    }
    const headers: Record<string, string> = {};
    const rawHeaders = o['headers'] ?? {};
    if (typeof rawHeaders !== 'object' || rawHeaders === null) throw badRequest(`Invalid batch payload: ${where}.headers must be an object.`, 'BadRequest');
    for (const [k, v] of Object.entries(rawHeaders)) headers[k.toLowerCase()] = String(v);
    if (o['body'] !== undefined && headers['content-type'] === undefined) {
      // json-batching.md: a request with a body must specify the Content-Type header.
      throw badRequest(`Invalid batch payload: ${where} has a body but no Content-Type header.`, 'BadRequest');
    }
    const dependsOn = o['dependsOn'] ?? [];
    if (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string')) {
      throw badRequest(`Invalid batch payload: ${where}.dependsOn must be an array of request ids.`, 'BadRequest');
    }
    return { id, method: (o['method'] as string).toUpperCase(), url, headers, body: o['body'], dependsOn: dependsOn as string[] };
  });
  for (const it of items) {
    for (const d of it.dependsOn) {
      if (!ids.has(d) || d === it.id) throw badRequest(`Invalid batch payload: request '${it.id}' depends on unknown request '${d}'.`, 'BadRequest');
    }
  }
  return items;
}

const HEADER_CASE: Record<string, string> = {
  'content-type': 'Content-Type', 'retry-after': 'Retry-After', location: 'Location',
  'x-ms-throttle-scope': 'x-ms-throttle-scope', 'x-ms-throttle-information': 'x-ms-throttle-information',
};

export async function runBatch(
  items: readonly BatchItem[],
  outerHeaders: Record<string, string | undefined>,
  execute: (req: InnerRequest, id: string) => Promise<GraphResponse & { requestId: string }>,
): Promise<GraphResponse> {
  const byId = new Map(items.map((i) => [i.id, i]));
  const done = new Map<string, Record<string, unknown>>();
  const visiting = new Set<string>();

  const runOne = async (item: BatchItem): Promise<Record<string, unknown>> => {
    const cached = done.get(item.id);
    if (cached) return cached;
    if (visiting.has(item.id)) throw badRequest(`Invalid batch payload: circular dependsOn at '${item.id}'.`, 'BadRequest');
    visiting.add(item.id);
    let failedDependency = false;
    for (const d of item.dependsOn) {
      const r = await runOne(byId.get(d)!);
      if ((r['status'] as number) >= 400) failedDependency = true;
    }
    let result: Record<string, unknown>;
    if (failedDependency) {
      // json-batching.md documents only the status (424 Failed Dependency); the body's code and
      // message are our guess.
      result = {
        id: item.id,
        status: 424,
        headers: { 'Content-Type': 'application/json' },
        body: { error: { code: 'FailedDependency', message: 'The request could not be executed because a request it depends on failed.' } },
      };
    } else {
      const rel = item.url.startsWith('/') ? item.url : `/${item.url}`;
      const q = rel.indexOf('?');
      const req: InnerRequest = {
        method: item.method,
        path: `/v1.0${q === -1 ? rel : rel.slice(0, q)}`,
        rawQuery: q === -1 ? '' : rel.slice(q + 1),
        headers: { ...item.headers, authorization: outerHeaders['authorization'] },
        bodyText: item.body === undefined ? undefined : typeof item.body === 'string' ? item.body : JSON.stringify(item.body),
      };
      const res = await execute(req, item.id);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers ?? {})) {
        const name = HEADER_CASE[k];
        if (name) headers[name] = v;
      }
      if (res.body !== undefined) headers['Content-Type'] ??= 'application/json';
      result = { id: item.id, status: res.status, headers };
      if (res.body !== undefined) result['body'] = res.body;
      else if (res.text !== undefined) result['body'] = res.text;
    }
    visiting.delete(item.id);
    done.set(item.id, result);
    return result;
  };

  const responses: Record<string, unknown>[] = [];
  for (const item of items) responses.push(await runOne(item));
  return { status: 200, body: { responses } };
}
