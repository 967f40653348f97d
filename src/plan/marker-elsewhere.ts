/**
 * Markers in another property than the one in use stop the plan. A guest whose marker guestops
 * cannot see looks unmanaged: it would be adopted again, and what its marker records (the applied
 * generation and email, a pending intent) would be lost — a declared generation bump would turn
 * into "adopt (no reset)". That only happens when the marker property is set to another one than
 * the guests were managed with, so the plan refuses and names both.
 */
import { GuestopsError } from '../errors.js';
import type { ObservedTenant } from './observed.js';
import { parseMarker } from './marker.js';

export function checkMarkersElsewhere(observed: ObservedTenant): void {
  const e = observed.markersElsewhere;
  if (e === undefined) return;
  const found = e.found.filter((f) => parseMarker(f.raw).kind === 'ok');
  if (found.length === 0) return;
  const byProperty = new Map<string, string[]>();
  for (const f of found) byProperty.set(f.property, [...(byProperty.get(f.property) ?? []), f.id]);
  const [property, ids] = [...byProperty.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
  const where = [...byProperty.entries()].map(([p, list]) => `${list.length} in ${p}`).join(', ');
  throw new GuestopsError(
    'marker-property-mismatch',
    `${found.length} declared guest(s) carry guestops' state marker in another property than ${e.inUse}, the marker property in use (${where}; e.g. user ${ids[0]}): ` +
      `planning with ${e.inUse} would adopt them again and forget what their markers record (generation, email, pending resets). ` +
      `Use --marker-property ${property} (or GUESTOPS_MARKER_PROPERTY), or move the markers to ${e.inUse} first`,
    { inUse: e.inUse, found: Object.fromEntries(byProperty) },
  );
}
