/**
 * The guest list read as disjoint partitions at once. `@odata.nextLink` paging is sequential:
 * against Graph, where a page of 999 users takes a noticeable fraction of a second, 50,000 guests
 * are ~51 round trips one after another. Here the list is split by the first character of
 * `userPrincipalName`, each partition paged on its own, several in flight.
 *
 * Why this split, and only this one:
 * - It needs no advanced query. `startswith` on `userPrincipalName` is a default-query filter
 *   (user.md property table; GRAPH.md "$filter without advanced-query headers"). Range filters
 *   (`ge`/`le` on strings), `not`, `ne` and `$count` need `ConsistencyLevel: eventual`, which
 *   serves from a separately built index that lags writes (aad-advanced-queries.md): a guest
 *   invited seconds ago could be missing from it. The partitions are ordinary queries, as
 *   consistent as the sequential list.
 * - Disjoint and complete by construction, up to the character set: a UPN has exactly one first
 *   character, and Graph's string comparisons are case-insensitive, so `startswith(upn,'a')`
 *   also matches 'A…'. A guest's UPN is `<email with @ as _>#EXT#@<tenant>`; Graph allows only
 *   A–Z a–z 0–9 and ' . - _ ! # ^ ~ in a userPrincipalName (user.md, userPrincipalName:
 *   "can't contain accent characters"), so one partition per character of that set covers every
 *   UPN Graph can hold.
 * - The catch-all for a UPN outside that set (documentation wrong, an older object, a future
 *   change): the complement cannot be expressed without `not` (an advanced query). So, in
 *   parallel with the partitions, one `GET /users/$count?$filter=userType eq 'Guest'` with
 *   `ConsistencyLevel: eventual` (1 request). If it differs from the number of distinct guests the
 *   partitions returned — or any guest came back twice — the result is thrown away and the list
 *   is read sequentially instead: slower, never wrong. The count comes from the lagging index,
 *   so it is a detector, not a proof: it differs right after guests are invited or deleted (a
 *   needless, safe fallback), and it can only hide a missed guest if an index lag happens to
 *   offset, to the unit, guests with a first character Graph does not allow. The planner
 *   does not depend on the list for declared guests anyway: any declared id or UPN not in the
 *   list is read by `id in (…)` / `userPrincipalName in (…)` in a `$batch` (observe.ts), so such
 *   a miss costs a lookup, not a wrong plan.
 * - Inside the throttling budget: a list page costs 2 resource units (throttling-limits.md;
 *   GRAPH.md), and a pacer holds the listing to 1,000 requests per 10 s — 2,000 RU, under the
 *   smallest tenant's 3,500 RU per 10 s and a quarter of the 8,000 of a tenant over 500 users —
 *   however fast Graph answers. Graph budgets the rate, not how many requests are open: it
 *   documents no per-app concurrency limit for directory reads.
 * - Every partition has its next page in flight: a partition's pages follow each other through
 *   `@odata.nextLink`, so the listing cannot end before its longest partition, and it ends then
 *   only if no partition ever waits for a free slot. With 16 slots, 50,000 guests whose UPNs
 *   start with 25 letters (three pages each) were read in two waves: 2.9 s under the emulator's
 *   `graph` model where the longest partition alone takes 1.2 s. Continuation pages go before
 *   new partitions, which matters only with a smaller `concurrency` (the tests set one).
 */
import type { Graph } from './client.js';
import { withQuery, odataString } from './odata.js';
import { GuestopsError } from '../errors.js';
import { Pacer } from './pacer.js';
import { GUEST_FILTER, USERS_PAGE_SIZE, listGuests } from './guest-listing.js';
import type { Page } from './paging.js';

/** First characters Graph allows in a userPrincipalName (case-insensitive: lowercase letters only). */
export const UPN_FIRST_CHARACTERS = [..."abcdefghijklmnopqrstuvwxyz0123456789'.-_!#^~"];

/** Requests in flight at once: one per partition (see above; the pacer bounds the rate). */
export const LISTING_CONCURRENCY = UPN_FIRST_CHARACTERS.length;

/** Client-side cap on listing requests: 1,000 per 10 s (2,000 RU), see above. */
export const LISTING_RATE = { requests: 1_000, windowMs: 10_000 } as const;

export type GuestListingMode = 'sequential' | 'partitioned' | 'auto';

/** `auto` partitions when guests/ declares at least this many guests (a tenant of several pages). */
export const PARTITION_FROM_DECLARED = 4 * USERS_PAGE_SIZE;

export interface PartitionedListing {
  readonly users: Record<string, unknown>[];
  /**
   * The same users by lower-cased id, when the partitions were trusted (every guest once): the
   * map the duplicate check built, for callers that look guests up by id.
   */
  readonly byId?: ReadonlyMap<string, Record<string, unknown>>;
  /** 'partitioned', or 'sequential' when the completeness check sent it back to the plain list. */
  readonly method: 'partitioned' | 'sequential';
  readonly requests: number;
  /** Why the partitions were not trusted, when they were not. */
  readonly fallback?: string;
}

export function partitionFilter(first: string): string {
  return `${GUEST_FILTER} and startswith(userPrincipalName,${odataString(first)})`;
}

/** `GUESTOPS_GUEST_LISTING=sequential|partitioned|auto` (default auto). */
export function guestListingFromEnv(env: NodeJS.ProcessEnv = process.env): GuestListingMode {
  const raw = (env['GUESTOPS_GUEST_LISTING'] ?? '').trim();
  if (raw === '') return 'auto';
  if (raw === 'sequential' || raw === 'partitioned' || raw === 'auto') return raw;
  throw new GuestopsError('guest-listing-invalid', `GUESTOPS_GUEST_LISTING='${raw}' is not sequential, partitioned or auto`);
}

export async function listGuestsPartitioned(
  graph: Graph,
  options: {
    readonly select: readonly string[];
    readonly expand?: string;
    readonly concurrency?: number;
    /** Each page's users as it arrives, also those of partitions the completeness check then throws away. */
    readonly onUsers?: (users: readonly unknown[]) => void;
    /**
     * Each time one of the `concurrency` workers has nothing left to read (its last partition's
     * last page is in): how many workers are still reading.
     */
    readonly onPartitionDone?: (stillReading: number) => void;
  },
): Promise<PartitionedListing> {
  const select = options.select.join(',');
  const concurrency = Math.max(1, options.concurrency ?? LISTING_CONCURRENCY);
  const pacer = new Pacer(LISTING_RATE);
  let requests = 0;

  const counted = (async (): Promise<number | string> => {
    const r = await graph.send<unknown>({
      method: 'GET',
      path: withQuery('/users/$count', { $filter: GUEST_FILTER }),
      headers: { ConsistencyLevel: 'eventual' },
    });
    requests++;
    if (r.status < 200 || r.status > 299) return `$count answered ${r.status}`;
    const n = typeof r.body === 'number' ? r.body : Number(String(r.body).trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : `$count answered '${String(r.body).slice(0, 40)}'`;
  })();

  // Work queue: continuation links first (LIFO among them), then the partitions' first pages.
  const expand = options.expand !== undefined ? { $expand: options.expand } : {};
  const firsts = UPN_FIRST_CHARACTERS.map((c) => withQuery('/users', { $filter: partitionFilter(c), $select: select, $top: USERS_PAGE_SIZE, ...expand }));
  const continuations: string[] = [];
  const byId = new Map<string, Record<string, unknown>>();
  let duplicates = 0;
  let pages = 0;
  const take = (): string | undefined => continuations.pop() ?? firsts.shift();

  let reading = concurrency;
  async function worker(): Promise<void> {
    for (let path = take(); path !== undefined; path = take()) {
      if (++pages > 10_000) throw new GuestopsError('graph-paging-runaway', 'Graph kept returning @odata.nextLink after 10,000 pages of the guest partitions');
      await pacer.acquire();
      const r: { body: Page<unknown> | null } = await graph.call<Page<unknown> | null>({ method: 'GET', path });
      requests++;
      const page = r.body ?? {};
      const value = Array.isArray(page.value) ? page.value : [];
      options.onUsers?.(value);
      for (const u of value) {
        if (typeof u !== 'object' || u === null) continue;
        const user = u as Record<string, unknown>;
        const id = typeof user['id'] === 'string' ? user['id'].toLowerCase() : '';
        if (byId.has(id)) duplicates++;
        else byId.set(id, user);
      }
      const link = page['@odata.nextLink'];
      if (typeof link === 'string' && link !== '') continuations.push(link);
    }
    // Nothing left to take: this worker's last partition is complete, and so is every partition
    // not still being read by another worker.
    options.onPartitionDone?.(--reading);
  }

  // A worker that finds the queue empty ends; continuations appear only while a worker that will
  // pick them up is still running (the one that pushed it), so no page is left behind.
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  const count = await counted;
  const why =
    typeof count === 'string'
      ? count
      : duplicates > 0
        ? `${duplicates} guest(s) came back in two partitions`
        : count !== byId.size
          ? `the partitions returned ${byId.size} guests, $count says ${count}`
          : undefined;
  if (why === undefined) {
    const users = [...byId.values()];
    byId.delete(''); // a user without an id is listed, but no lookup by id may find it
    return { users, byId, method: 'partitioned', requests };
  }
  const seq = await listGuests(graph, {
    select: options.select,
    ...(options.expand !== undefined ? { expand: options.expand } : {}),
    ...(options.onUsers !== undefined ? { onUsers: options.onUsers } : {}),
  });
  return { users: seq.users, method: 'sequential', requests: requests + Math.max(1, Math.ceil(seq.users.length / USERS_PAGE_SIZE)), fallback: why };
}
