/**
 * The `sponsors` relationship of a user (CSDL: `user.sponsors`, Collection(directoryObject),
 * Referenceable): the users responsible for a guest's access.
 *   GET    /users/{id}/sponsors             user-list-sponsors.md  (User.Read.All or higher)
 *   POST   /users/{id}/sponsors/$ref        user-post-sponsors.md  (User.ReadWrite.All, Directory.ReadWrite.All) → 204
 *   DELETE /users/{id}/sponsors/{id}/$ref   user-delete-sponsors.md (same permissions) → 204
 *   $expand=sponsors on /users and /users/{id}   (user.md: sponsors "Supports $expand")
 * A sponsor is stored as its object id in the user's record under `sponsors` (not a property:
 * $select and PATCH refuse the name, as Graph does for a navigation property).
 * The emulator has no groups: only users can be sponsors here.
 */
import { PERMISSIONS, requireAny } from './auth.js';
import { jsonBody, metadata, type GraphResponse, type HandlerContext } from './context.js';
import { nextLink, startPosition } from './paging.js';
import { GraphError, badRequest, resourceNotFound, segmentNotFound, unsupportedQuery } from './graph-error.js';
import type { Tenant, UserData, UserRecord } from './tenant.js';
import type { RequestCost } from './throttle.js';
import { USER_PROPERTIES } from './user-properties.js';

/**
 * Graph known issues ("Some limitations apply to query parameters"): $expand on a relationship of
 * a directory object returns at most 20 objects and offers no nextLink for the rest; a list with
 * $expand returns at most 100 objects per page whatever $top asks (Graph known issue 13635).
 */
export const EXPANDED_SPONSORS_MAX = 20;
export const EXPAND_PAGE_MAX = 100;
/**
 * Page size of `GET /users/{id}/sponsors`. user-list-sponsors.md names neither a page size nor
 * paging; paging.md says server-side paging returns a default number per page and gives
 * `GET /users` (100) as its example. The docs being silent, the stricter choice: the relationship
 * pages by 100 with `@odata.nextLink`, so a client that reads only the first page of a long
 * sponsor list fails here rather than against Graph.
 */
export const SPONSORS_PAGE_MAX = 100;

const READ: RequestCost = { resourceUnits: 1, write: false, invitation: false };
const WRITE: RequestCost = { resourceUnits: 1, write: true, invitation: false };

/** The sponsor ids of a user, as stored. */
export function sponsorIds(data: UserData): readonly string[] {
  const v = data['sponsors'];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A sponsor as a directoryObject in a response: `@odata.type` plus the selected properties. */
function sponsorObject(sponsor: UserRecord, select: readonly string[] | undefined): Record<string, unknown> {
  const props = select ?? ['id', 'displayName', 'userPrincipalName', 'mail'];
  const out: Record<string, unknown> = { '@odata.type': '#microsoft.graph.user' };
  for (const p of props) out[p] = sponsor.data[p] ?? null;
  return out;
}

function sponsorsOf(tenant: Tenant, data: UserData): UserRecord[] {
  // A sponsor deleted since is no longer returned (the link goes with the object).
  return sponsorIds(data).map((id) => tenant.userById(id)).filter((r): r is UserRecord => r !== undefined);
}

function parseNestedSelect(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const out: string[] = [];
  for (const piece of raw.split(',')) {
    const name = piece.trim();
    if (name === '') continue;
    const canonical = USER_PROPERTIES.get(name.toLowerCase());
    if (!canonical) throw badRequest(`Could not find a property named '${name}' on type 'microsoft.graph.directoryObject'.`);
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out.length ? out : undefined;
}

export interface SponsorExpansion {
  readonly select: readonly string[] | undefined;
}

/**
 * `$expand` on a user or a user list: only `sponsors` (optionally `sponsors($select=...)`) is
 * modelled; any other expansion is refused rather than silently ignored (stricter than Graph,
 * which would expand it: guestops asks for nothing else).
 */
export function parseSponsorExpand(ctx: HandlerContext): SponsorExpansion | undefined {
  const raw = ctx.query.get('$expand');
  if (raw === undefined) return undefined;
  const m = /^\s*sponsors\s*(?:\(\s*\$select\s*=\s*([^()]*)\))?\s*$/i.exec(raw);
  if (!m) throw unsupportedQuery(`$expand=${raw} is not implemented by the Graph emulator (only sponsors).`);
  return { select: parseNestedSelect(m[1]) };
}

/** Adds `sponsors` to a projected user: at most 20, as Graph's $expand does. */
export function withExpandedSponsors(tenant: Tenant, data: UserData, projected: Record<string, unknown>, exp: SponsorExpansion): Record<string, unknown> {
  projected['sponsors'] = sponsorsOf(tenant, data).slice(0, EXPANDED_SPONSORS_MAX).map((s) => sponsorObject(s, exp.select));
  return projected;
}

function findUser(ctx: HandlerContext, key: string): UserRecord {
  const rec = ctx.tenant.userByKey(key);
  if (!rec) throw resourceNotFound(key);
  return rec;
}

function listSponsors(ctx: HandlerContext, key: string): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.readUsers);
  ctx.query.allowOnly(['$select', '$format', '$skiptoken']);
  const rec = findUser(ctx, key);
  const select = parseNestedSelect(ctx.query.get('$select'));
  const all = sponsorsOf(ctx.tenant, rec.data);
  const from = startPosition(ctx.query);
  const page = all.slice(from, from + SPONSORS_PAGE_MAX);
  const more = from + SPONSORS_PAGE_MAX < all.length;
  return {
    status: 200,
    body: {
      '@odata.context': metadata(ctx, 'directoryObjects'),
      value: page.map((s) => sponsorObject(s, select)),
      ...(more ? { '@odata.nextLink': nextLink(ctx, from + SPONSORS_PAGE_MAX) } : {}),
    },
  };
}

/** The object id at the end of an `@odata.id` read URL (`https://graph.microsoft.com/v1.0/users/{id}`). */
const READ_URL = /^https?:\/\/[^/]+\/(?:v1\.0|beta)\/(?:users|directoryObjects)\/([^/?#]+)$/i;

function addSponsor(ctx: HandlerContext, key: string): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.writeUsers);
  const rec = findUser(ctx, key);
  const body = jsonBody(ctx);
  const ref = body['@odata.id'];
  const m = typeof ref === 'string' ? READ_URL.exec(ref) : null;
  if (!m) {
    // user-post-sponsors.md: the body carries `@odata.id`, the read URL of the user or group.
    // Wording of the 400 is our guess.
    throw badRequest("The request body must contain '@odata.id' with the read URL of the user or group to add.", 'BadRequest');
  }
  const sponsor = ctx.tenant.userById(decodeURIComponent(m[1]!));
  if (!sponsor) throw resourceNotFound(decodeURIComponent(m[1]!));
  const ids = sponsorIds(rec.data);
  if (ids.some((id) => id.toLowerCase() === sponsor.data.id.toLowerCase())) {
    // The directory refuses a reference that already exists, as for group members (wording of
    // that error, with the property name changed); the docs are silent for sponsors: stricter.
    throw badRequest("One or more added object references already exist for the following modified properties: 'sponsors'.");
  }
  ctx.tenant.updateUser(rec, { sponsors: [...ids, sponsor.data.id] });
  return { status: 204 };
}

function removeSponsor(ctx: HandlerContext, key: string, sponsorId: string): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.writeUsers);
  const rec = findUser(ctx, key);
  const ids = sponsorIds(rec.data);
  const rest = ids.filter((id) => id.toLowerCase() !== sponsorId.toLowerCase());
  // Removing a link that is not there: 404, as for any missing reference (stricter guess).
  if (rest.length === ids.length) throw resourceNotFound(sponsorId);
  ctx.tenant.updateUser(rec, { sponsors: rest });
  return { status: 204 };
}

function methodNotAllowed(): GraphError {
  return new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
}

/** Routes `/users/{key}/sponsors...` (segments after /v1.0). */
export function sponsorRoute(method: string, segments: readonly string[]): { run: (ctx: HandlerContext) => GraphResponse; cost: RequestCost } {
  const key = segments[1]!;
  const rest = segments.slice(3);
  if (rest.length === 0) {
    if (method !== 'GET') throw methodNotAllowed();
    return { run: (ctx) => listSponsors(ctx, key), cost: READ };
  }
  if (rest.length === 1 && rest[0] === '$ref') {
    if (method !== 'POST') throw methodNotAllowed();
    return { run: (ctx) => addSponsor(ctx, key), cost: WRITE };
  }
  if (rest.length === 2 && rest[1] === '$ref') {
    if (method !== 'DELETE') throw methodNotAllowed();
    const sponsorId = rest[0]!;
    return { run: (ctx) => removeSponsor(ctx, key, sponsorId), cost: WRITE };
  }
  throw segmentNotFound(rest[rest.length - 1]!);
}
