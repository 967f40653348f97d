/**
 * Maps `/v1.0/...` paths to handlers, with what each call costs in Graph's throttling budget.
 * Graph matches path segments case-insensitively; ids keep their case.
 */
import { createExtensionProperty, getApplication, getAvailableExtensionProperties, listExtensionProperties } from './applications.js';
import type { GraphResponse, HandlerContext } from './context.js';
import { GraphError, segmentNotFound } from './graph-error.js';
import { createInvitation } from './invitations.js';
import { listRoleAssignments } from './role-assignments.js';
import type { RequestCost } from './throttle.js';
import { countUsers, getMe, getUser, listUsers, patchUser } from './users.js';
import { sponsorRoute } from './sponsors.js';

export interface Route {
  readonly run: (ctx: HandlerContext) => GraphResponse;
  readonly cost: RequestCost;
  /** `$batch` is handled by the server itself (it re-enters the pipeline). */
  readonly batch?: true;
}

/** Wording Graph uses for a method a resource does not accept. */
function methodNotAllowed(): GraphError {
  return new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
}

function notImplemented(what: string): GraphError {
  return new GraphError(501, 'NotImplemented', `${what} is not implemented by the Graph emulator.`);
}

/**
 * Resource-unit costs per GRAPH.md (throttling-limits.md, identity and access): GET users list 2,
 * other GET 1, write 1; `$select` lowers by 1 with a minimum of 1. Invitations count against the
 * invitation manager's own limit; that they also cost no identity resource units is our guess.
 */
function readCost(base: number, hasSelect: boolean): RequestCost {
  return { resourceUnits: Math.max(1, base - (hasSelect ? 1 : 0)), write: false, invitation: false };
}
const WRITE: RequestCost = { resourceUnits: 1, write: true, invitation: false };
const INVITATION: RequestCost = { resourceUnits: 0, write: false, invitation: true };
const FREE: RequestCost = { resourceUnits: 0, write: false, invitation: false };

const APP_BY_APPID = /^applications\(appId='([^']*)'\)$/i;

export function route(method: string, segments: readonly string[], hasSelect: boolean): Route {
  const [first, second, third, fourth] = segments;
  const s0 = first?.toLowerCase();
  const n = segments.length;
  const only = (m: string, r: Route): Route => {
    if (method !== m) throw methodNotAllowed();
    return r;
  };
  if (s0 === undefined || s0 === '') throw segmentNotFound('');
  if (s0 === '$batch' && n === 1) return only('POST', { run: () => ({ status: 500 }), cost: FREE, batch: true });
  if (s0 === 'me' && n === 1) return only('GET', { run: getMe, cost: readCost(1, hasSelect) });
  if (s0 === 'users') {
    if (n === 1) {
      if (method === 'POST') throw notImplemented('Creating users');
      return only('GET', { run: listUsers, cost: readCost(2, hasSelect) });
    }
    if (n === 2 && second === '$count') return only('GET', { run: countUsers, cost: readCost(1, false) });
    if (n === 2) {
      const key = second!;
      if (method === 'GET') return { run: (ctx) => getUser(ctx, key), cost: readCost(1, hasSelect) };
      if (method === 'PATCH') return { run: (ctx) => patchUser(ctx, key), cost: WRITE };
      if (method === 'DELETE') throw notImplemented('Deleting users');
      throw methodNotAllowed();
    }
    if (third?.toLowerCase() === 'sponsors') return sponsorRoute(method, segments);
    throw segmentNotFound(third!);
  }
  if (s0 === 'invitations' && n === 1) return only('POST', { run: createInvitation, cost: INVITATION });
  const byAppId = first ? APP_BY_APPID.exec(first) : null;
  if (s0 === 'applications' || byAppId) {
    const key = byAppId ? { appId: byAppId[1]! } : { id: second ?? '' };
    const rest = byAppId ? segments.slice(1) : segments.slice(2);
    if (!byAppId && n === 1) throw notImplemented('Listing applications');
    if (rest.length === 0) return only('GET', { run: (ctx) => getApplication(ctx, key), cost: readCost(1, hasSelect) });
    if (rest.length === 1 && rest[0]!.toLowerCase() === 'extensionproperties') {
      if (method === 'GET') return { run: (ctx) => listExtensionProperties(ctx, key), cost: readCost(1, false) };
      if (method === 'POST') return { run: (ctx) => createExtensionProperty(ctx, key), cost: WRITE };
      throw methodNotAllowed();
    }
    throw segmentNotFound(rest[0]!);
  }
  if (s0 === 'directoryobjects' && n === 2 && second!.toLowerCase() === 'getavailableextensionproperties') {
    return only('POST', { run: getAvailableExtensionProperties, cost: readCost(1, false) });
  }
  if (s0 === 'rolemanagement' && second?.toLowerCase() === 'directory' && third?.toLowerCase() === 'roleassignments' && n === 3) {
    return only('GET', { run: listRoleAssignments, cost: readCost(1, hasSelect) });
  }
  void fourth;
  throw segmentNotFound(first!);
}
