/**
 * The emulator's seed: a JSON snapshot of a tenant (users as Graph v1.0 user resources, directory
 * role assignments, app registrations with their directory extensions, and the bearer tokens the
 * emulator accepts). Validated on load so a typo fails with the file and the field, not later with
 * a puzzling 404.
 */
import { readFileSync } from 'node:fs';
import { GuestopsError } from '../errors.js';
import { checkLifecycleFields } from './seed-lifecycle.js';
import { checkConsistencySettings, type ChangeTimeRule } from './replication.js';

export interface SeedExtensionProperty {
  /** Either the short name (`guestopsState`) or the full `extension_{appIdNoDashes}_{name}`. */
  readonly name: string;
  /** Graph dataType: String, Boolean, Integer, LargeInteger, DateTime, Binary. */
  readonly dataType: string;
  readonly targetObjects: readonly string[];
  readonly id?: string;
}

export interface SeedApplication {
  /** Object id (used in `/applications/{id}`). */
  readonly id: string;
  /** Application (client) id. */
  readonly appId: string;
  readonly displayName: string;
  /** Client-provided alternate key (application-upsert.md), unique in the tenant. */
  readonly uniqueName?: string;
  readonly extensionProperties?: readonly SeedExtensionProperty[];
}

/** A Graph v1.0 user resource, real property names, plus `extension_*` values. */
export type SeedUser = { readonly id: string; readonly userPrincipalName: string } & Record<string, unknown>;

export interface SeedRoleAssignment {
  readonly id?: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId?: string;
}

export interface SeedToken {
  readonly kind: 'app' | 'delegated';
  /** The calling app's client id (throttling is per app + tenant). */
  readonly appId?: string;
  /** Delegated callers: the signed-in user's UPN (what `/me` returns). */
  readonly upn?: string;
  /** Graph permission names (application roles or delegated scopes). */
  readonly permissions: readonly string[];
}

/** The seed format's own version (independent of guestops' version): what `snapshot` writes. */
export const SEED_FORMAT_VERSION = 1;

export interface Seed {
  /** Absent in hand-written seeds, which are read as version 1. */
  readonly formatVersion?: number;
  readonly tenantId: string;
  /** Initial domain used for new guests' UPNs; default: the domain of the seed users' UPNs. */
  readonly tenantDomain?: string;
  readonly applications?: readonly SeedApplication[];
  readonly users: readonly SeedUser[];
  readonly roleAssignments?: readonly SeedRoleAssignment[];
  readonly tokens: Readonly<Record<string, SeedToken>>;
  /** The tenant has a Microsoft Entra ID P1 licence (needed to read signInActivity). Default false. */
  readonly entraIdP1?: boolean;
  /** Replication lag in ms (replication.ts); default 0, strongly consistent. */
  readonly replicationLagMs?: number;
  /** Whether a reset of an already pending guest moves its change time; default `always`. */
  readonly changeTimeRule?: ChangeTimeRule;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXTENSION_DATA_TYPES = new Set(['String', 'Boolean', 'Integer', 'LargeInteger', 'DateTime', 'Binary']);

/** `extension_{appId without dashes}_{name}`: the name Graph gives a directory extension. */
export function extensionFullName(appId: string, name: string): string {
  return name.startsWith('extension_') ? name : `extension_${appId.replace(/-/g, '')}_${name}`;
}

export class SeedProblem extends Error {}

function fail(where: string, what: string): never {
  throw new SeedProblem(`${where}: ${what}`);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function str(o: Record<string, unknown>, key: string, where: string, opts: { guid?: boolean; optional?: boolean } = {}): void {
  const v = o[key];
  if (v === undefined && opts.optional) return;
  if (typeof v !== 'string' || v === '') fail(`${where}.${key}`, 'must be a non-empty string');
  if (opts.guid && !GUID.test(v)) fail(`${where}.${key}`, `must be a GUID, got ${JSON.stringify(v)}`);
}

/** Validates an already-parsed seed; throws `GuestopsError('emulator-seed-invalid')` naming the field. */
export function validateSeed(data: unknown, source = 'seed'): Seed {
  try {
    checkSeed(data);
    return data as Seed;
  } catch (e) {
    if (e instanceof SeedProblem) {
      throw new GuestopsError('emulator-seed-invalid', `${source}: ${e.message}`, { source });
    }
    throw e;
  }
}

function checkSeed(data: unknown): asserts data is Seed {
  if (!isObject(data)) fail('(root)', 'must be a JSON object');
  if (data['formatVersion'] !== undefined && data['formatVersion'] !== SEED_FORMAT_VERSION) {
    fail('(root).formatVersion', `must be ${SEED_FORMAT_VERSION} (the seed format this guestops reads), got ${JSON.stringify(data['formatVersion'])}`);
  }
  str(data, 'tenantId', '(root)', { guid: true });
  str(data, 'tenantDomain', '(root)', { optional: true });
  const consistency = checkConsistencySettings(data);
  if ('problem' in consistency) fail(consistency.field, consistency.problem);
  const extensionNames = new Map<string, string>();
  const apps = data['applications'] ?? [];
  if (!Array.isArray(apps)) fail('applications', 'must be an array');
  const uniqueNames = new Set<string>();
  apps.forEach((a: unknown, i: number) => {
    const w = `applications[${i}]`;
    if (!isObject(a)) fail(w, 'must be an object');
    str(a, 'id', w, { guid: true });
    str(a, 'appId', w, { guid: true });
    str(a, 'displayName', w);
    str(a, 'uniqueName', w, { optional: true });
    if (typeof a['uniqueName'] === 'string') {
      const key = a['uniqueName'].toLowerCase();
      if (uniqueNames.has(key)) fail(`${w}.uniqueName`, `duplicate uniqueName ${a['uniqueName']}`);
      uniqueNames.add(key);
    }
    const eps = a['extensionProperties'] ?? [];
    if (!Array.isArray(eps)) fail(`${w}.extensionProperties`, 'must be an array');
    eps.forEach((ep: unknown, j: number) => {
      const we = `${w}.extensionProperties[${j}]`;
      if (!isObject(ep)) fail(we, 'must be an object');
      str(ep, 'name', we);
      const full = extensionFullName(a['appId'] as string, ep['name'] as string);
      const prefix = `extension_${(a['appId'] as string).replace(/-/g, '')}_`;
      if (!full.startsWith(prefix) || full.length === prefix.length) {
        fail(`${we}.name`, `a full name must start with ${prefix} (the app's appId without dashes)`);
      }
      if (typeof ep['dataType'] !== 'string' || !EXTENSION_DATA_TYPES.has(ep['dataType'])) {
        fail(`${we}.dataType`, `must be one of ${[...EXTENSION_DATA_TYPES].join(', ')}`);
      }
      if (!Array.isArray(ep['targetObjects']) || ep['targetObjects'].some((t: unknown) => typeof t !== 'string')) {
        fail(`${we}.targetObjects`, 'must be an array of strings');
      }
      extensionNames.set(full.toLowerCase(), full);
    });
  });
  if (!Array.isArray(data['users'])) fail('users', 'must be an array');
  const ids = new Set<string>();
  const upns = new Set<string>();
  data['users'].forEach((u: unknown, i: number) => {
    const w = `users[${i}]`;
    if (!isObject(u)) fail(w, 'must be an object');
    str(u, 'id', w, { guid: true });
    str(u, 'userPrincipalName', w);
    const id = (u['id'] as string).toLowerCase();
    const upn = (u['userPrincipalName'] as string).toLowerCase();
    if (ids.has(id)) fail(`${w}.id`, `duplicate id ${u['id'] as string}`);
    if (upns.has(upn)) fail(`${w}.userPrincipalName`, `duplicate userPrincipalName ${u['userPrincipalName'] as string}`);
    ids.add(id);
    upns.add(upn);
    for (const key of ['mail', 'displayName', 'userType', 'creationType', 'externalUserState', 'externalUserStateChangeDateTime']) {
      const v = u[key];
      if (v !== undefined && v !== null && typeof v !== 'string') fail(`${w}.${key}`, 'must be a string or null');
    }
    if (u['userType'] !== undefined && u['userType'] !== null && u['userType'] !== 'Guest' && u['userType'] !== 'Member') {
      fail(`${w}.userType`, "must be 'Guest' or 'Member'");
    }
    const ext = u['externalUserStateChangeDateTime'];
    if (typeof ext === 'string' && Number.isNaN(Date.parse(ext))) fail(`${w}.externalUserStateChangeDateTime`, 'must be an ISO 8601 date-time');
    const om = u['otherMails'];
    if (om !== undefined && (!Array.isArray(om) || om.some((m: unknown) => typeof m !== 'string'))) {
      fail(`${w}.otherMails`, 'must be an array of strings');
    }
    const opx = u['onPremisesExtensionAttributes'];
    if (opx !== undefined && opx !== null) {
      if (!isObject(opx)) fail(`${w}.onPremisesExtensionAttributes`, 'must be an object');
      for (const [k, v] of Object.entries(opx)) {
        if (!/^extensionAttribute([1-9]|1[0-5])$/.test(k)) fail(`${w}.onPremisesExtensionAttributes.${k}`, 'is not extensionAttribute1..15');
        if (v !== null && typeof v !== 'string') fail(`${w}.onPremisesExtensionAttributes.${k}`, 'must be a string or null');
      }
    }
    for (const key of Object.keys(u)) {
      if (key.startsWith('extension_') && !extensionNames.has(key.toLowerCase())) {
        fail(`${w}.${key}`, 'is not a directory extension registered under applications[].extensionProperties');
      }
    }
  });
  checkLifecycleFields(data['users'] as Record<string, unknown>[], ids);
  if (data['entraIdP1'] !== undefined && typeof data['entraIdP1'] !== 'boolean') fail('entraIdP1', 'must be true or false');
  const ras = data['roleAssignments'] ?? [];
  if (!Array.isArray(ras)) fail('roleAssignments', 'must be an array');
  ras.forEach((r: unknown, i: number) => {
    const w = `roleAssignments[${i}]`;
    if (!isObject(r)) fail(w, 'must be an object');
    str(r, 'principalId', w, { guid: true });
    str(r, 'roleDefinitionId', w, { guid: true });
    str(r, 'id', w, { optional: true });
    str(r, 'directoryScopeId', w, { optional: true });
  });
  if (!isObject(data['tokens'])) fail('tokens', 'must be an object mapping bearer token strings to callers');
  for (const [token, c] of Object.entries(data['tokens'])) {
    const w = `tokens[${JSON.stringify(token)}]`;
    if (token === '' || /\s/.test(token)) fail(w, 'a token must be non-empty and contain no whitespace');
    if (!isObject(c)) fail(w, 'must be an object');
    if (c['kind'] !== 'app' && c['kind'] !== 'delegated') fail(`${w}.kind`, "must be 'app' or 'delegated'");
    str(c, 'appId', w, { optional: true });
    if (c['kind'] === 'delegated') str(c, 'upn', w);
    if (!Array.isArray(c['permissions']) || c['permissions'].some((p: unknown) => typeof p !== 'string')) {
      fail(`${w}.permissions`, 'must be an array of permission names');
    }
  }
}

/** Line and column (1-based) of a character offset, for JSON syntax errors. */
function lineCol(text: string, offset: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return `line ${line}, column ${col}`;
}

/** Reads and validates a seed file. */
export function loadSeedFile(path: string): Seed {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new GuestopsError('emulator-seed-unreadable', `${path}: cannot read seed: ${(e as Error).message}`, { path });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const where = m ? ` at ${lineCol(text, Number(m[1]))}` : '';
    throw new GuestopsError('emulator-seed-invalid', `${path}: not valid JSON${where}: ${msg}`, { path });
  }
  return validateSeed(data, path);
}

export function resolveSeed(seed: Seed | string): Seed {
  return typeof seed === 'string' ? loadSeedFile(seed) : validateSeed(structuredClone(seed));
}
