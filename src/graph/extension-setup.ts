/**
 * Registers the marker's directory extension on an application, idempotently:
 * `GET /applications(appId='...')` → `GET .../extensionProperties` → `POST` only when missing.
 */
import { GuestopsError } from '../errors.js';
import { toGraphError, type Graph } from './client.js';
import { odataString } from './odata.js';

export interface SetupResult {
  readonly property: string;
  readonly created: boolean;
}

export function extensionPropertyName(appId: string, name: string): string {
  return `extension_${appId.replace(/-/g, '').toLowerCase()}_${name}`;
}

export async function registerMarkerExtension(graph: Graph, appId: string, name: string): Promise<SetupResult> {
  const app = await graph.send<{ id?: string }>({ method: 'GET', path: `/applications(appId=${encodeURIComponent(odataString(appId))})?$select=id,appId` });
  if (app.status === 404) {
    throw new GuestopsError('app-not-found', `no application with appId ${appId} in this tenant (request-id ${app.requestId ?? 'unknown'}): pass the application (client) id of the apply app registration`);
  }
  if (app.status < 200 || app.status > 299) throw toGraphError(app);
  const objectId = app.body?.id;
  if (typeof objectId !== 'string') throw new Error('Graph returned an application without id');
  const property = extensionPropertyName(appId, name);
  const list = await graph.call<{ value?: { name?: string }[] }>({ method: 'GET', path: `/applications/${encodeURIComponent(objectId)}/extensionProperties` });
  if ((list.body?.value ?? []).some((p) => p?.name?.toLowerCase() === property.toLowerCase())) return { property, created: false };
  const created = await graph.call<{ name?: string }>({
    method: 'POST',
    path: `/applications/${encodeURIComponent(objectId)}/extensionProperties`,
    body: { name, dataType: 'String', targetObjects: ['User'] },
  });
  return { property: typeof created.body?.name === 'string' ? created.body.name : property, created: true };
}
