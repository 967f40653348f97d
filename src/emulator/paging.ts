/**
 * Server-driven paging (graph/paging): a page carries `@odata.nextLink`, an absolute URL that
 * repeats the query and adds an opaque `$skiptoken`; the client follows it verbatim. Our token
 * holds the position to resume from plus a hash of the query it belongs to, so a token pasted onto
 * a different query is refused instead of returning the wrong page.
 */
import { createHash } from 'node:crypto';
import { badRequest, unsupportedQuery } from './graph-error.js';
import type { HandlerContext, Query } from './context.js';

function queryHash(q: Query): string {
  const pairs = q.rawPairs.filter((p) => !/^(\$|%24)skiptoken=/i.test(p));
  return createHash('sha256').update(pairs.join('&')).digest('base64url').slice(0, 10);
}

/** Position encoded in `$skiptoken`, or 0 for the first page. */
export function startPosition(q: Query): number {
  const token = q.get('$skiptoken');
  if (token === undefined) return 0;
  try {
    const data = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { p?: unknown; h?: unknown };
    if (typeof data.p === 'number' && Number.isSafeInteger(data.p) && data.p >= 0 && data.h === queryHash(q)) return data.p;
  } catch {
    // fall through
  }
  // Graph's wording for a bad page token differs by workload; ours is a guess.
  throw badRequest('The specified page token value is invalid or does not belong to this query.', 'Directory_ExpiredPageToken');
}

export function nextLink(ctx: HandlerContext, nextPos: number): string {
  const token = Buffer.from(JSON.stringify({ p: nextPos, h: queryHash(ctx.query) })).toString('base64url');
  const pairs = ctx.query.rawPairs.filter((p) => !/^(\$|%24)skiptoken=/i.test(p));
  pairs.push(`$skiptoken=${token}`);
  return `${ctx.origin}${ctx.path}?${pairs.join('&')}`;
}

/**
 * `$top`: an integer 1..max, or Graph's "Invalid page size specified" 400. The code is
 * `Request_UnsupportedQuery`, as the directory answers `$top=1000` (quoted verbatim in
 * Steampipe Microsoft 365 / Azure AD plugin sources: "400 with OData error: Request_UnsupportedQuery:
 * Invalid page size specified: '1000'. Must be between 1 and 999 inclusive."). That a
 * non-numeric `$top` gets the same answer is our guess.
 */
export function pageSize(q: Query, max: number, dflt: number): number {
  const raw = q.get('$top');
  if (raw === undefined) return dflt;
  const refuse = () => unsupportedQuery(`Invalid page size specified: '${raw}'. Must be between 1 and ${max} inclusive.`);
  if (!/^\s*-?\d+\s*$/.test(raw)) throw refuse();
  const n = Number(raw);
  if (n < 1 || n > max) throw refuse();
  return n;
}

/**
 * One page from items ordered by position. Scans from `start` and stops after `top` matches plus
 * one look-ahead to know whether a next page exists, so paging the whole set is O(n) overall.
 */
export function takePage<T extends { readonly pos: number }>(
  items: readonly T[],
  start: number,
  top: number,
  test: (item: T) => boolean,
  /** True when `items[i].pos === i` (the full array): jump straight to `start`. */
  dense: boolean,
): { page: T[]; nextPos: number | undefined } {
  const page: T[] = [];
  let i = dense ? start : lowerBound(items, start);
  for (; i < items.length; i++) {
    const item = items[i]!;
    if (!test(item)) continue;
    if (page.length === top) return { page, nextPos: item.pos };
    page.push(item);
  }
  return { page, nextPos: undefined };
}

function lowerBound<T extends { readonly pos: number }>(items: readonly T[], pos: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.pos < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
