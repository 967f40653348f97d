/**
 * The other direction of the marker-property check: a directory extension is in use, and declared
 * guests it shows no marker for may carry one in `extensionAttribute1..15` (managed earlier with
 * `--marker-property extensionAttributeN`). Planning would adopt them again and forget their state.
 *
 * Reading the fifteen attributes in the bulk guest list would add `onPremisesExtensionAttributes`
 * (fifteen values) to every guest of every plan. Only guests without a marker where guestops looks
 * can have one elsewhere, and once guestops has managed a tenant they are the few new adoptions;
 * so only those are read: `GET /users?$filter=id in (…15 ids…)&$select=id,onPremisesExtensionAttributes`
 * (`in` takes at most 15 values, and `id` supports it without advanced query parameters: user
 * resource, "Properties" table), 20 of them per `$batch` — one request per 300 unmarked guests,
 * sent with the other lookups (early-lookups.ts). Declared users the list did not hold are looked
 * up anyway (`id in (…)`, observe.ts); those lookups select the attributes themselves, so no
 * read waits for them.
 */
import { assertInnerOk, batchGet, type BatchGet, type BatchResult } from './batch.js';
import type { Graph } from './client.js';
import { odataString, withQuery } from './odata.js';

/** The user property holding `extensionAttribute1..15`, returned only when selected. */
export const ATTRIBUTE_BAG = 'onPremisesExtensionAttributes';

/** Values per `in (…)`: Graph allows 15. */
export const IN_VALUES = 15;

/** The reads of the given users' `onPremisesExtensionAttributes`: one `id in (…)` per 15 ids. */
export function attributeReads(ids: readonly string[]): BatchGet[] {
  const gets: BatchGet[] = [];
  for (let i = 0; i < ids.length; i += IN_VALUES) {
    const chunk = ids.slice(i, i + IN_VALUES).map(odataString);
    gets.push({ url: withQuery('/users', { $filter: `id in (${chunk.join(',')})`, $select: `id,${ATTRIBUTE_BAG}` }) });
  }
  return gets;
}

/** Files the bags of one answer to an attributeReads request by lower-cased id; a non-2xx is thrown. */
export function keepAttributeBags(res: BatchResult, url: string, into: Map<string, Record<string, unknown>>): void {
  assertInnerOk(res, url);
  const value = ((res.body as { value?: unknown } | null)?.value ?? []) as Record<string, unknown>[];
  for (const u of value) {
    const bag = u[ATTRIBUTE_BAG];
    if (typeof u['id'] === 'string' && typeof bag === 'object' && bag !== null) into.set(u['id'].toLowerCase(), bag as Record<string, unknown>);
  }
}

/** Each user's `onPremisesExtensionAttributes`, by lower-cased id, for the given ids. */
export async function readExtensionAttributes(graph: Graph, ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
  const gets = attributeReads(ids);
  const out = new Map<string, Record<string, unknown>>();
  if (gets.length === 0) return out;
  const results = await batchGet(graph, gets);
  results.forEach((res, i) => keepAttributeBags(res, gets[i]!.url, out));
  return out;
}
