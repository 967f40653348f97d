/**
 * A tenant snapshot in the emulator's seed format (src/emulator/seed.ts, validated there on
 * load): the users planning reads, their state markers, the directory role assignments of those
 * users, the app registration holding the marker's directory extension, and fake tokens.
 * Pure: the reading is done by read-snapshot.ts. Only what planning reads is kept (with the
 * lifecycle fields accountEnabled, createdDateTime and sponsors, as object ids of other seed
 * users): no group memberships, no sign-in data, no identities; a rehearsal plan needs none.
 */
import { createHash } from 'node:crypto';
import type { MarkerProperty } from '../graph/marker-property.js';
import { USER_FIELDS } from '../graph/observe.js';
import { sponsorIdsOf } from '../graph/observe-lifecycle.js';
import { rehearsalTokens, type SnapshotToken } from './snapshot-tokens.js';

/** Placeholder tenant id: Graph tells it only in token claims, and the emulator only echoes it. */
export const SNAPSHOT_TENANT_ID = '00000000-0000-4000-8000-000000000000';

export interface SnapshotRoleAssignment {
  readonly id: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
}

export interface SnapshotInput {
  /** Users as Graph returned them with guestops' `$select` (guests, then declared extras). */
  readonly users: readonly Record<string, unknown>[];
  readonly marker: MarkerProperty | null;
  /** Display name of the app owning the marker extension, when known. */
  readonly markerAppName: string | null;
  /** All role assignments read, or null when they could not be read. */
  readonly roleAssignments: readonly SnapshotRoleAssignment[] | null;
  /** The signed-in user when the snapshot was taken with delegated credentials. */
  readonly me: Record<string, unknown> | null;
  readonly takenAt: string;
  readonly callerKind: 'app' | 'delegated';
}

/**
 * The version of the emulator's seed format this writes (SEED_FORMAT_VERSION of
 * src/emulator/seed.ts, which the core may not import; the snapshot test loads the output there).
 */
export const SEED_FORMAT_VERSION = 1;

export interface SnapshotSeed {
  readonly $comment: string;
  readonly formatVersion: typeof SEED_FORMAT_VERSION;
  readonly tenantId: string;
  readonly tenantDomain?: string;
  readonly applications: readonly {
    id: string;
    appId: string;
    displayName: string;
    extensionProperties: readonly { name: string; dataType: string; targetObjects: readonly string[] }[];
  }[];
  readonly users: readonly Record<string, unknown>[];
  readonly roleAssignments: readonly SnapshotRoleAssignment[];
  readonly tokens: Readonly<Record<string, SnapshotToken>>;
}

const EXTENSION = /^extension_([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})_/i;

/** `extension_{appId without dashes}_name` → the app's client id. */
export function extensionAppId(name: string): string | null {
  const m = EXTENSION.exec(name);
  return m ? `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}`.toLowerCase() : null;
}

/** A stable stand-in object id for the marker app (its real object id is not needed to plan). */
function appObjectId(appId: string): string {
  const h = createHash('sha256').update(`guestops-snapshot-app:${appId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The user as the emulator stores it: guestops' fields, the marker only when set, and the
 * sponsors (lower-cased ids) that are among `inSeed` — the seed may only name its own users.
 */
export function seedUser(raw: Record<string, unknown>, marker: MarkerProperty | null, inSeed?: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of USER_FIELDS) {
    const v = raw[f];
    if (v !== undefined) out[f] = f === 'otherMails' && !Array.isArray(v) ? [] : v;
  }
  if (marker) {
    const value = marker.read(raw);
    if (value !== null) Object.assign(out, marker.patch(value));
  }
  const sponsors = (sponsorIdsOf(raw) ?? []).map((id) => id.toLowerCase()).filter((id) => inSeed === undefined || inSeed.has(id));
  if (sponsors.length > 0) out['sponsors'] = [...new Set(sponsors)];
  return out;
}

function tenantDomainOf(users: readonly Record<string, unknown>[]): string | undefined {
  const counts = new Map<string, number>();
  for (const u of users) {
    const upn = u['userPrincipalName'];
    if (typeof upn !== 'string' || !upn.includes('#EXT#@')) continue;
    const d = upn.slice(upn.lastIndexOf('@') + 1).toLowerCase();
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}

export function buildSnapshotSeed(input: SnapshotInput): SnapshotSeed {
  const seen = new Set<string>();
  const raws: Record<string, unknown>[] = [];
  for (const raw of [...input.users, ...(input.me ? [input.me] : [])]) {
    const id = String(raw['id']).toLowerCase();
    if (seen.has(id)) continue;
    seen.add(id);
    raws.push(raw);
  }
  const users = raws.map((raw) => seedUser(raw, input.marker, seen));
  const appId = input.marker ? extensionAppId(input.marker.name) : null;
  const applications = appId
    ? [{
        id: appObjectId(appId),
        appId,
        displayName: input.markerAppName ?? 'guestops-apply',
        extensionProperties: [{ name: input.marker!.name, dataType: 'String', targetObjects: ['User'] }],
      }]
    : [];
  const roles = (input.roleAssignments ?? []).filter((r) => seen.has(r.principalId.toLowerCase()));
  const adminUpn = input.me && typeof input.me['userPrincipalName'] === 'string' ? input.me['userPrincipalName'] : null;
  const notes = [
    `Snapshot of a tenant by 'guestops snapshot' at ${input.takenAt} (${input.callerKind} credentials), in the Graph emulator's seed format, for rehearsing offline: guestops emulator --seed FILE, then GUESTOPS_TOKEN=rehearsal-apply guestops plan|apply --graph-url URL.`,
    `${users.length} users (the guests, plus declared users that are not guests${adminUpn ? ' and the signed-in admin' : ''}), ${roles.length} directory role assignment(s) of those users.`,
    'Tokens are fake words only this emulator accepts: rehearsal-apply (app-only, apply permissions), rehearsal-plan (app-only, read)' +
      (adminUpn ? ', rehearsal-admin (delegated, as the signed-in admin).' : '.') +
      ' tenantId is a placeholder.',
  ];
  if (input.roleAssignments === null) {
    notes.push('Role assignments could not be read when the snapshot was taken: the rehearsal does not block app-only resets of role holders.');
  }
  if (!input.marker) notes.push('The tenant had no guestops state marker property yet: run guestops setup against the emulator first, or pass --marker-property extensionAttributeN.');
  const tenantDomain = tenantDomainOf(users);
  return {
    $comment: notes.join(' '),
    formatVersion: SEED_FORMAT_VERSION,
    tenantId: SNAPSHOT_TENANT_ID,
    ...(tenantDomain ? { tenantDomain } : {}),
    applications,
    users,
    roleAssignments: roles,
    tokens: rehearsalTokens(appId, adminUpn),
  };
}
