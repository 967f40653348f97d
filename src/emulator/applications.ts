/**
 * App registrations and directory extensions (api-reference/v1.0/api/application-get.md,
 * application-post-extensionproperty.md, application-list-extensionproperty.md,
 * directoryobject-getavailableextensionproperties.md; concepts/extensibility-overview.md).
 */
import { PERMISSIONS, hasAny, requireAny, type Caller } from './auth.js';
import { jsonBody, metadata, type GraphResponse, type HandlerContext } from './context.js';
import { badRequest, insufficientPrivileges, resourceNotFound } from './graph-error.js';
import { extensionFullName } from './seed.js';
import type { Application, ExtensionProperty } from './tenant.js';

const DATA_TYPES = new Set(['Binary', 'Boolean', 'DateTime', 'Integer', 'LargeInteger', 'String']);
const TARGETS = new Set(['User', 'Group', 'AdministrativeUnit', 'Application', 'Device', 'Organization']);

/**
 * With only Application.ReadWrite.OwnedBy a caller reaches the applications it owns. The emulator
 * has no owners; it treats the caller's own registration (same appId) as owned (our assumption).
 */
function checkAccess(caller: Caller, app: Application, all: readonly string[]): void {
  const full = all.filter((p) => p !== 'Application.ReadWrite.OwnedBy');
  if (hasAny(caller, full)) return;
  if (caller.permissions.has('Application.ReadWrite.OwnedBy') && caller.appId?.toLowerCase() === app.appId.toLowerCase()) return;
  throw insufficientPrivileges();
}

/** `{id}` or the alternate key form `(appId='{appId}')` (application-get.md). */
export function findApplication(ctx: HandlerContext, key: { id?: string; appId?: string }): Application {
  const app = key.appId !== undefined
    ? ctx.tenant.applications.find((a) => a.appId.toLowerCase() === key.appId!.toLowerCase())
    : ctx.tenant.applications.find((a) => a.id.toLowerCase() === key.id!.toLowerCase());
  if (!app) throw resourceNotFound(key.appId ?? key.id ?? '');
  return app;
}

export function extensionJson(ep: ExtensionProperty): Record<string, unknown> {
  // Property order and values as in the extensionProperty example responses.
  return {
    id: ep.id,
    deletedDateTime: null,
    appDisplayName: ep.appDisplayName,
    dataType: ep.dataType,
    isMultiValued: false,
    isSyncedFromOnPremises: false,
    name: ep.name,
    targetObjects: [...ep.targetObjects],
  };
}

export function getApplication(ctx: HandlerContext, key: { id?: string; appId?: string }): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.readApplications);
  ctx.query.allowOnly(['$select']);
  const app = findApplication(ctx, key);
  checkAccess(ctx.caller, app, PERMISSIONS.readApplications);
  const full: Record<string, unknown> = {
    id: app.id,
    deletedDateTime: null,
    appId: app.appId,
    createdDateTime: app.createdDateTime,
    displayName: app.displayName,
    signInAudience: 'AzureADMyOrg',
  };
  const selectRaw = ctx.query.get('$select');
  let body = full;
  if (selectRaw !== undefined) {
    body = {};
    for (const name of selectRaw.split(',').map((s) => s.trim()).filter(Boolean)) {
      const k = Object.keys(full).find((x) => x.toLowerCase() === name.toLowerCase());
      if (!k) throw badRequest(`Could not find a property named '${name}' on type 'Microsoft.DirectoryServices.Application'.`);
      body[k] = full[k];
    }
  }
  return { status: 200, body: { '@odata.context': metadata(ctx, 'applications/$entity'), ...body } };
}

export function listExtensionProperties(ctx: HandlerContext, key: { id?: string; appId?: string }): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.readApplications);
  ctx.query.allowOnly([]);
  const app = findApplication(ctx, key);
  checkAccess(ctx.caller, app, PERMISSIONS.readApplications);
  return {
    status: 200,
    body: {
      '@odata.context': metadata(ctx, `applications('${app.id}')/extensionProperties`),
      value: app.extensionProperties.map(extensionJson),
    },
  };
}

export function createExtensionProperty(ctx: HandlerContext, key: { id?: string; appId?: string }): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.writeApplications);
  const app = findApplication(ctx, key);
  checkAccess(ctx.caller, app, PERMISSIONS.writeApplications);
  const body = jsonBody(ctx);
  const name = body['name'];
  const dataType = body['dataType'];
  const targets = body['targetObjects'];
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,119}$/.test(name)) {
    throw badRequest("Invalid value specified for property 'name' of resource 'ExtensionProperty'.");
  }
  if (typeof dataType !== 'string' || !DATA_TYPES.has(dataType)) {
    throw badRequest("Invalid value specified for property 'dataType' of resource 'ExtensionProperty'.");
  }
  if (!Array.isArray(targets) || targets.length === 0 || targets.some((t) => typeof t !== 'string' || !TARGETS.has(t))) {
    throw badRequest("Invalid value specified for property 'targetObjects' of resource 'ExtensionProperty'.");
  }
  const full = extensionFullName(app.appId, name);
  if (ctx.tenant.extensions.has(full.toLowerCase())) {
    // Registering the same name twice fails in the service; wording is our guess.
    throw badRequest(`An extension property named '${full}' already exists.`, 'Request_BadRequest');
  }
  if (app.extensionProperties.length >= 100) {
    throw badRequest('An application may define at most 100 extension properties.');
  }
  const ep = ctx.tenant.addExtension(app, full, dataType, targets as string[]);
  return {
    status: 201,
    body: { '@odata.context': metadata(ctx, `applications('${app.id}')/extensionProperties/$entity`), ...extensionJson(ep) },
  };
}

export function getAvailableExtensionProperties(ctx: HandlerContext): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.readExtensions);
  const text = ctx.bodyText ?? '';
  const body = text.trim() === '' ? {} : jsonBody(ctx);
  const synced = body['isSyncedFromOnPremises'];
  const all = [...ctx.tenant.extensions.values()];
  // All emulated extensions are cloud ones: filtering on isSyncedFromOnPremises=true yields none.
  const value = synced === true ? [] : all.map(extensionJson);
  // Context and item shape of the example in directoryobject-getavailableextensionproperties.md.
  return {
    status: 200,
    body: {
      '@odata.context': metadata(ctx, 'Collection(extensionProperty)'),
      value: value.map((ep) => ({ '@odata.type': '#microsoft.graph.extensionProperty', ...ep })),
    },
  };
}
