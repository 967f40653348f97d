/**
 * Apply steps of the lifecycle actions. The account state is written in the SAME PATCH as the
 * profile and the state marker, so a crash leaves the guest either untouched or with both the new
 * `accountEnabled` and the marker's record of it (`disabledOn`, which is what later lets guestops
 * re-enable an account it disabled). Sponsors follow, one idempotent `$ref` request each; a
 * crash between them leaves a partial set that the next plan completes.
 */
import type { Action, UpdateSponsorsAction } from '../plan/types.js';
import type { Marker } from '../plan/marker.js';
import type { Graph } from '../graph/client.js';
import { addSponsor, removeSponsor } from '../graph/sponsors.js';
import type { StepRecorder } from './step-recorder.js';

/** `{accountEnabled}` for the guest's PATCH, or nothing. */
export function accountBody(actions: readonly Action[]): Record<string, unknown> {
  if (actions.some((a) => a.type === 'disable')) return { accountEnabled: false };
  if (actions.some((a) => a.type === 'enable')) return { accountEnabled: true };
  return {};
}

/** The marker with the account decision recorded, or undefined when the plan changes no account. */
export function markerWithAccount(base: Marker | undefined, actions: readonly Action[], now: Date): Marker | undefined {
  if (base === undefined) return undefined;
  if (actions.some((a) => a.type === 'disable')) return { ...base, disabledOn: now.toISOString().slice(0, 10) };
  if (actions.some((a) => a.type === 'enable')) {
    const { disabledOn: _gone, ...rest } = base;
    return rest;
  }
  return undefined;
}

export async function applySponsors(graph: Graph, rec: StepRecorder, userId: string, action: UpdateSponsorsAction | undefined): Promise<void> {
  if (!action) return;
  for (const s of action.add) {
    await rec.run('add-sponsor', { method: 'POST', path: `/users/${userId}/sponsors/$ref` }, () => addSponsor(graph, userId, s.id));
  }
  for (const id of action.remove) {
    await rec.run('remove-sponsor', { method: 'DELETE', path: `/users/${userId}/sponsors/${id}/$ref` }, () => removeSponsor(graph, userId, id));
  }
}
