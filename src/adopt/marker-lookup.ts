/**
 * The marker property for import: configured, discovered, or none. Unlike plan, import works on a
 * tenant where `guestops setup` never ran (the usual first day): then no guest can carry a marker
 * yet, every imported guest gets generation 0, and setup is still needed before apply.
 */
import { isGuestopsError } from '../errors.js';
import type { Graph } from '../graph/client.js';
import { resolveMarkerProperty, type MarkerProperty } from '../graph/marker-property.js';

export async function markerPropertyIfAny(graph: Graph, configured: string | undefined): Promise<MarkerProperty | null> {
  try {
    return await resolveMarkerProperty(graph, configured);
  } catch (e) {
    if (isGuestopsError(e) && e.code === 'marker-property-missing') return null;
    throw e;
  }
}
