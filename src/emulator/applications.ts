/**
 * App registrations and directory extensions (api-reference/v1.0/api/application-get.md,
 * application-post-extensionproperty.md, application-list-extensionproperty.md,
 * directoryobject-getavailableextensionproperties.md; concepts/extensibility-overview.md).
 */
import { PERMISSIONS, hasAny, requireAny, type Caller } from './auth.js';
import { jsonBody, metadata, type GraphResponse, type HandlerContext } from './context.js';
import { badRequest, insufficientPrivileges, resourceNotFound } from './graph-error.js';
import { extensionFullName } from './seed.js';
import type { Application, ApplicationProps, ExtensionProperty, Tenant } from './tenant.js';

const DATA_TYPES = new Set(['Binary', 'Boolean', 'DateTime', 'Integer', 'LargeInteger', 'String']);
const TARGETS = new Set(['User', 'Group', 'AdministrativeUnit', 'Application', 'Device', 'Organization']);

/**
 * With only Application.ReadWrite.OwnedBy a caller reaches the applications it owns: those it
 * created (it became their owner) and — the emulator models no other owners — its own
 * registration (same appId, our assumption).
 */
export function checkAccess(caller: Caller, app: Application, all: readonly string[]): void {
  const full = all.filter((p) => p !== 'Application.ReadWrite.OwnedBy');
  if (hasAny(caller, full)) return;
  const appId = caller.appId?.toLowerCase();
  const owns = appId !== undefined && (appId === app.appId.toLowerCase() || app.ownerAppIds.some((o) => o.toLowerCase() === appId));
  if (caller.permissions.has('Application.ReadWrite.OwnedBy') && owns) return;
  throw insufficientPrivileges();
}

/** Key forms of `/applications`: `{id}`, `(appId='…')` (application-get.md), `(uniqueName='…')` (application-upsert.md). */
export type ApplicationKey = { id: string } | { appId: string } | { uniqueName: string };

function keyText(key: ApplicationKey): string {
  return 'id' in key ? key.id : 'appId' in key ? `appId='${key.appId}'` : `uniqueName='${key.uniqueName}'`;
}

/** The application a key names in the true state (soft-deleted ones too), ignoring the lag. */
export function applicationByKey(tenant: Tenant, key: ApplicationKey): Application | undefined {
  if ('uniqueName' in key) return tenant.applicationByUniqueName(key.uniqueName);
  if ('id' in key) return tenant.applicationById(key.id);
  const appId = key.appId.toLowerCase();
  return tenant.applications.find((a) => a.appId.toLowerCase() === appId && a.props.deletedDateTime === null);
}

/**
 * The application a reader reaches through the key, with its lagged properties: 404 while its
 * creation replicates (as for users, microsoft-graph-docs #15839) and once it is (seen as) deleted.
 */
export function findApplication(ctx: HandlerContext, key: ApplicationKey): { app: Application; props: ApplicationProps } {
  const app = applicationByKey(ctx.tenant, key);
  const props = app ? ctx.tenant.visibleApplication(app) : undefined;
  if (!app || !props || props.deletedDateTime !== null) throw resourceNotFound(keyText(key));
  return { app, props };
}

/** An application as Graph returns it (a subset of the application-upsert.md example's properties). */
export function applicationJson(app: Application, props: ApplicationProps): Record<string, unknown> {
  return {
    id: app.id,
    deletedDateTime: props.deletedDateTime,
    appId: app.appId,
    createdDateTime: app.createdDateTime,
    description: props.description,
    displayName: props.displayName,
    notes: props.notes,
    signInAudience: 'AzureADMyOrg',
    uniqueName: props.uniqueName,
  };
}

/** `$select` over an object's properties, matched case-insensitively like Graph. */
export function selectProperties(ctx: HandlerContext, full: Record<string, unknown>, type: string): Record<string, unknown> {
  const selectRaw = ctx.query.get('$select');
  if (selectRaw === undefined) return full;
  const body: Record<string, unknown> = {};
  for (const name of selectRaw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const k = Object.keys(full).find((x) => x.toLowerCase() === name.toLowerCase());
    if (!k) throw badRequest(`Could not find a property named '${name}' on type 'Microsoft.DirectoryServices.${type}'.`);
    body[k] = full[k];
  }
  return body;
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

export function getApplication(ctx: HandlerContext, key: ApplicationKey): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.readApplications);
  ctx.query.allowOnly(['$select']);
  const { app, props } = findApplication(ctx, key);
  checkAccess(ctx.caller, app, PERMISSIONS.readApplications);
  const body = selectProperties(ctx, applicationJson(app, props), 'Application');
  return { status: 200, body: { '@odata.context': metadata(ctx, 'applications/$entity'), ...body } };
}

export function listExtensionProperties(ctx: HandlerContext, key: ApplicationKey): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.readApplications);
  ctx.query.allowOnly([]);
  const { app } = findApplication(ctx, key);
  checkAccess(ctx.caller, app, PERMISSIONS.readApplications);
  return {
    status: 200,
    body: {
      '@odata.context': metadata(ctx, `applications('${app.id}')/extensionProperties`),
      value: app.extensionProperties.map(extensionJson),
    },
  };
}

export function createExtensionProperty(ctx: HandlerContext, key: ApplicationKey): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.writeApplications);
  const { app } = findApplication(ctx, key);
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
