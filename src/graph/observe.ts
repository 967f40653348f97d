/**
 * Reads what the planner needs from the tenant, at a cost of about ceil(N/999) + a few requests:
 *   1. `GET /me` — 200 means a delegated (signed-in user) token; Graph refuses /me for app-only.
 *   2. one paged bulk list of guests with `$select` (marker included — why the marker is a
 *      directory extension or extensionAttribute: open extensions are not returned in a list),
 *      for a large guests/ read as disjoint partitions in parallel (guest-partitions.ts);
 *   3. `$batch` targeted reads only for declared users not in that list (members, typos, deleted;
 *      15 to a request) and `mail eq` / `otherMails/any` lookups for email-only (new) guests
 *      (declared-lookups.ts);
 *      — and, for declared guests whose email differs from their user's `mail` (an email
 *      change), lookups of up to 15 such addresses each on `mail` and on `otherMails`, so the
 *      planner can block an address another user (guest or member) already carries; these,
 *      and the extension attributes of unmarked declared users, go out while the list is still
 *      being read (early-lookups.ts);
 *   4. app-only callers only: one paged list of directory role assignments, because Graph refuses
 *      an app-only reset of a user holding any directory role.
 * Nothing here writes. Only declared users are returned: guestops never touches anyone else.
 */
import type { DesiredState } from '../desired/types.js';
import type { Caller, ObservedTenant, ObservedUser } from '../plan/observed.js';
import { GuestopsError } from '../errors.js';
import { toGraphError, type Graph } from './client.js';
import { attributeMarkerProperties, isAttributeProperty, otherMarkerProperties, resolveMarkerProperty, type MarkerProperty } from './marker-property.js';
import { ATTRIBUTE_BAG, readExtensionAttributes } from './attribute-markers.js';
import { EarlyLookups, declarationsOf, type FinishedLookups } from './early-lookups.js';
import { declaredLookups } from './declared-lookups.js';
import { withQuery } from './odata.js';
import { listAll } from './paging.js';
import { listGuests } from './guest-listing.js';
import { PARTITION_FROM_DECLARED, listGuestsPartitioned, type GuestListingMode } from './guest-partitions.js';
import { SPONSOR_EXPAND, completeSponsors, resolveSponsorRefs, sponsorIdsOf, wantsSponsors } from './observe-lifecycle.js';

export const USER_FIELDS = [
  'id',
  'userPrincipalName',
  'displayName',
  'mail',
  'otherMails',
  'userType',
  'creationType',
  'externalUserState',
  'externalUserStateChangeDateTime',
  'accountEnabled',
  'createdDateTime',
] as const;

export interface ObserveOptions {
  /** Resolved property, or its configured name, or undefined to discover it. */
  readonly markerProperty?: MarkerProperty | string | undefined;
  /**
   * How the guest list is read (guest-partitions.ts): `auto` (default) partitions it when guests/
   * declares a tenant of several pages, and then also overlaps the reads that do not depend on
   * each other (/me with the marker discovery, role assignments with the list).
   */
  readonly guestListing?: GuestListingMode;
  /** Read every declared guest's sponsors even when none declares `sponsors:` (status). */
  readonly withSponsors?: boolean;
  /**
   * Addresses of email-only guests the review's base declared and guests/ no longer does
   * (invited-undeclared.ts formerEmailOnly): undeclared users carrying one with a guestops marker
   * are returned too, also when their marker predates its invited-for field `f`.
   */
  readonly formerEmailOnly?: ReadonlySet<string>;
}

export interface Observation extends ObservedTenant {
  readonly markerProperty: MarkerProperty;
}

export function userSelect(marker: MarkerProperty): string {
  return [...USER_FIELDS, marker.select].join(',');
}

/** `hasDirectoryRole`: whether the user holds a directory role, when that was looked up. */
export function toObservedUser(raw: Record<string, unknown>, marker: MarkerProperty, hasDirectoryRole?: boolean): ObservedUser {
  const str = (k: string): string | null => (typeof raw[k] === 'string' ? (raw[k] as string) : null);
  const other = Array.isArray(raw['otherMails']) ? (raw['otherMails'] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  return {
    id: String(raw['id']),
    userPrincipalName: str('userPrincipalName') ?? '',
    displayName: str('displayName'),
    mail: str('mail'),
    otherMails: other,
    userType: str('userType'),
    creationType: str('creationType'),
    externalUserState: str('externalUserState'),
    externalUserStateChangeDateTime: str('externalUserStateChangeDateTime'),
    marker: marker.read(raw),
    accountEnabled: typeof raw['accountEnabled'] === 'boolean' ? raw['accountEnabled'] : null,
    createdDateTime: str('createdDateTime'),
    ...(sponsorIdsOf(raw) !== undefined ? { sponsors: sponsorIdsOf(raw)! } : {}),
    ...(hasDirectoryRole !== undefined ? { hasDirectoryRole } : {}),
  };
}

/** `GET /me`: 200 → delegated; any other 4xx but 401 → app-only (the conservative reading). */
export async function detectCaller(graph: Graph): Promise<Caller> {
  const r = await graph.send({ method: 'GET', path: '/me?$select=id' });
  if (r.status >= 200 && r.status < 300) return { kind: 'delegated' };
  if (r.status === 401 || r.status >= 500) throw toGraphError(r);
  return { kind: 'app' };
}

function listRoleHolders(graph: Graph): Promise<Set<string>> {
  return listAll<{ principalId?: string }>(graph, withQuery('/roleManagement/directory/roleAssignments', { $select: 'principalId' })).then(
    (roles) => new Set(roles.map((a) => (a.principalId ?? '').toLowerCase())),
  );
}

export async function observeTenant(graph: Graph, desired: DesiredState, options: ObserveOptions = {}): Promise<Observation> {
  const mode = options.guestListing ?? 'auto';
  const parallel = mode === 'partitioned' || (mode === 'auto' && desired.guests.length >= PARTITION_FROM_DECLARED);
  const resolveMarker = (): Promise<MarkerProperty> =>
    typeof options.markerProperty === 'object' && options.markerProperty !== null
      ? Promise.resolve(options.markerProperty)
      : resolveMarkerProperty(graph, options.markerProperty);
  let caller: Caller;
  let marker: MarkerProperty;
  if (parallel) {
    [caller, marker] = await Promise.all([detectCaller(graph), resolveMarker()]);
  } else {
    caller = await detectCaller(graph);
    marker = await resolveMarker();
  }
  const others = await otherMarkerProperties(graph, marker);
  const select = [...new Set([...USER_FIELDS, marker.select, ...others.map((o) => o.select)])].join(',');
  // With a directory extension in use, a declared user read on its own (not in the list) brings
  // its fifteen extension attributes along: the marker-elsewhere check below needs them only for
  // unmarked users, and a second read of them would wait for this one's answer.
  const readsAttributes = !isAttributeProperty(marker);
  const lookupSelect = readsAttributes ? `${select},${ATTRIBUTE_BAG}` : select;

  // Started beside the list in parallel mode; a rejection is observed where it is awaited.
  const earlyHolders = parallel && caller.kind === 'app' ? listRoleHolders(graph) : undefined;
  earlyHolders?.catch(() => undefined);
  const sponsors = options.withSponsors === true || wantsSponsors(desired);
  const expand: Record<string, string> = sponsors ? { $expand: SPONSOR_EXPAND } : {};
  // Address-holder and attribute reads go out as the pages come in (early-lookups.ts).
  const early = new EarlyLookups(graph, declarationsOf(desired.guests), select, readsAttributes ? marker : undefined);
  const listing = {
    select: select.split(','),
    ...(sponsors ? { expand: SPONSOR_EXPAND } : {}),
    onUsers: (users: readonly unknown[]) => early.see(users),
    onPartitionDone: (stillReading: number) => early.partitionDone(stillReading),
  };
  let guests: Awaited<ReturnType<typeof listGuestsPartitioned>> | Awaited<ReturnType<typeof listGuests>>;
  try {
    guests = parallel ? await listGuestsPartitioned(graph, listing) : await listGuests(graph, listing);
  } catch (e) {
    await early.settle();
    throw e;
  }
  // The partitions filed every guest by id as its page came in (to find one listed twice), while
  // the other pages were still out; that map is used as it is rather than built again after the
  // last page, where every millisecond of CPU adds to the wall against Graph.
  const byId = ('byId' in guests ? guests.byId : undefined) ?? indexBy(guests.users, 'id');
  const byUpnNeeded = desired.guests.some((g) => g.id === undefined && g.upn !== undefined);
  const byUpn = byUpnNeeded ? indexBy(guests.users, 'userPrincipalName') : new Map<string, Record<string, unknown>>();
  // Each declared guest's own listed user, looked up once for the two passes below.
  const owns = desired.guests.map((g) => (g.id ? byId.get(g.id.toLowerCase()) : g.upn ? byUpn.get(g.upn.toLowerCase()) : undefined));

  // Addresses are indexed only where someone asks: an email-only guest's, and the new address
  // of an email change (whose other holders the planner must see). Filing every listed guest
  // under every address it carries made a list per address (about 0.1 s and its garbage at
  // 100,000 guests) that was almost never read.
  const changing = new Set<string>();
  const changes = new Array<boolean>(desired.guests.length).fill(false);
  const asked = new Set<string>();
  desired.guests.forEach((g, i) => {
    const key = g.email.trim().toLowerCase();
    if (!g.id && !g.upn) {
      asked.add(key);
      return;
    }
    const own = owns[i];
    if (own === undefined) return; // not a guest in the list: the planner blocks it
    if (typeof own['mail'] === 'string' && own['mail'].trim().toLowerCase() === key) return;
    changes[i] = true;
    changing.add(key);
    asked.add(key);
  });
  const byMail = carriersOf(guests.users, asked);

  const found = new Map<string, Record<string, unknown>>();
  const keep = (u: Record<string, unknown>) => {
    if (typeof u['id'] === 'string') found.set(u['id'].toLowerCase(), u);
  };
  // Declared users the list does not settle are read (declared-lookups.ts).
  const declared = declaredLookups(desired.guests, owns, byMail, lookupSelect, expand);
  for (const u of declared.listed) keep(u);
  // Email changes: the new address must not already be on another user. Guests are all in the
  // bulk list; members are looked up (early-lookups.ts), 15 addresses per request.
  const listHolders = new Map<string, Record<string, unknown>>();
  desired.guests.forEach((g, i) => {
    const own = owns[i];
    if (own === undefined || !changes[i]) return;
    for (const h of byMail.get(g.email.trim().toLowerCase()) ?? []) if (h !== own && typeof h['id'] === 'string') listHolders.set(h['id'].toLowerCase(), h);
  });
  // Extension attributes of declared users without a marker where guestops looks (read below):
  // the listed ones' were mostly read while the list came in; the rest go with the lookups.
  const unmarkedListed = readsAttributes ? [...found.values()].filter((u) => marker.read(u) === null).map((u) => String(u['id'])) : [];
  const looked = await early.finish(changing, unmarkedListed, declared.gets);
  for (const u of declared.found(looked.gets)) keep(u);
  const holders = new Map(listHolders);
  for (const u of looked.holders) holders.set(String(u['id']).toLowerCase(), u);

  if (sponsors) await completeSponsors(graph, [...found.values()]);
  const roleHolders = caller.kind === 'app' && (found.size > 0 || earlyHolders) ? await (earlyHolders ?? listRoleHolders(graph)) : undefined;
  const users = [...found.values()].map((u) => toObservedUser(u, marker, roleHolders?.has(String(u['id']).toLowerCase())));
  if (users.some((u) => !u.id)) throw new GuestopsError('graph-user-without-id', 'Graph returned a user without an id');
  for (const id of found.keys()) holders.delete(id);
  const addressHolders = [...holders.values()].map((u) => toObservedUser(u, marker));
  const sponsorRefs = sponsors ? await resolveSponsorRefs(graph, desired) : undefined;
  // Only when guests/ has an email-only guest: a possible re-invitation of someone guestops invited.
  const undeclaredInvitees = desired.guests.some((g) => !g.id && !g.upn)
    ? guests.users
        .filter((u) => typeof u['id'] === 'string' && !found.has(u['id'].toLowerCase()))
        .map((u) => toObservedUser(u, marker))
        .filter((u) => u.marker !== null && (u.marker.includes('"f":') || (u.mail !== null && options.formerEmailOnly?.has(u.mail.trim().toLowerCase()) === true)))
    : [];
  // Declared users without a marker where guestops looks, but with one where it does not. With
  // a directory extension in use, the attributes of just those users are read now.
  const unmarked = [...found.values()].filter((u) => marker.read(u) === null);
  const attributeBags = readsAttributes ? await extensionAttributesOf(graph, unmarked, looked) : undefined;
  const elsewhereProperties = attributeBags ? attributeMarkerProperties() : others;
  const elsewhere = unmarked.flatMap((u) => {
    const bag = attributeBags?.get(String(u['id']).toLowerCase());
    const withBag = bag ? { ...u, [ATTRIBUTE_BAG]: bag } : u;
    return elsewhereProperties.flatMap((o) => {
      const raw = o.read(withBag);
      return raw === null ? [] : [{ id: String(u['id']), property: o.name, raw }];
    });
  });
  return {
    caller, users,
    ...(elsewhere.length > 0 ? { markersElsewhere: { inUse: marker.name, found: elsewhere } } : {}),
    ...(addressHolders.length > 0 ? { addressHolders } : {}),
    ...(undeclaredInvitees.length > 0 ? { undeclaredInvitees } : {}),
    markerProperty: marker,
    ...(sponsorRefs ? { sponsorRefs } : {}),
  };
}

/** Listed users by the lower-cased value of a string property (the last one listed wins). */
function indexBy(users: readonly Record<string, unknown>[], property: 'id' | 'userPrincipalName'): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const u of users) {
    const v = u[property];
    if (typeof v === 'string') out.set(v.toLowerCase(), u);
  }
  return out;
}

/** The listed users carrying each of the `asked` addresses (normalised) in `mail` or `otherMails`, in list order. */
function carriersOf(users: readonly Record<string, unknown>[], asked: ReadonlySet<string>): Map<string, Record<string, unknown>[]> {
  const byMail = new Map<string, Record<string, unknown>[]>();
  if (asked.size === 0) return byMail;
  for (const u of users) {
    const addresses = [u['mail'], ...(Array.isArray(u['otherMails']) ? (u['otherMails'] as unknown[]) : [])];
    for (const a of addresses) {
      if (typeof a !== 'string') continue;
      const key = a.trim().toLowerCase();
      if (!asked.has(key)) continue;
      const list = byMail.get(key);
      if (list === undefined) byMail.set(key, [u]);
      else if (!list.includes(u)) list.push(u);
    }
  }
  return byMail;
}

/**
 * The attribute bags of `users`: those of the read already started, those a lookup brought along,
 * and any other read now (a lookup whose answer lacked the bag it was asked for).
 */
async function extensionAttributesOf(graph: Graph, users: readonly Record<string, unknown>[], early: FinishedLookups): Promise<Map<string, Record<string, unknown>>> {
  const brought = new Map<string, Record<string, unknown>>();
  const rest: string[] = [];
  for (const u of users) {
    const id = String(u['id']);
    if (early.bagsRead.has(id.toLowerCase())) continue;
    const bag = u[ATTRIBUTE_BAG];
    if (typeof bag === 'object' && bag !== null) brought.set(id.toLowerCase(), bag as Record<string, unknown>);
    else rest.push(id);
  }
  const more = await readExtensionAttributes(graph, rest);
  return new Map([...early.bags, ...brought, ...more]);
}
