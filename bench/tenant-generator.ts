/**
 * Deterministic benchmark data: an emulator seed (the tenant) and the matching `guests/` tree,
 * generated together from one seeded PRNG so they always agree. The mix is what a real tenant
 * under guestops looks like on an ordinary day: almost every guest unchanged (state marker
 * present and matching), a few email changes, generation bumps, otherMails drift, adoptions of
 * guests not yet managed, and a handful of guests plan must block (an internal member, an id that
 * no longer exists, a role holder guestops' app-only credential may not reset). The tenant also
 * holds guests and members nobody declared: guestops must ignore them.
 *
 * `expected` is what `guestops plan` must report for the tree, so the benchmark refuses to time a
 * plan that computed something else.
 */
import type { Seed, SeedUser } from '../src/emulator/index.js';
import { emailHash, formatMarker } from '../src/plan/marker.js';
import { SeededRandom } from './seeded-random.js';

/** How many declared guests of each kind; the rest of `guests` are unchanged. */
export interface MixCounts {
  readonly emailChange: number;
  readonly generationBump: number;
  readonly otherMailsDrift: number;
  readonly adoption: number;
  /** Declared id of an internal Member: blocked (a reset would convert it to B2B). */
  readonly blockedMember: number;
  /** Declared id no user has (deleted guest): blocked. */
  readonly blockedNotFound: number;
  /** Guest holding a directory role whose email changed: blocked for app-only credentials. */
  readonly blockedRoleHolder: number;
  /** Guests in the tenant that guests/ does not declare. */
  readonly undeclaredGuests: number;
}

export interface ScenarioOptions {
  readonly guests: number;
  readonly mix: MixCounts;
  /** PRNG seed; the same value always yields the same tenant and files. */
  readonly seed?: number;
  /** Guests per YAML file (the last file takes the remainder). Default 50: 10,000 guests → 200 files. */
  readonly guestsPerFile?: number;
  /**
   * A partner renamed its email domain: this many more managed guests of one partner, all in one
   * file, declared with the new domain while the tenant (and their markers) still hold the old
   * one — each needs a profile update and a redemption reset.
   */
  readonly partnerMigration?: number;
  /**
   * Lifecycle data for the observation-cost measurement: every file's `defaults.sponsors` names
   * two of a pool of member sponsors (one by UPN, one by object id), one guest in 1,000 declares
   * 25 sponsors of its own (past the 20 Graph's $expand shows), the tenant holds those sponsors on
   * every guest but 1 % of the unchanged ones (each missing one: a sponsor update), every guest
   * has sign-in activity, and the tenant has Entra ID P1. Draws from its own PRNG, so the rest of
   * the scenario is the same with or without it.
   */
  readonly lifecycle?: boolean;
}

/** The partner of the domain-migration scenario: its old and new email domains. */
export const MIGRATING_PARTNER = { oldDomain: 'contoso-partner.example', newDomain: 'contoso-partner-group.example', file: 'partners/contoso-partner.yaml' } as const;

export interface ExpectedSummary {
  readonly resets: number;
  readonly profileUpdates: number;
  readonly adoptions: number;
  readonly blocked: number;
  readonly unchanged: number;
  /** Only in a lifecycle scenario. */
  readonly sponsorUpdates?: number;
}

export interface GuestFileText {
  /** Relative to the guests/ folder, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

export interface Scenario {
  readonly guests: number;
  readonly seed: Seed;
  readonly files: readonly GuestFileText[];
  readonly expected: ExpectedSummary;
  /** Read-only app token (what a plan job holds). */
  readonly planToken: string;
  /** Apply app token (User.ReadWrite.All + User.Invite.All). */
  readonly applyToken: string;
  /** Read-only token that may also read sign-in activity (AuditLog.Read.All); planToken may not. */
  readonly statusToken: string;
  readonly markerProperty: string;
  /** Every declared guest's identity, in file order (what a per-guest script iterates over). */
  readonly declared: readonly { readonly id?: string; readonly upn?: string }[];
}

export const TENANT_DOMAIN = 'benchcontoso.onmicrosoft.com';
const TENANT_ID = '5b1d0c7e-2f4a-4e6b-9c8d-0a1b2c3d4e5f';
const APPLY_APP = { id: '7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098', appId: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' };
const PLAN_APP_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const MARKER_PROPERTY = `extension_${APPLY_APP.appId.replace(/-/g, '')}_guestopsState`;
/** Helpdesk Administrator: any directory role blocks an app-only reset. */
const ROLE_DEFINITION = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const APPLIED_AT = '2026-01-15T08:00:00.000Z';
const ACCEPTED_AT = '2025-11-03T09:30:00Z';
const COMMIT = '4f1e2d3c4b5a';

const FIRST = ['ana', 'ben', 'chen', 'dara', 'eli', 'fatima', 'gus', 'hana', 'ivan', 'jo', 'kemal', 'lea', 'mia', 'noor', 'omar', 'pia', 'quinn', 'raj', 'sara', 'tom', 'uma', 'vik', 'wen', 'yara', 'zoe'];
const LAST = ['adams', 'berg', 'costa', 'diaz', 'evans', 'fischer', 'garcia', 'haddad', 'ito', 'jensen', 'kim', 'lopez', 'meyer', 'nowak', 'okafor', 'patel', 'rossi', 'silva', 'tanaka', 'weber'];
const COMPANY = ['fabrikam', 'northwind', 'tailspin', 'woodgrove', 'litware', 'adatum', 'proseware', 'wingtip', 'lucerne', 'margie', 'alpine', 'coho', 'fourthcoffee', 'humongous', 'treyresearch', 'wideworld'];
const REGIONS = ['americas', 'emea', 'apac', 'partners', 'suppliers', 'agencies'];
/** Sponsors a lifecycle guest declares itself: more than the 20 an expansion shows. */
export const MANY_SPONSORS = 25;

/** The mix used at every benchmark size: about 92 % unchanged, 0.1 % blocked (at least 3). */
export function realisticMix(guests: number): MixCounts {
  const blocked = Math.max(3, Math.round(guests * 0.001));
  const member = Math.ceil(blocked / 3);
  const notFound = Math.ceil((blocked - member) / 2);
  return {
    emailChange: Math.round(guests * 0.02),
    generationBump: Math.round(guests * 0.01),
    otherMailsDrift: Math.round(guests * 0.02),
    adoption: Math.round(guests * 0.03),
    blockedMember: member,
    blockedNotFound: notFound,
    blockedRoleHolder: blocked - member - notFound,
    undeclaredGuests: Math.round(guests * 0.005),
  };
}

/** A mix where exactly `resets` guests need a redemption reset and nothing else changes. */
export function resetOnlyMix(resets: number): MixCounts {
  const emailChange = Math.floor(resets / 2);
  return {
    emailChange,
    generationBump: resets - emailChange,
    otherMailsDrift: 0,
    adoption: 0,
    blockedMember: 0,
    blockedNotFound: 0,
    blockedRoleHolder: 0,
    undeclaredGuests: 0,
  };
}

type Kind = 'unchanged' | 'emailChange' | 'generationBump' | 'otherMailsDrift' | 'adoption' | 'blockedMember' | 'blockedNotFound' | 'blockedRoleHolder';

interface Company {
  readonly domain: string;
  readonly region: string;
  readonly defaults: string;
}

export function generateScenario(options: ScenarioOptions): Scenario {
  const n = options.guests;
  const mix = options.mix;
  const perFile = options.guestsPerFile ?? 50;
  const rng = new SeededRandom(options.seed ?? 20260115);
  const special: [Kind, number][] = [
    ['emailChange', mix.emailChange],
    ['generationBump', mix.generationBump],
    ['otherMailsDrift', mix.otherMailsDrift],
    ['adoption', mix.adoption],
    ['blockedMember', mix.blockedMember],
    ['blockedNotFound', mix.blockedNotFound],
    ['blockedRoleHolder', mix.blockedRoleHolder],
  ];
  const specialTotal = special.reduce((s, [, c]) => s + c, 0);
  if (specialTotal > n) throw new Error(`the mix asks for ${specialTotal} special guests but only ${n} are generated`);
  const kinds: Kind[] = new Array<Kind>(n - specialTotal).fill('unchanged');
  for (const [k, c] of special) for (let i = 0; i < c; i++) kinds.push(k);
  rng.shuffle(kinds);

  const fileCount = Math.max(1, Math.ceil(n / perFile));
  const companies: Company[] = Array.from({ length: fileCount }, (_, i) => ({
    domain: `${COMPANY[i % COMPANY.length]}${Math.floor(i / COMPANY.length) + 1}.example`,
    region: REGIONS[i % REGIONS.length]!,
    defaults: invitationDefaults(rng),
  }));

  // Lifecycle: a pool of member sponsors, two per file in `defaults.sponsors`.
  const lrng = new SeededRandom((options.seed ?? 20260115) ^ 0x5b0a50);
  const pool = options.lifecycle
    ? Array.from({ length: Math.max(MANY_SPONSORS, Math.min(200, 2 * fileCount)) }, (_, i) => ({ id: lrng.guid(), upn: `sponsor${i + 1}@${TENANT_DOMAIN}` }))
    : [];
  const fileSponsors = (f: number) => (pool.length ? [pool[(2 * f) % pool.length]!, pool[(2 * f + 1) % pool.length]!] : []);
  const sponsorsOf = new Map<string, string[]>();
  let sponsorUpdates = 0;

  const users: SeedUser[] = [];
  const roleAssignments: { principalId: string; roleDefinitionId: string }[] = [];
  const fileLines: string[][] = companies.map((c, i) => [
    '# yaml-language-server: $schema=../../schemas/guests.schema.json',
    `# Guests from ${c.domain} (generated by guestops' benchmark).`,
    ...(c.defaults ? [c.defaults] : []),
    ...(options.lifecycle ? [...(c.defaults ? [] : ['defaults:']), `  sponsors: [${fileSponsors(i).map((p, k) => (k === 0 ? p.upn : p.id)).join(', ')}]`] : []),
    'guests:',
  ]);
  const expected = { resets: 0, profileUpdates: 0, adoptions: 0, blocked: 0, unchanged: 0 };
  let serial = 0;
  const declaredIdentities: { id?: string; upn?: string }[] = [];

  const newGuestUser = (email: string, extra: Record<string, unknown> = {}): SeedUser => {
    const [local, domain] = email.split('@') as [string, string];
    const name = local.replace(/\d+$/, '').split('.').map((p) => p[0]!.toUpperCase() + p.slice(1)).join(' ');
    return {
      id: rng.guid(),
      userPrincipalName: `${local}_${domain}#EXT#@${TENANT_DOMAIN}`,
      displayName: name,
      mail: email,
      otherMails: [email],
      userType: 'Guest',
      creationType: 'Invitation',
      externalUserState: 'Accepted',
      externalUserStateChangeDateTime: ACCEPTED_AT,
      ...extra,
    };
  };
  const marker = (generation: number, email: string) => ({
    [MARKER_PROPERTY]: formatMarker({ generation, emailHash: emailHash(email), appliedAt: APPLIED_AT, commit: COMMIT }),
  });
  const freshEmail = (domain: string) => `${rng.pick(FIRST)}.${rng.pick(LAST)}${++serial}@${domain}`;

  for (let i = 0; i < n; i++) {
    const kind = kinds[i]!;
    const company = companies[Math.floor(i / perFile)]!;
    const email = freshEmail(company.domain);
    // Some guests were reset before: their applied generation is already above 0.
    const generation = rng.next() < 0.1 ? 1 + rng.int(3) : 0;
    let declared: { id?: string; upn?: string; email: string; otherMails?: string[]; generation: number; ack?: string; sponsors?: string[] };
    const usersBefore = users.length;
    switch (kind) {
      case 'unchanged':
      case 'generationBump':
      case 'otherMailsDrift': {
        const u = newGuestUser(email, marker(generation, email));
        users.push(u);
        declared = { ...identity(rng, u), email, generation: kind === 'generationBump' ? generation + 1 : generation };
        if (kind === 'otherMailsDrift') {
          declared.otherMails = [email, freshEmail(`${rng.pick(COMPANY)}-personal.example`)];
          expected.profileUpdates++;
        } else if (rng.next() < 0.15) {
          declared.otherMails = [email]; // declared and equal: no change
        }
        if (kind === 'generationBump') expected.resets++;
        if (kind === 'unchanged') expected.unchanged++;
        break;
      }
      case 'emailChange': {
        // The guest moved from another company: the tenant still has the old address.
        const old = freshEmail(`${rng.pick(COMPANY)}-old.example`);
        const u = newGuestUser(old, marker(generation, old));
        users.push(u);
        // A move to another domain is acknowledged next to the guest, as plan requires.
        declared = { ...identity(rng, u), email, generation, ack: `${old.split('@')[1]!} -> ${email.split('@')[1]!}` };
        if (rng.next() < 0.5) declared.otherMails = [email];
        expected.resets++;
        expected.profileUpdates++;
        break;
      }
      case 'adoption': {
        const u = newGuestUser(email);
        users.push(u);
        declared = { ...identity(rng, u), email, generation };
        expected.adoptions++;
        break;
      }
      case 'blockedMember': {
        const local = email.split('@')[0]!;
        const u: SeedUser = {
          id: rng.guid(),
          userPrincipalName: `${local}@${TENANT_DOMAIN}`,
          displayName: local,
          mail: `${local}@${TENANT_DOMAIN}`,
          otherMails: [],
          userType: 'Member',
          creationType: null,
          externalUserState: null,
          externalUserStateChangeDateTime: null,
        };
        users.push(u);
        declared = { id: u.id, email, generation };
        expected.blocked++;
        break;
      }
      case 'blockedNotFound':
        declared = { id: rng.guid(), email, generation };
        expected.blocked++;
        break;
      case 'blockedRoleHolder': {
        const old = freshEmail(`${rng.pick(COMPANY)}-old.example`);
        const u = newGuestUser(old, marker(generation, old));
        users.push(u);
        roleAssignments.push({ principalId: u.id, roleDefinitionId: ROLE_DEFINITION });
        declared = { id: u.id, email, generation };
        expected.blocked++;
        break;
      }
    }
    if (options.lifecycle) {
      // The sponsors this guest wants (its own list, or its file's) and those the tenant holds.
      const many = i % 1000 === 500;
      const wanted = many ? Array.from({ length: MANY_SPONSORS }, (_, k) => pool[(i + k) % pool.length]!) : fileSponsors(Math.floor(i / perFile));
      if (many) declared.sponsors = wanted.map((p) => p.upn);
      const u = users.length > usersBefore ? users[users.length - 1]! : undefined;
      if (u && u.userType === 'Guest') {
        const outdated = kind === 'unchanged' && lrng.next() < 0.01;
        sponsorsOf.set(u.id, (outdated ? wanted.slice(0, -1) : wanted).map((p) => p.id));
        if (outdated) {
          expected.unchanged--;
          sponsorUpdates++;
        }
      }
    }
    fileLines[Math.floor(i / perFile)]!.push(...guestYaml(declared));
    declaredIdentities.push(declared.id !== undefined ? { id: declared.id } : { upn: declared.upn! });
  }
  const migrating = options.partnerMigration ?? 0;
  const partnerLines = ['# yaml-language-server: $schema=../../schemas/guests.schema.json', `# ${MIGRATING_PARTNER.oldDomain} renamed its domain to ${MIGRATING_PARTNER.newDomain}.`, 'defaults:', `  acknowledgeDomainChange: ${MIGRATING_PARTNER.oldDomain} -> ${MIGRATING_PARTNER.newDomain}`, 'guests:'];
  for (let i = 0; i < migrating; i++) {
    const old = freshEmail(MIGRATING_PARTNER.oldDomain);
    const generation = rng.next() < 0.1 ? 1 + rng.int(3) : 0;
    const u = newGuestUser(old, marker(generation, old));
    users.push(u);
    const declared: { id?: string; upn?: string; email: string; generation: number } = { ...identity(rng, u), email: old.replace(/@.*$/, `@${MIGRATING_PARTNER.newDomain}`), generation };
    partnerLines.push(...guestYaml(declared));
    declaredIdentities.push(declared.id !== undefined ? { id: declared.id } : { upn: declared.upn! });
    expected.resets++;
    expected.profileUpdates++;
  }
  for (let i = 0; i < mix.undeclaredGuests; i++) {
    const email = freshEmail(`${rng.pick(COMPANY)}-undeclared.example`);
    users.push(newGuestUser(email, rng.next() < 0.5 ? marker(0, email) : {}));
  }
  // Internal staff, including admins holding roles: never declared, never listed by guestops.
  for (let i = 0; i < 20; i++) {
    const local = `staff${i + 1}`;
    const id = rng.guid();
    users.push({ id, userPrincipalName: `${local}@${TENANT_DOMAIN}`, displayName: `Staff ${i + 1}`, mail: `${local}@${TENANT_DOMAIN}`, userType: 'Member' });
    if (i < 5) roleAssignments.push({ principalId: id, roleDefinitionId: ROLE_DEFINITION });
  }
  if (options.lifecycle) {
    // Sign-ins over the last 200 days before the scenario's day (fixed: results never move with the date).
    const day = Date.parse(APPLIED_AT);
    for (let k = 0; k < users.length; k++) {
      const u = users[k]!;
      if (u.userType !== 'Guest') continue;
      const at = new Date(day - lrng.int(200 * 86_400) * 1000).toISOString();
      users[k] = { ...u, signInActivity: { lastSuccessfulSignInDateTime: at, lastSignInDateTime: at }, ...(sponsorsOf.has(u.id) ? { sponsors: sponsorsOf.get(u.id)! } : {}) };
    }
    for (const p of pool) users.push({ id: p.id, userPrincipalName: p.upn, displayName: p.upn.split('@')[0]!, mail: p.upn, userType: 'Member' });
  }
  // A real directory lists users in no particular order; keep declared and undeclared mixed.
  rng.shuffle(users);

  const seed: Seed = {
    tenantId: TENANT_ID,
    tenantDomain: TENANT_DOMAIN,
    applications: [
      {
        id: APPLY_APP.id,
        appId: APPLY_APP.appId,
        displayName: 'guestops-apply',
        extensionProperties: [{ name: MARKER_PROPERTY, dataType: 'String', targetObjects: ['User'] }],
      },
    ],
    users,
    roleAssignments,
    ...(options.lifecycle ? { entraIdP1: true } : {}),
    tokens: {
      'bench-status': { kind: 'app', appId: PLAN_APP_ID, permissions: ['User.Read.All', 'RoleManagement.Read.Directory', 'Application.Read.All', 'AuditLog.Read.All'] },
      'bench-plan': { kind: 'app', appId: PLAN_APP_ID, permissions: ['User.Read.All', 'RoleManagement.Read.Directory', 'Application.Read.All'] },
      'bench-apply': {
        kind: 'app',
        appId: APPLY_APP.appId,
        permissions: ['User.ReadWrite.All', 'User.Invite.All', 'RoleManagement.Read.Directory', 'Application.ReadWrite.OwnedBy'],
      },
    },
  };
  const files = companies.map((c, i) => ({ path: `${c.region}/${c.domain.replace(/\.example$/, '')}.yaml`, text: fileLines[i]!.join('\n') + '\n' }));
  if (migrating > 0) files.push({ path: MIGRATING_PARTNER.file, text: partnerLines.join('\n') + '\n' });
  return {
    guests: n + migrating, seed, files,
    expected: options.lifecycle ? { ...expected, sponsorUpdates } : expected,
    planToken: 'bench-plan', applyToken: 'bench-apply', statusToken: 'bench-status', markerProperty: MARKER_PROPERTY, declared: declaredIdentities };
}

/** Most guests are declared by object id, some by userPrincipalName (both are what admins copy). */
function identity(rng: SeededRandom, u: SeedUser): { id: string } | { upn: string } {
  return rng.next() < 0.9 ? { id: u.id } : { upn: u.userPrincipalName };
}

function guestYaml(g: { id?: string; upn?: string; email: string; otherMails?: string[]; generation: number; ack?: string; sponsors?: string[] }): string[] {
  const lines = [g.id !== undefined ? `  - id: ${g.id}` : `  - upn: ${g.upn!}`, `    email: ${g.email}`];
  if (g.ack !== undefined) lines.push(`    acknowledgeDomainChange: ${g.ack}`);
  if (g.otherMails) lines.push(`    otherMails: [${g.otherMails.join(', ')}]`);
  if (g.generation > 0) lines.push(`    generation: ${g.generation}`);
  if (g.sponsors) lines.push(`    sponsors: [${g.sponsors.join(', ')}]`);
  return lines;
}

function invitationDefaults(rng: SeededRandom): string {
  const r = rng.next();
  if (r < 0.5) return '';
  if (r < 0.8) return ['defaults:', '  invitation:', '    redirectUrl: https://myapps.microsoft.com', '    sendMessage: true', '    messageLanguage: en-US'].join('\n');
  return [
    'defaults:',
    '  invitation:',
    '    redirectUrl: https://myapps.microsoft.com',
    '    sendMessage: true',
    '    ccRecipients: [helpdesk@contoso.example]',
    '    customizedMessageBody: "Your access moved to your new address. Please sign in again."',
  ].join('\n');
}
