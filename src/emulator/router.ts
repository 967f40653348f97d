/**
 * Maps `/v1.0/...` paths to handlers, with what each call costs in Graph's throttling budget.
 * Graph matches path segments case-insensitively; ids keep their case.
 */
import { deleteApplication, getDeletedItem, listDeletedApplications, patchApplication, purgeDeletedItem, upsertApplication } from './application-lifecycle.js';
import { createExtensionProperty, getApplication, getAvailableExtensionProperties, listExtensionProperties, type ApplicationKey } from './applications.js';
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
/** OData string literal: a quote inside is doubled. */
const APP_BY_UNIQUE_NAME = /^applications\(uniqueName='((?:[^']|'')*)'\)$/i;

/** `applications`, `applications(appId='…')` or `applications(uniqueName='…')` as the first segment. */
function applicationKey(segments: readonly string[]): { key: ApplicationKey | undefined; rest: readonly string[] } | undefined {
  const first = segments[0]!;
  const byAppId = APP_BY_APPID.exec(first);
  if (byAppId) return { key: { appId: byAppId[1]! }, rest: segments.slice(1) };
  const byName = APP_BY_UNIQUE_NAME.exec(first);
  if (byName) return { key: { uniqueName: byName[1]!.replace(/''/g, "'") }, rest: segments.slice(1) };
  if (first.toLowerCase() !== 'applications') return undefined;
  return segments.length === 1 ? { key: undefined, rest: [] } : { key: { id: segments[1]! }, rest: segments.slice(2) };
}

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
  const app = applicationKey(segments);
  if (app) {
    const { key, rest } = app;
    if (!key) throw notImplemented('Listing applications');
    if (rest.length === 0) {
      if (method === 'GET') return { run: (ctx) => getApplication(ctx, key), cost: readCost(1, hasSelect) };
      if (method === 'PATCH' && 'uniqueName' in key) return { run: (ctx) => upsertApplication(ctx, key.uniqueName), cost: WRITE };
      if (method === 'PATCH' && 'id' in key) return { run: (ctx) => patchApplication(ctx, key.id), cost: WRITE };
      if (method === 'DELETE' && 'id' in key) return { run: (ctx) => deleteApplication(ctx, key.id), cost: WRITE };
      if (method === 'PATCH' || method === 'DELETE') throw notImplemented(`${method} by appId`);
      throw methodNotAllowed();
    }
    if (rest.length === 1 && rest[0]!.toLowerCase() === 'extensionproperties') {
      if (method === 'GET') return { run: (ctx) => listExtensionProperties(ctx, key), cost: readCost(1, false) };
      if (method === 'POST') return { run: (ctx) => createExtensionProperty(ctx, key), cost: WRITE };
      throw methodNotAllowed();
    }
    throw segmentNotFound(rest[0]!);
  }
  if (s0 === 'directory' && third !== undefined && n === 3 && second!.toLowerCase() === 'deleteditems') {
    const id = third;
    if (id.toLowerCase() === 'microsoft.graph.application') return only('GET', { run: listDeletedApplications, cost: readCost(1, hasSelect) });
    if (method === 'GET') return { run: (ctx) => getDeletedItem(ctx, id), cost: readCost(1, hasSelect) };
    if (method === 'DELETE') return { run: (ctx) => purgeDeletedItem(ctx, id), cost: WRITE };
    throw methodNotAllowed();
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
