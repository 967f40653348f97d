/**
 * Where the state marker lives on a user. Two kinds:
 *   - a directory extension `extension_{appIdNoDashes}_guestopsState` (registered by
 *     `guestops setup`), a top-level user property;
 *   - `extensionAttribute1..15`, nested under `onPremisesExtensionAttributes` (for tenants that
 *     prefer not to register an extension; writable on cloud-only users, which B2B guests are).
 * Both come back in the bulk `GET /users?$select=...` — the reason open extensions are not used.
 */
import { GuestopsError } from '../errors.js';
import { toGraphError, type Graph } from './client.js';

export const MARKER_EXTENSION_NAME = 'guestopsState';
const EXTENSION_RE = /^extension_[0-9a-f]{32}_[A-Za-z0-9_]+$/i;
const ATTRIBUTE_RE = /^extensionAttribute([1-9]|1[0-5])$/;

export interface MarkerProperty {
  /** As configured: `extension_..._guestopsState` or `extensionAttributeN`. */
  readonly name: string;
  /** What goes into `$select`. */
  readonly select: string;
  /** Reads the raw marker string from a user object as Graph returned it. */
  read(user: Record<string, unknown>): string | null;
  /** The PATCH body fragment that stores `value` (null clears it). */
  patch(value: string | null): Record<string, unknown>;
}

export function markerProperty(name: string): MarkerProperty {
  const attr = ATTRIBUTE_RE.exec(name);
  if (attr) {
    return {
      name,
      select: 'onPremisesExtensionAttributes',
      read(user) {
        const bag = user['onPremisesExtensionAttributes'];
        const v = typeof bag === 'object' && bag !== null ? (bag as Record<string, unknown>)[name] : undefined;
        return typeof v === 'string' ? v : null;
      },
      patch: (value) => ({ onPremisesExtensionAttributes: { [name]: value } }),
    };
  }
  if (EXTENSION_RE.test(name)) {
    return {
      name,
      select: name,
      read(user) {
        const v = user[name];
        return typeof v === 'string' ? v : null;
      },
      patch: (value) => ({ [name]: value }),
    };
  }
  throw new GuestopsError(
    'marker-property-invalid',
    `marker property '${name}' is neither a directory extension (extension_<appIdWithoutDashes>_<name>) nor extensionAttribute1..15`,
  );
}

/**
 * `--marker-property` / GUESTOPS_MARKER_PROPERTY when given; otherwise the single directory
 * extension named `*_guestopsState` that the tenant knows (a read-only action; one request).
 */
export async function resolveMarkerProperty(graph: Graph, configured: string | undefined): Promise<MarkerProperty> {
  if (configured !== undefined && configured !== '') return markerProperty(configured);
  const r = await listExtensionProperties(graph);
  if (r.status === 403) {
    // A least-privilege plan identity (User.Read.All) may not list extensions: name it instead.
    throw new GuestopsError(
      'marker-property-discovery-denied',
      `this identity may not list directory extensions (request-id ${r.requestId ?? 'unknown'}); pass --marker-property or set GUESTOPS_MARKER_PROPERTY (e.g. extension_<apply app id without dashes>_${MARKER_EXTENSION_NAME}, as printed by 'guestops setup')`,
    );
  }
  if (r.status < 200 || r.status > 299) throw toGraphError(r);
  const names = markerExtensionNames(r.body);
  if (names.length === 0) {
    throw new GuestopsError(
      'marker-property-missing',
      `the tenant has no '${MARKER_EXTENSION_NAME}' directory extension to keep guestops' state marker: run 'guestops setup --app-id <apply app id>' once, or pass --marker-property extensionAttributeN`,
    );
  }
  if (names.length > 1) {
    throw new GuestopsError(
      'marker-property-ambiguous',
      `several '${MARKER_EXTENSION_NAME}' directory extensions exist (${names.join(', ')}): choose one with --marker-property or GUESTOPS_MARKER_PROPERTY`,
      { candidates: names },
    );
  }
  return markerProperty(names[0]!);
}

function listExtensionProperties(graph: Graph) {
  return graph.send<{ value?: { name?: string }[] }>({
    method: 'POST',
    path: '/directoryObjects/getAvailableExtensionProperties',
    body: { isSyncedFromOnPremises: false },
    idempotent: true, // a read: documented as an action, changes nothing
  });
}

function markerExtensionNames(body: { value?: { name?: string }[] } | null): string[] {
  const suffix = `_${MARKER_EXTENSION_NAME}`.toLowerCase();
  return (body?.value ?? [])
    .map((p) => p?.name)
    .filter((n): n is string => typeof n === 'string' && n.toLowerCase().endsWith(suffix) && EXTENSION_RE.test(n))
    .sort();
}

/** Whether the marker lives in one of `extensionAttribute1..15`. */
export function isAttributeProperty(p: MarkerProperty): boolean {
  return ATTRIBUTE_RE.test(p.name);
}

/** `extensionAttribute1..15`, but `except`. */
export function attributeMarkerProperties(except?: string): MarkerProperty[] {
  return Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`).filter((n) => n !== except).map(markerProperty);
}

/**
 * The other places a guestops marker may sit while `inUse` is an `extensionAttributeN`: the other
 * fourteen attributes (same `$select`), and the `*_guestopsState` directory extensions when this
 * identity may list them (when it may not, only the attributes are looked at). Markers found there
 * mean the guests were managed under another property: planning with `inUse` would adopt them
 * again. For a directory extension in use, the attributes are not added to the bulk list (fifteen
 * values on every guest): observe reads them only for the declared guests it finds unmarked
 * (attribute-markers.ts).
 */
export async function otherMarkerProperties(graph: Graph, inUse: MarkerProperty): Promise<MarkerProperty[]> {
  if (!isAttributeProperty(inUse)) return [];
  const r = await listExtensionProperties(graph);
  const extensions = r.status >= 200 && r.status < 300 ? markerExtensionNames(r.body) : [];
  return [...attributeMarkerProperties(inUse.name), ...extensions.map(markerProperty)];
}
