/**
 * Creating, updating and deleting applications — the one directory object whose client-chosen
 * name Graph itself keeps unique, so a tenant-wide lock can rest on it.
 *
 * Endpoints (Graph v1.0; permissions are the docs' tables: app-only Application.ReadWrite.OwnedBy
 * or Application.ReadWrite.All, delegated Application.ReadWrite.All; each call costs a write):
 * - `PATCH /applications(uniqueName='X')` + `Prefer: create-if-missing` (application-upsert.md):
 *   no application has uniqueName X → creates it: 201 + the application (id, appId, displayName,
 *   uniqueName, createdDateTime, description, notes); one exists → updates the given properties:
 *   204, no body. The body must contain displayName (upsert doc). Without the Prefer header the
 *   request is a plain update: 404 when no application has that uniqueName.
 *   Uniqueness is decided on the TRUE state, never a lagged view (docs silent; stricter: two
 *   concurrent upserts of one name never both get 201). A soft-deleted application keeps its
 *   uniqueName reserved (docs silent; stricter): an upsert of that name answers 400 until the
 *   object is removed from deleted items.
 * - `GET /applications(uniqueName='X')`, `GET /applications/{id}` (application-get.md; in
 *   applications.ts), `PATCH /applications/{id}` (application-update.md: displayName,
 *   description, notes) → 204, `DELETE /applications/{id}` (application-delete.md) → 204: the
 *   object moves to deleted items (deletedDateTime set).
 * - `GET /directory/deletedItems/microsoft.graph.application` (directory-deleteditems-list.md),
 *   `GET /directory/deletedItems/{id}` (directory-deleteditems-get.md) and
 *   `DELETE /directory/deletedItems/{id}` (directory-deleteditems-delete.md) → 204: removed for
 *   good, its uniqueName free again.
 * Reads and writes by id see the replication lag like users (replication.ts): for the lag after
 * a creation the application answers 404 (to PATCH and DELETE too); after a PATCH, reads show the
 * old values; after a DELETE, it still reads as present and is not yet in deleted items.
 * An app-only caller that creates an application becomes its owner, so with OwnedBy it may update
 * and delete it afterwards; another OwnedBy caller gets 403.
 */
import { randomUUID } from 'node:crypto';
import { hasAny, requireAny, type Caller } from './auth.js';
import { applicationJson, checkAccess, findApplication, selectProperties, type ApplicationKey } from './applications.js';
import { jsonBody, metadata, type GraphResponse, type HandlerContext } from './context.js';
import { GraphError, badRequest, insufficientPrivileges, resourceNotFound } from './graph-error.js';
import { nextLink, pageSize, startPosition, takePage } from './paging.js';
import type { Application, ApplicationProps } from './tenant.js';

/** application-upsert.md, application-update.md, application-delete.md, directory-deleteditems-delete.md. */
const MANAGE = ['Application.ReadWrite.OwnedBy', 'Application.ReadWrite.All'] as const;
/** application-get.md, directory-deleteditems-get.md. */
const READ = ['Application.Read.All', 'Application.ReadWrite.OwnedBy', 'Application.ReadWrite.All', 'Directory.Read.All'] as const;

/** OwnedBy is an application permission only: a delegated caller needs Application.ReadWrite.All. */
function requireManage(caller: Caller): void {
  if (caller.kind === 'delegated' ? !caller.permissions.has('Application.ReadWrite.All') : !hasAny(caller, MANAGE)) {
    throw insufficientPrivileges();
  }
}

/** Properties of the CSDL application type that are set by the service, never by a client. */
const READ_ONLY = new Set(['id', 'appId', 'createdDateTime', 'deletedDateTime', 'uniqueName', 'publisherDomain', 'createdByAppId', 'disabledByMicrosoftStatus']);
/** Other CSDL properties: real, but not writable in the emulator. */
const OTHER = new Set([
  'addIns', 'api', 'applicationTemplateId', 'appRoles', 'authenticationBehaviors', 'certification', 'defaultRedirectUri',
  'groupMembershipClaims', 'identifierUris', 'info', 'isDeviceOnlyAuthSupported', 'isDisabled', 'isFallbackPublicClient',
  'keyCredentials', 'logo', 'managerApplications', 'nativeAuthenticationApisEnabled', 'oauth2RequirePostResponse',
  'optionalClaims', 'parentalControlSettings', 'passwordCredentials', 'publicClient', 'requestSignatureVerification',
  'requiredResourceAccess', 'samlMetadataUrl', 'serviceManagementReference', 'servicePrincipalLockConfiguration',
  'signInAudience', 'spa', 'tags', 'tokenEncryptionKeyId', 'verifiedPublisher', 'web',
]);
/**
 * Writable here, with maximum lengths: description 1,024 (application.md); displayName 256 and
 * notes 1,024 are our guesses (undocumented).
 */
const WRITABLE: Record<string, number> = { displayName: 256, description: 1024, notes: 1024 };

type Changes = Partial<Pick<ApplicationProps, 'displayName' | 'description' | 'notes'>>;

/** Validates a write body completely before anything changes: all or nothing. */
function validateWrite(body: Record<string, unknown>): Changes {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith('@odata.')) continue;
    const name = [...Object.keys(WRITABLE), ...READ_ONLY, ...OTHER].find((p) => p.toLowerCase() === key.toLowerCase());
    if (!name) throw badRequest(`Property '${key}' does not exist as a declared property or extension property.`);
    // uniqueName is "Immutable. Read-only." (application.md): the key in the URL assigns it.
    if (READ_ONLY.has(name)) throw badRequest(`Property '${name}' is read-only and cannot be set.`);
    if (OTHER.has(name)) throw badRequest(`Property '${name}' cannot be updated by the Graph emulator.`);
    const max = WRITABLE[name]!;
    const nullable = name !== 'displayName';
    if (value === null && nullable) {
      changes[name] = null;
      continue;
    }
    if (typeof value !== 'string' || value.length > max || (name === 'displayName' && value.trim() === '')) {
      // Wording of Graph's invalid-value 400 (as for users).
      throw badRequest(`Invalid value specified for property '${name}' of resource 'Application'.`);
    }
    changes[name] = value;
  }
  return changes as Changes;
}

/** `Prefer: create-if-missing`, possibly among other preferences (RFC 7240 list). */
function createIfMissing(ctx: HandlerContext): boolean {
  return (ctx.headers['prefer'] ?? '').split(',').some((p) => p.trim().toLowerCase() === 'create-if-missing');
}

/** uniqueName limits are undocumented: non-empty, at most 256 characters, no control characters (guess). */
function checkUniqueName(name: string): void {
  // eslint-disable-next-line no-control-regex
  if (name === '' || name.length > 256 || /[\u0000-\u001f\u007f]/.test(name)) {
    throw badRequest(`Invalid value specified for property 'uniqueName' of resource 'Application'.`);
  }
}

function displayNameRequired(): GraphError {
  // application-upsert.md: "The request body must contain displayName". Wording is our guess.
  return badRequest("Property 'displayName' is required.");
}

function update(ctx: HandlerContext, key: ApplicationKey, changes: Changes): GraphResponse {
  const { app } = findApplication(ctx, key);
  checkAccess(ctx.caller, app, [...MANAGE]);
  ctx.tenant.updateApplication(app, changes);
  return { status: 204 };
}

export function upsertApplication(ctx: HandlerContext, uniqueName: string): GraphResponse {
  requireManage(ctx.caller);
  ctx.query.allowOnly([]);
  checkUniqueName(uniqueName);
  const changes = validateWrite(jsonBody(ctx));
  if (!createIfMissing(ctx)) return update(ctx, { uniqueName }, changes);
  if (changes.displayName === undefined) throw displayNameRequired();
  const tenant = ctx.tenant;
  const existing = tenant.applicationByUniqueName(uniqueName);
  if (existing) {
    if (existing.props.deletedDateTime !== null) {
      // Docs silent on a soft-deleted holder; stricter: the name stays taken until it is purged.
      // Wording of Graph's other uniqueness refusals (userPrincipalName, proxyAddresses).
      throw badRequest('Another object with the same value for property uniqueName already exists.');
    }
    checkAccess(ctx.caller, existing, [...MANAGE]);
    tenant.updateApplication(existing, changes);
    return { status: 204 };
  }
  const app: Application = tenant.createApplication({
    id: randomUUID(),
    appId: randomUUID(),
    createdDateTime: new Date().toISOString(),
    extensionProperties: [],
    props: {
      displayName: changes.displayName,
      uniqueName,
      description: changes.description ?? null,
      notes: changes.notes ?? null,
      deletedDateTime: null,
    },
    ownerAppIds: ctx.caller.kind === 'app' && ctx.caller.appId !== undefined ? [ctx.caller.appId] : [],
  });
  return { status: 201, body: { '@odata.context': metadata(ctx, 'applications/$entity'), ...applicationJson(app, app.props) } };
}

export function patchApplication(ctx: HandlerContext, id: string): GraphResponse {
  requireManage(ctx.caller);
  ctx.query.allowOnly([]);
  return update(ctx, { id }, validateWrite(jsonBody(ctx)));
}

export function deleteApplication(ctx: HandlerContext, id: string): GraphResponse {
  requireManage(ctx.caller);
  ctx.query.allowOnly([]);
  const { app } = findApplication(ctx, { id });
  checkAccess(ctx.caller, app, [...MANAGE]);
  ctx.tenant.updateApplication(app, { deletedDateTime: new Date().toISOString() });
  return { status: 204 };
}

/** A deleted application as readers see deleted items now (the deletion replicates like any write). */
function findDeleted(ctx: HandlerContext, id: string): { app: Application; props: ApplicationProps } {
  const app = ctx.tenant.applicationById(id);
  const props = app ? ctx.tenant.visibleApplication(app) : undefined;
  if (!app || !props || props.deletedDateTime === null) throw resourceNotFound(id);
  return { app, props };
}

export function getDeletedItem(ctx: HandlerContext, id: string): GraphResponse {
  requireAny(ctx.caller, READ);
  ctx.query.allowOnly(['$select']);
  const { app, props } = findDeleted(ctx, id);
  checkAccess(ctx.caller, app, [...READ]);
  const body = selectProperties(ctx, applicationJson(app, props), 'Application');
  return {
    status: 200,
    body: { '@odata.context': metadata(ctx, 'directory/deletedItems/$entity'), '@odata.type': '#microsoft.graph.application', ...body },
  };
}

export function purgeDeletedItem(ctx: HandlerContext, id: string): GraphResponse {
  requireManage(ctx.caller);
  ctx.query.allowOnly([]);
  const { app } = findDeleted(ctx, id);
  checkAccess(ctx.caller, app, [...MANAGE]);
  ctx.tenant.purgeApplication(app);
  return { status: 204 };
}

/** directory-deleteditems-list.md: the default page size is not documented; 100 as for users (guess). */
const DELETED_PAGE_DEFAULT = 100;
const DELETED_PAGE_MAX = 999;

/**
 * `GET /directory/deletedItems/microsoft.graph.application` (directory-deleteditems-list.md):
 * the applications in deleted items, as readers see them now, paged. The doc lists `$filter` and
 * `$orderby` among the supported parameters but not which properties need advanced queries;
 * the emulator serves `$select` and `$top` only and refuses the rest (stricter: a client cannot
 * depend on a filter Graph may not serve).
 */
export function listDeletedApplications(ctx: HandlerContext): GraphResponse {
  requireAny(ctx.caller, READ);
  ctx.query.allowOnly(['$select', '$top', '$skiptoken']);
  const top = pageSize(ctx.query, DELETED_PAGE_MAX, DELETED_PAGE_DEFAULT);
  const start = startPosition(ctx.query);
  const items = ctx.tenant.applications.map((app, pos) => ({ pos, app, props: ctx.tenant.visibleApplication(app) }));
  const readable = (x: (typeof items)[number]): boolean => {
    if (!x.props || x.props.deletedDateTime === null) return false;
    try {
      checkAccess(ctx.caller, x.app, [...READ]);
      return true;
    } catch {
      return false; // OwnedBy: only the deleted applications the caller owns (as for reads by id)
    }
  };
  const { page, nextPos } = takePage(items, start, top, readable, true);
  return {
    status: 200,
    body: {
      '@odata.context': metadata(ctx, 'directory/deletedItems/microsoft.graph.application'),
      value: page.map((x) => selectProperties(ctx, applicationJson(x.app, x.props!), 'Application')),
      ...(nextPos !== undefined ? { '@odata.nextLink': nextLink(ctx, nextPos) } : {}),
    },
  };
}
