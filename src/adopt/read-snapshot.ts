/**
 * Reads what a snapshot holds, through src/graph only and with reads only:
 *   GET /me (tells delegated from app-only, and who the admin is), the marker property,
 *   the guests with their sponsors expanded (Graph pages a list with $expand by 100, and shows
 *   at most 20 sponsors of each: a guest showing 20 is read in full, observe-lifecycle.ts),
 *   targeted reads of declared users that are not guests (so a plan that blocks a declared
 *   member blocks it in the rehearsal too), the sponsors themselves (the seed refuses a sponsor
 *   that is not one of its users; a plan resolves declared sponsors against them), 20 per
 *   `$batch`, and the directory role assignments (app-only resets of role holders are refused
 *   by Graph).
 */
import type { DesiredState } from '../desired/types.js';
import { isGuestopsError } from '../errors.js';
import type { Graph } from '../graph/client.js';
import { GraphError } from '../graph/graph-error.js';
import { listGuests, type GuestPageProgress } from '../graph/guest-listing.js';
import { USER_FIELDS, detectCaller, userSelect } from '../graph/observe.js';
import { findUsersByMail, getUser } from '../graph/users.js';
import { listAll } from '../graph/paging.js';
import { batchGet } from '../graph/batch.js';
import { SPONSOR_EXPAND, completeSponsors, sponsorIdsOf } from '../graph/observe-lifecycle.js';
import { userSegment } from '../graph/odata.js';
import { withQuery } from '../graph/odata.js';
import { markerPropertyIfAny } from './marker-lookup.js';
import type { SnapshotInput, SnapshotRoleAssignment } from './snapshot-seed.js';

export interface ReadSnapshotOptions {
  readonly markerProperty: string | undefined;
  /** The declared guests, when a guests/ tree exists. */
  readonly desired: DesiredState | null;
  readonly onPage?: (p: GuestPageProgress) => void;
  readonly onWarning?: (text: string) => void;
  readonly now?: () => Date;
}

export async function readSnapshot(graph: Graph, options: ReadSnapshotOptions): Promise<SnapshotInput> {
  const caller = await detectCaller(graph);
  const marker = await markerPropertyIfAny(graph, options.markerProperty);
  const select = marker ? userSelect(marker).split(',') : [...USER_FIELDS];
  const listed = await listGuests(graph, { select, expand: SPONSOR_EXPAND, ...(options.onPage ? { onPage: options.onPage } : {}) });
  await completeSponsors(graph, listed.users);
  const users = [...listed.users];

  const ids = new Set<string>();
  const upns = new Set<string>();
  const addresses = new Set<string>();
  const remember = (u: Record<string, unknown>) => {
    if (typeof u['id'] === 'string') ids.add(u['id'].toLowerCase());
    if (typeof u['userPrincipalName'] === 'string') upns.add(u['userPrincipalName'].toLowerCase());
    for (const a of [u['mail'], ...(Array.isArray(u['otherMails']) ? u['otherMails'] : [])]) if (typeof a === 'string') addresses.add(a.trim().toLowerCase());
  };
  users.forEach(remember);
  const markerForReads = marker ?? { name: '', select: USER_FIELDS[0], read: () => null, patch: () => ({}) };
  for (const g of options.desired?.guests ?? []) {
    if (g.id !== undefined ? ids.has(g.id.toLowerCase()) : g.upn !== undefined ? upns.has(g.upn.toLowerCase()) : addresses.has(g.email.trim().toLowerCase())) continue;
    if (g.id !== undefined || g.upn !== undefined) {
      const r = await getUser(graph, (g.id ?? g.upn)!, markerForReads);
      if (r.status !== 404 && r.body) {
        users.push(r.body);
        remember(r.body);
      }
    } else {
      const r = await findUsersByMail(graph, g.email, markerForReads);
      for (const u of r.body?.value ?? []) {
        users.push(u);
        remember(u);
      }
    }
  }

  // Sponsors that are not in the snapshot yet (members, mostly): read once each.
  const missing = [...new Set(users.flatMap((u) => sponsorIdsOf(u) ?? []).map((id) => id.toLowerCase()))].filter((id) => !ids.has(id));
  if (missing.length > 0) {
    const results = await batchGet(graph, missing.map((id) => ({ url: withQuery(`/users/${userSegment(id)}`, { $select: select.join(',') }) })));
    results.forEach((r, i) => {
      const body = r.body as Record<string, unknown> | null;
      if (r.status >= 200 && r.status < 300 && body && typeof body['id'] === 'string') {
        users.push(body);
        remember(body);
      } else {
        options.onWarning?.(`sponsor ${missing[i]} is not a user guestops can read (a group, or deleted: Graph answered ${r.status}); the snapshot leaves it out of its guests' sponsors`);
      }
    });
  }

  let me: Record<string, unknown> | null = null;
  if (caller.kind === 'delegated') {
    const r = await graph.call<Record<string, unknown>>({ method: 'GET', path: withQuery('/me', { $select: select.join(',') }) });
    me = r.body;
  }

  let roleAssignments: SnapshotRoleAssignment[] | null;
  try {
    const roles = await listAll<Partial<SnapshotRoleAssignment>>(
      graph,
      withQuery('/roleManagement/directory/roleAssignments', { $select: 'id,principalId,roleDefinitionId,directoryScopeId' }),
    );
    roleAssignments = roles
      .filter((r) => typeof r.principalId === 'string' && typeof r.roleDefinitionId === 'string')
      .map((r, i) => ({ id: typeof r.id === 'string' && r.id !== '' ? r.id : `assignment-${i + 1}`, principalId: r.principalId!, roleDefinitionId: r.roleDefinitionId!, directoryScopeId: r.directoryScopeId ?? '/' }));
  } catch (e) {
    if (!(e instanceof GraphError) || (e.status !== 403 && e.status !== 401)) throw e;
    options.onWarning?.(`cannot read directory role assignments (${e.message}); the snapshot has none, so the rehearsal will not block app-only resets of role holders. Grant RoleManagement.Read.Directory to read them.`);
    roleAssignments = null;
  }

  let markerAppName: string | null = null;
  if (marker) {
    try {
      const r = await graph.call<{ value?: { name?: string; appDisplayName?: string }[] }>({
        method: 'POST',
        path: '/directoryObjects/getAvailableExtensionProperties',
        body: { isSyncedFromOnPremises: false },
        idempotent: true,
      });
      markerAppName = r.body?.value?.find((p) => p.name?.toLowerCase() === marker.name.toLowerCase())?.appDisplayName ?? null;
    } catch (e) {
      if (!isGuestopsError(e)) throw e;
      // Only a display name for the rehearsal's app registration: not worth failing for.
    }
  }
  return {
    users,
    marker,
    markerAppName,
    roleAssignments,
    me,
    takenAt: (options.now?.() ?? new Date()).toISOString(),
    callerKind: caller.kind,
  };
}
