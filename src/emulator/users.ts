/**
 * `/users`, `/users/{id | userPrincipalName}` and `/me` (api-reference/v1.0/api/user-list.md,
 * user-get.md, user-update.md; query rules from concepts/aad-advanced-queries.md).
 */
import { PERMISSIONS, requireAny } from './auth.js';
import { jsonBody, metadata, type GraphResponse, type HandlerContext } from './context.js';
import { parseFilter, type FilterNode, type Literal } from './filter.js';
import { GraphError, badRequest, resourceNotFound, unsupportedQuery } from './graph-error.js';
import { checkMailUnique, checkSensitiveUpdate } from './directory-rules.js';
import { nextLink, pageSize, startPosition, takePage } from './paging.js';
import type { Tenant, UserData, UserRecord } from './tenant.js';
import {
  COLLECTION_PROPERTIES, DEFAULT_USER_PROPERTIES, READ_ONLY_PROPERTIES, USER_PROPERTIES, WRITABLE_STRINGS,
} from './user-properties.js';
import { EXPAND_PAGE_MAX, parseSponsorExpand, withExpandedSponsors } from './sponsors.js';
import { SIGN_IN_PAGE_MAX, checkSignInActivityAccess, selectsSignInActivity } from './sign-in-activity.js';

const ON_PREM_ATTRS = Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`);
const MAX_PAGE = 999;
const DEFAULT_PAGE = 100;

/** Graph's 400 for a property name the user type does not have (wording from Graph error reports). */
function noSuchProperty(name: string): GraphError {
  return badRequest(`Could not find a property named '${name}' on type 'Microsoft.DirectoryServices.User'.`);
}

/** Canonical name of a selectable property: declared property or registered directory extension. */
function canonicalProperty(tenant: Tenant, name: string): string | undefined {
  const lower = name.toLowerCase();
  return USER_PROPERTIES.get(lower) ?? tenant.extensions.get(lower)?.name;
}

export function parseSelect(ctx: HandlerContext): string[] | undefined {
  const raw = ctx.query.get('$select');
  if (raw === undefined) return undefined;
  const out: string[] = [];
  for (const piece of raw.split(',')) {
    const name = piece.trim();
    if (name === '') continue;
    const canonical = canonicalProperty(ctx.tenant, name);
    if (!canonical) throw noSuchProperty(name);
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out.length ? out : undefined;
}

function propertyValue(data: UserData, prop: string): unknown {
  const v = data[prop];
  if (prop === 'onPremisesExtensionAttributes') {
    const src = (v ?? {}) as Record<string, unknown>;
    return Object.fromEntries(ON_PREM_ATTRS.map((a) => [a, src[a] ?? null]));
  }
  if (v === undefined) return COLLECTION_PROPERTIES.has(prop) ? [] : null;
  // Copy containers so a response never aliases tenant state; primitives need no copy.
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x !== null ? { ...x } : x));
  if (typeof v === 'object' && v !== null) return structuredClone(v);
  return v;
}

/** A user as Graph returns it: the default property set, or exactly the `$select`ed properties. */
export function projectUser(data: UserData, select: readonly string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of select ?? DEFAULT_USER_PROPERTIES) out[p] = propertyValue(data, p);
  return out;
}

function contextFragment(select: readonly string[] | undefined): string {
  return select ? `users(${select.join(',')})` : 'users';
}

// ---------------------------------------------------------------------------------------------
// $filter

interface CompiledFilter {
  test(u: UserData): boolean;
  /** Candidate users from an index, ordered by position, when the filter pins them down. */
  lookup?: (t: Tenant) => UserRecord[];
}

type Op = 'eq' | 'in' | 'startswith' | 'endswith' | 'ne' | 'any' | 'null';

/**
 * Operators each property supports WITHOUT advanced query parameters (user.md property table and
 * aad-advanced-queries.md). `ne`, `not`, `endsWith`, `eq null` and onPremisesExtensionAttributes
 * need `ConsistencyLevel: eventual` + `$count=true`; then every listed property supports them.
 */
const BASIC: Record<string, readonly Op[]> = {
  id: ['eq', 'in'],
  userPrincipalName: ['eq', 'in', 'startswith'],
  mail: ['eq', 'in', 'startswith'],
  displayName: ['eq', 'in', 'startswith'],
  givenName: ['eq', 'in', 'startswith'],
  surname: ['eq', 'in', 'startswith'],
  mailNickname: ['eq', 'in', 'startswith'],
  userType: ['eq', 'in'],
  externalUserState: ['eq', 'in'],
  creationType: ['eq', 'in'],
  accountEnabled: ['eq'],
  otherMails: ['any'],
  proxyAddresses: ['any'],
  employeeId: ['eq', 'in', 'startswith'],
  companyName: ['eq', 'in', 'startswith'],
  department: ['eq', 'in', 'startswith'],
  jobTitle: ['eq', 'in', 'startswith'],
};
const ADVANCED_ONLY: readonly Op[] = ['ne', 'endswith', 'null'];

function unsupportedClause(prop: string): GraphError {
  // Wording from Graph's answer to `userType ne 'Member'` without advanced query parameters.
  return unsupportedQuery(`Unsupported or invalid query filter clause specified for property '${prop}' of resource 'User'.`);
}

function lowerLit(v: Literal): Literal {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

function equals(actual: unknown, expected: Literal): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (typeof actual === 'string' && typeof expected === 'string') return actual.toLowerCase() === expected.toLowerCase();
  return actual === expected;
}

class FilterCompiler {
  constructor(
    private readonly tenant: Tenant,
    private readonly advanced: boolean,
  ) {}

  /** Resolves a filter property to a reader; refuses unknown names and unsupported operators. */
  private property(name: string, op: Op): (u: UserData) => unknown {
    const onPrem = /^onPremisesExtensionAttributes\/(extensionAttribute(?:[1-9]|1[0-5]))$/i.exec(name);
    if (onPrem) {
      const attr = ON_PREM_ATTRS.find((a) => a.toLowerCase() === onPrem[1]!.toLowerCase())!;
      if (!this.advanced || op === 'any') throw unsupportedClause(`onPremisesExtensionAttributes/${attr}`);
      return (u) => (u['onPremisesExtensionAttributes'] as Record<string, unknown> | undefined)?.[attr] ?? null;
    }
    const ext = this.tenant.extensions.get(name.toLowerCase());
    if (ext) {
      // Directory extensions support eq (extensibility-overview.md: "filterable: yes").
      if (op !== 'eq' && op !== 'in' && !(this.advanced && ADVANCED_ONLY.includes(op))) throw unsupportedClause(ext.name);
      return (u) => u[ext.name] ?? null;
    }
    const canonical = USER_PROPERTIES.get(name.toLowerCase());
    if (!canonical) throw noSuchProperty(name);
    const ops = BASIC[canonical];
    if (!ops) throw unsupportedClause(canonical);
    const allowed = ops.includes(op) || (this.advanced && ADVANCED_ONLY.includes(op) && !ops.includes('any'));
    if (!allowed) throw unsupportedClause(canonical);
    return (u) => u[canonical];
  }

  compile(node: FilterNode): CompiledFilter {
    switch (node.kind) {
      case 'and': {
        const l = this.compile(node.left);
        const r = this.compile(node.right);
        const lookup = l.lookup ?? r.lookup;
        return { test: (u) => l.test(u) && r.test(u), ...(lookup ? { lookup } : {}) };
      }
      case 'or': {
        const l = this.compile(node.left);
        const r = this.compile(node.right);
        const ll = l.lookup;
        const rl = r.lookup;
        return {
          test: (u) => l.test(u) || r.test(u),
          ...(ll && rl ? { lookup: (t: Tenant) => union([ll(t), rl(t)]) } : {}),
        };
      }
      case 'not': {
        if (!this.advanced) throw unsupportedQuery("Operator 'not' is only supported with advanced query parameters (ConsistencyLevel: eventual and $count=true).");
        const inner = this.compile(node.expr);
        return { test: (u) => !inner.test(u) };
      }
      case 'cmp': {
        if (node.op !== 'eq' && node.op !== 'ne') throw unsupportedClause(node.prop);
        const op: Op = node.op === 'ne' ? 'ne' : node.value === null ? 'null' : 'eq';
        const read = this.property(node.prop, op);
        const expected = node.value;
        const eq: CompiledFilter = { test: (u) => equals(read(u), expected) };
        if (node.op === 'ne') return { test: (u) => !eq.test(u) };
        const lookup = typeof expected === 'string' ? this.indexLookup(node.prop, [expected]) : undefined;
        return lookup ? { ...eq, lookup } : eq;
      }
      case 'in': {
        const read = this.property(node.prop, 'in');
        const wanted = new Set(node.values.map(lowerLit));
        if (node.values.length > 15) {
          // aad-advanced-queries / filter docs: `in` on directory objects is limited to 15 values.
          throw badRequest('Too many values in the in operator (maximum 15).');
        }
        const test = (u: UserData): boolean => {
          const v = read(u);
          return wanted.has(typeof v === 'string' ? v.toLowerCase() : (v as Literal));
        };
        const strings = node.values.filter((v): v is string => typeof v === 'string');
        const lookup = strings.length === node.values.length ? this.indexLookup(node.prop, strings) : undefined;
        return lookup ? { test, lookup } : { test };
      }
      case 'func': {
        const read = this.property(node.prop, node.name);
        const needle = node.value.toLowerCase();
        if (node.name !== 'startswith') return { test: (u) => { const v = read(u); return typeof v === 'string' && v.toLowerCase().endsWith(needle); } };
        const test = (u: UserData): boolean => { const v = read(u); return typeof v === 'string' && v.toLowerCase().startsWith(needle); };
        // A UPN prefix narrows the candidates to one first-character bucket (the test still decides).
        return node.prop.toLowerCase() === 'userprincipalname' && needle !== ''
          ? { test, lookup: (t) => [...t.usersByUpnFirstCharacter(node.value)] }
          : { test };
      }
      case 'any': {
        const read = this.property(node.prop, 'any');
        const body = node.body;
        // Lambda body: `x eq '...'` or `startswith(x,'...')` on the range variable.
        let inner: (s: string) => boolean;
        let lookup: ((t: Tenant) => UserRecord[]) | undefined;
        if (body.kind === 'cmp' && body.op === 'eq' && body.prop === node.variable && typeof body.value === 'string') {
          const v = body.value.toLowerCase();
          inner = (s) => s.toLowerCase() === v;
          // The address owner lookups plan sends (`otherMails/any(m:m eq …) or …`, 15 at a time)
          // take their candidates from the otherMails index instead of scanning every user.
          if (node.prop.toLowerCase() === 'othermails') {
            const address = body.value;
            lookup = (t) => union([t.usersByOtherMail(address)]);
          }
        } else if (body.kind === 'func' && body.name === 'startswith' && body.prop === node.variable) {
          const v = body.value.toLowerCase();
          inner = (s) => s.toLowerCase().startsWith(v);
        } else {
          throw unsupportedClause(node.prop);
        }
        const test = (u: UserData): boolean => {
          const arr = read(u);
          return Array.isArray(arr) && arr.some((s) => typeof s === 'string' && inner(s));
        };
        return lookup ? { test, lookup } : { test };
      }
    }
  }

  private indexLookup(prop: string, values: readonly string[]): ((t: Tenant) => UserRecord[]) | undefined {
    const p = prop.toLowerCase();
    if (p === 'id') return (t) => union(values.map((v) => (t.userById(v) ? [t.userById(v)!] : [])));
    if (p === 'userprincipalname') return (t) => union(values.map((v) => (t.userByUpn(v) ? [t.userByUpn(v)!] : [])));
    if (p === 'mail') return (t) => union(values.map((v) => [...t.usersByMail(v)]));
    return undefined;
  }
}

function union(lists: readonly (readonly UserRecord[])[]): UserRecord[] {
  const seen = new Set<UserRecord>();
  for (const l of lists) for (const r of l) seen.add(r);
  return [...seen].sort((a, b) => a.pos - b.pos);
}

// ---------------------------------------------------------------------------------------------
// handlers

function isEventual(ctx: HandlerContext): boolean {
  return (ctx.headers['consistencylevel'] ?? '').toLowerCase() === 'eventual';
}

/** `$count`, `$search`, `$skip`, `$orderby`, `$expand`: refused as Graph does, or as a documented gap. */
function checkAdvancedOptions(ctx: HandlerContext): { advanced: boolean; count: boolean } {
  const q = ctx.query;
  const eventual = isEventual(ctx);
  const countRaw = q.get('$count');
  if (countRaw !== undefined && countRaw !== 'true' && countRaw !== 'false') {
    throw badRequest(`Invalid value '${countRaw}' for $count: expected true or false.`);
  }
  const count = countRaw === 'true';
  if (count && !eventual) {
    // Graph's answer to $count on directory objects without the header (quoted in Graph docs issues).
    throw badRequest('$count is not currently supported.');
  }
  if (q.has('$search')) {
    if (!eventual) {
      throw unsupportedQuery("Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
    }
    throw unsupportedQuery('$search is not implemented by the Graph emulator.');
  }
  if (q.has('$skip')) {
    // Directory objects do not support $skip; paging is by $skiptoken only (graph/paging).
    throw badRequest("'$skip' is not supported by the service.");
  }
  if (q.has('$orderby')) throw unsupportedQuery('$orderby is not implemented by the Graph emulator.');
  return { advanced: eventual && count, count };
}

/**
 * Reads users through the replication lag (replication.ts): each user's lagged view is computed
 * once per request, so a request counts each stale object once.
 */
function laggedReader(tenant: Tenant): (r: UserRecord) => UserData | undefined {
  const memo = new Map<UserRecord, UserData | undefined>();
  return (r) => {
    if (memo.has(r)) return memo.get(r);
    const v = tenant.visibleUser(r);
    if (v !== r.data) memo.set(r, v);
    return v;
  };
}

/**
 * Index lookups find users by their TRUE values; a lagging user may still match by its old ones,
 * so the few lagging users join the candidates and the test runs on each one's lagged view.
 */
function withLagging(tenant: Tenant, candidates: UserRecord[] | undefined): UserRecord[] | undefined {
  if (!candidates) return undefined;
  const lagging = tenant.laggingUsers();
  return lagging.length ? union([candidates, lagging]) : candidates;
}

export function listUsers(ctx: HandlerContext): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.readUsers);
  ctx.query.allowOnly(['$select', '$top', '$filter', '$skiptoken', '$count', '$search', '$skip', '$orderby', '$expand', '$format']);
  const { advanced, count } = checkAdvancedOptions(ctx);
  const select = parseSelect(ctx);
  const expand = parseSponsorExpand(ctx);
  checkSignInActivityAccess(ctx, select);
  // $top is still checked against 999; an expansion or signInActivity then caps the page.
  const asked = pageSize(ctx.query, MAX_PAGE, DEFAULT_PAGE);
  const top = Math.min(asked, expand ? EXPAND_PAGE_MAX : asked, selectsSignInActivity(select) ? SIGN_IN_PAGE_MAX : asked);
  const filterText = ctx.query.get('$filter');
  const filter = filterText === undefined ? undefined : new FilterCompiler(ctx.tenant, advanced).compile(parseFilter(filterText));
  const start = startPosition(ctx.query);
  const candidates = withLagging(ctx.tenant, filter?.lookup?.(ctx.tenant));
  const view = laggedReader(ctx.tenant);
  const test = (r: UserRecord): boolean => {
    const d = view(r);
    return d !== undefined && (!filter || filter.test(d));
  };
  const { page, nextPos } = candidates
    ? takePage(candidates, start, top, test, false)
    : takePage(ctx.tenant.users, start, top, test, true);
  const body: Record<string, unknown> = { '@odata.context': metadata(ctx, contextFragment(select)) };
  if (count) body['@odata.count'] = (candidates ?? ctx.tenant.users).filter(test).length;
  if (nextPos !== undefined) body['@odata.nextLink'] = nextLink(ctx, nextPos);
  body['value'] = page.map((r) => {
    const d = view(r)!;
    return expand ? withExpandedSponsors(ctx.tenant, d, projectUser(d, select), expand) : projectUser(d, select);
  });
  return { status: 200, body };
}

/** `GET /users/$count` (text/plain), which Graph only answers with ConsistencyLevel: eventual. */
export function countUsers(ctx: HandlerContext): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.readUsers);
  ctx.query.allowOnly(['$filter']);
  if (!isEventual(ctx)) {
    throw unsupportedQuery(
      "Raw count (/$count) is not supported because the 'ConsistencyLevel:eventual' header is missing. Refer to https://aka.ms/graph-docs/advanced-queries for more information",
    );
  }
  const filterText = ctx.query.get('$filter');
  const filter = filterText === undefined ? undefined : new FilterCompiler(ctx.tenant, true).compile(parseFilter(filterText));
  const view = laggedReader(ctx.tenant);
  const n = ctx.tenant.users.filter((r) => {
    const d = view(r);
    return d !== undefined && (!filter || filter.test(d));
  }).length;
  return { status: 200, text: String(n) };
}

/**
 * The user a reader reaches by id or UPN, with its lagged view. A user still replicating its
 * creation answers 404 like a missing one — to a PATCH too (microsoft-graph-docs #15839).
 */
export function findVisibleUser(tenant: Tenant, key: string): { rec: UserRecord; view: UserData } {
  const rec = tenant.userByKey(key);
  const view = rec ? tenant.visibleUser(rec) : undefined;
  if (!rec || !view) throw resourceNotFound(key);
  return { rec, view };
}

export function getUser(ctx: HandlerContext, key: string): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.readUsers);
  ctx.query.allowOnly(['$select', '$expand', '$format']);
  const expand = parseSponsorExpand(ctx);
  const select = parseSelect(ctx);
  const { rec, view } = findVisibleUser(ctx.tenant, key);
  checkSignInActivityAccess(ctx, select, rec.data.id.toLowerCase() !== key.toLowerCase());
  const projected = projectUser(view, select);
  return {
    status: 200,
    body: { '@odata.context': metadata(ctx, `${contextFragment(select)}/$entity`), ...(expand ? withExpandedSponsors(ctx.tenant, view, projected, expand) : projected) },
  };
}

export function getMe(ctx: HandlerContext): GraphResponse {
  if (ctx.caller.kind !== 'delegated') {
    // Graph's answer to /me with an app-only token (400 BadRequest, quoted in Graph SDK issues).
    throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  }
  ctx.query.allowOnly(['$select', '$format']);
  const select = parseSelect(ctx);
  const { view } = findVisibleUser(ctx.tenant, ctx.caller.upn ?? '');
  return {
    status: 200,
    body: { '@odata.context': metadata(ctx, `${contextFragment(select)}/$entity`), ...projectUser(view, select) },
  };
}

// ---------------------------------------------------------------------------------------------
// PATCH

/** Wording of Graph's 400 for a value of the wrong type or size (directory error reports; guess for size). */
function invalidValue(prop: string, why?: string): GraphError {
  return badRequest(`Invalid value specified for property '${prop}' of resource 'User'.${why ? ` ${why}` : ''}`);
}

function checkString(prop: string, v: unknown, max: number, nullable = true): string | null {
  if (v === null && nullable) return null;
  if (typeof v !== 'string') throw invalidValue(prop);
  if (v.length > max) throw invalidValue(prop, `The value is ${v.length} characters; the maximum is ${max}.`);
  return v;
}

function checkExtensionValue(name: string, dataType: string, v: unknown): unknown {
  if (v === null) return null;
  switch (dataType) {
    case 'String':
      // Directory extension String values hold at most 256 characters (extensionProperty.md).
      return checkString(name, v, 256);
    case 'Boolean':
      if (typeof v !== 'boolean') throw invalidValue(name);
      return v;
    case 'Integer':
      if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > 2 ** 31) throw invalidValue(name);
      return v;
    case 'LargeInteger':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidValue(name);
      return v;
    case 'DateTime':
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw invalidValue(name);
      return v;
    default:
      if (typeof v !== 'string' || v.length > 256) throw invalidValue(name);
      return v;
  }
}

/** Validates a PATCH body completely before anything is written: all or nothing. */
function validatePatch(ctx: HandlerContext, rec: UserRecord, body: Record<string, unknown>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith('@odata.')) continue;
    const ext = ctx.tenant.extensions.get(key.toLowerCase());
    if (ext) {
      if (!ext.targetObjects.includes('User')) throw badRequest(`Property '${key}' does not apply to objects of type 'User'.`);
      changes[ext.name] = checkExtensionValue(ext.name, ext.dataType, value);
      continue;
    }
    const prop = USER_PROPERTIES.get(key.toLowerCase());
    if (!prop) {
      // AAD's wording for an unknown property in a write payload (seen in Graph error reports).
      throw badRequest(`Property '${key}' does not exist as a declared property or extension property.`);
    }
    if (READ_ONLY_PROPERTIES.has(prop)) throw badRequest(`Property '${prop}' is read-only and cannot be set.`);
    if (prop === 'otherMails') {
      // user.md: otherMails holds up to 250 values of up to 250 characters each.
      if (!Array.isArray(value) || value.some((m) => typeof m !== 'string')) throw invalidValue(prop);
      if (value.length > 250) throw invalidValue(prop, `${value.length} values; the maximum is 250.`);
      for (const m of value as string[]) checkString(prop, m, 250, false);
      changes[prop] = [...(value as string[])];
    } else if (prop === 'onPremisesExtensionAttributes') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidValue(prop);
      if (rec.data['onPremisesSyncEnabled'] === true) {
        // Real wording for writing a synced user's on-premises-mastered attributes.
        throw badRequest('Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.');
      }
      const merged = { ...((rec.data['onPremisesExtensionAttributes'] ?? {}) as Record<string, unknown>) };
      for (const [k, v] of Object.entries(value)) {
        const attr = ON_PREM_ATTRS.find((a) => a.toLowerCase() === k.toLowerCase());
        if (!attr) throw badRequest(`Property '${k}' does not exist as a declared property or extension property.`);
        // user.md / onPremisesExtensionAttributes.md: each attribute up to 1024 characters.
        merged[attr] = checkString(`onPremisesExtensionAttributes.${attr}`, v, 1024);
      }
      changes[prop] = merged;
    } else if (prop === 'accountEnabled' || prop === 'showInAddressList') {
      if (typeof value !== 'boolean') throw invalidValue(prop);
      changes[prop] = value;
    } else if (prop === 'businessPhones' || prop === 'interests' || prop === 'pastProjects' || prop === 'responsibilities' || prop === 'schools' || prop === 'skills') {
      if (!Array.isArray(value) || value.some((m) => typeof m !== 'string')) throw invalidValue(prop);
      changes[prop] = [...(value as string[])];
    } else if (prop === 'identities' || prop === 'passwordProfile' || prop === 'employeeOrgData') {
      if (typeof value !== 'object' || value === null) throw invalidValue(prop);
      changes[prop] = structuredClone(value);
    } else if (WRITABLE_STRINGS.has(prop)) {
      const s = checkString(prop, value, prop === 'displayName' ? 256 : 1024, prop !== 'userPrincipalName' && prop !== 'displayName');
      if (prop === 'userType' && s !== 'Guest' && s !== 'Member') throw invalidValue(prop);
      if (prop === 'userPrincipalName') {
        const other = ctx.tenant.userByUpn(s!);
        if (other && other !== rec) throw badRequest('Another object with the same value for property userPrincipalName already exists.');
      }
      if (prop === 'mail') checkMailUnique(ctx.tenant, rec, s);
      changes[prop] = s;
    } else {
      throw badRequest(`Property '${prop}' cannot be updated by the Graph emulator.`);
    }
  }
  return changes;
}

export function patchUser(ctx: HandlerContext, key: string): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.writeUsers);
  // Found through the lag (404 while its creation replicates); the write applies to the truth.
  const { rec } = findVisibleUser(ctx.tenant, key);
  const body = jsonBody(ctx);
  const changes = validatePatch(ctx, rec, body);
  checkSensitiveUpdate(ctx.tenant, ctx.caller, rec.data, Object.keys(changes));
  ctx.tenant.updateUser(rec, changes);
  return { status: 204 };
}
