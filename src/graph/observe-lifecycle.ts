/**
 * The lifecycle part of observing the tenant, at Graph's documented costs:
 *   - `accountEnabled` and `createdDateTime` ride in the bulk list's `$select` (no extra request);
 *   - sponsors, only when some declared guest declares `sponsors:`: `$expand=sponsors($select=id)`
 *     on the same bulk list. Graph then returns at most 100 users per page and at most 20
 *     sponsors per user with no nextLink (Graph known issues, "$expand on relationships of
 *     directory objects"), so a user showing 20 is read in full with `GET /users/{id}/sponsors`,
 *     20 such reads per `$batch`, and a sponsor list longer than a page followed by its
 *     `@odata.nextLink` (the relationship pages like any directory collection);
 *   - each distinct declared sponsor reference (id or UPN) is resolved once, 20 per `$batch`.
 */
import type { DesiredState } from '../desired/types.js';
import { GuestopsError } from '../errors.js';
import { assertInnerOk, batchGet } from './batch.js';
import type { Graph } from './client.js';
import { userSegment, withQuery } from './odata.js';
import { listAll } from './paging.js';

export const SPONSOR_EXPAND = 'sponsors($select=id)';
/** Graph's cap of an expanded directory relationship. */
export const EXPANDED_SPONSORS_MAX = 20;

export function wantsSponsors(desired: DesiredState): boolean {
  return desired.guests.some((g) => g.sponsors !== undefined);
}

/** Sponsor ids of a raw user with sponsors expanded; undefined when not expanded. */
export function sponsorIdsOf(raw: Record<string, unknown>): string[] | undefined {
  const v = raw['sponsors'];
  if (!Array.isArray(v)) return undefined;
  return v.map((s) => (s as { id?: unknown } | null)?.id).filter((id): id is string => typeof id === 'string');
}


/** Replaces a possibly truncated expansion (exactly 20) by the full relationship. */
export async function completeSponsors(graph: Graph, users: readonly Record<string, unknown>[]): Promise<void> {
  const truncated = users.filter((u) => (sponsorIdsOf(u)?.length ?? 0) >= EXPANDED_SPONSORS_MAX && typeof u['id'] === 'string');
  if (truncated.length === 0) return;
  const gets = truncated.map((u) => ({ url: withQuery(`/users/${userSegment(u['id'] as string)}/sponsors`, { $select: 'id' }) }));
  const results = await batchGet(graph, gets);
  for (const [i, r] of results.entries()) {
    assertInnerOk(r, gets[i]!.url);
    const body = r.body as { value?: unknown; '@odata.nextLink'?: unknown } | null;
    if (!Array.isArray(body?.value)) throw new GuestopsError('graph-unexpected-body', `Graph returned no sponsor list for ${gets[i]!.url}`);
    const link = body['@odata.nextLink'];
    // Rare (a page holds 100 sponsors): the rest of the list, page by page, outside the batch.
    const rest = typeof link === 'string' && link !== '' ? await listAll<unknown>(graph, link) : [];
    truncated[i]!['sponsors'] = [...body.value, ...rest];
  }
}

/** Each declared sponsor reference (lower-cased) → the user id it names, or null when none. */
export async function resolveSponsorRefs(graph: Graph, desired: DesiredState): Promise<Map<string, string | null>> {
  const refs = new Map<string, string>();
  for (const g of desired.guests) for (const s of g.sponsors ?? []) if (!refs.has(s.toLowerCase())) refs.set(s.toLowerCase(), s);
  const out = new Map<string, string | null>();
  if (refs.size === 0) return out;
  const keys = [...refs.keys()];
  const gets = keys.map((k) => ({ url: withQuery(`/users/${userSegment(refs.get(k)!)}`, { $select: 'id,userPrincipalName' }) }));
  const results = await batchGet(graph, gets);
  results.forEach((r, i) => {
    if (r.status === 404) {
      out.set(keys[i]!, null);
      return;
    }
    assertInnerOk(r, gets[i]!.url);
    const id = (r.body as { id?: unknown } | null)?.id;
    out.set(keys[i]!, typeof id === 'string' ? id : null);
  });
  return out;
}
