/**
 * Bulk read of the tenant's guests for `guestops import` and `guestops snapshot`: one paged
 * `GET /users?$filter=userType eq 'Guest'&$select=...&$top=999`, following `@odata.nextLink`
 * verbatim, with a callback per page so the caller can show progress on large tenants.
 *
 * Graph only tells how many users match with `$count=true`, and only as an advanced query
 * (`ConsistencyLevel: eventual`, concepts/aad-advanced-queries.md). Advanced queries read an
 * eventually consistent index, so a guest invited seconds ago may be missing: `count` is
 * opt-in (import wants a total for its progress line; snapshot wants the consistent list).
 */
import type { Graph } from './client.js';
import { withQuery } from './odata.js';
import { listAll } from './paging.js';

/** Graph's page-size ceiling for /users. */
export const USERS_PAGE_SIZE = 999;

export interface GuestPageProgress {
  /** Guests read so far. */
  readonly read: number;
  /** `@odata.count` of the first page, when asked for and given. */
  readonly total: number | null;
  readonly pages: number;
}

export interface ListGuestsOptions {
  /** Extra OData filter, combined as `userType eq 'Guest' and (<filter>)`. */
  readonly filter?: string | undefined;
  /** Properties for `$select` (comma-joined). */
  readonly select: readonly string[];
  /** `$expand` (e.g. sponsors): Graph then pages by at most 100. */
  readonly expand?: string;
  /** Ask Graph for the total (`$count=true` + `ConsistencyLevel: eventual`). */
  readonly count?: boolean;
  readonly onPage?: (progress: GuestPageProgress) => void;
  /** Each page's users as it arrives (observe starts lookups with them). */
  readonly onUsers?: (users: readonly unknown[]) => void;
  /** Stops a server that loops its nextLink. Default 10,000 pages (about 10 million guests). */
  readonly maxPages?: number;
}

export interface ListGuestsResult {
  readonly users: Record<string, unknown>[];
  readonly total: number | null;
}

export const GUEST_FILTER = "userType eq 'Guest'";

export function guestFilter(extra: string | undefined): string {
  return extra === undefined || extra.trim() === '' ? GUEST_FILTER : `${GUEST_FILTER} and (${extra})`;
}

export async function listGuests(graph: Graph, options: ListGuestsOptions): Promise<ListGuestsResult> {
  const count = options.count === true;
  let total: number | null = null;
  const items = await listAll<unknown>(
    graph,
    withQuery('/users', {
      $filter: guestFilter(options.filter),
      $select: options.select.join(','),
      $top: USERS_PAGE_SIZE,
      ...(options.expand !== undefined ? { $expand: options.expand } : {}),
      ...(count ? { $count: 'true' } : {}),
    }),
    {
      ...(count ? { headers: { ConsistencyLevel: 'eventual' } } : {}),
      ...(options.maxPages !== undefined ? { maxPages: options.maxPages } : {}),
      onPage: (page, read, pages) => {
        if (total === null && typeof page['@odata.count'] === 'number') total = page['@odata.count'];
        options.onUsers?.(Array.isArray(page.value) ? page.value : []);
        options.onPage?.({ read, total, pages });
      },
    },
  );
  const users = items.filter((u): u is Record<string, unknown> => typeof u === 'object' && u !== null);
  return { users, total };
}
