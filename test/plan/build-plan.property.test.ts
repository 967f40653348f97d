/**
 * Properties of the planner over random desired/observed states:
 *  - buildPlan is deterministic (same input → same plan, whatever the object identities);
 *  - applying the plan's effects to the observed state (the small in-memory applier below plays
 *    Graph and apply) and planning again gives no actions, and every blocked guest stays blocked
 *    with the same code — a level-triggered reconciler converges in one step.
 *
 * Each guest draws its addresses from its own pool, as distinct declarations do; users outside
 * the declarations ("strangers") may carry a guest's address, which is what makes email-in-use.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildPlan, DEFAULT_LEASE_SECONDS, type PlanOptions } from '../../src/plan/build-plan.js';
import type { DesiredGuest, DesiredState } from '../../src/desired/types.js';
import type { ObservedTenant, ObservedUser } from '../../src/plan/observed.js';
import type { Plan } from '../../src/plan/types.js';
import { emailHash, formatMarker, parseMarker } from '../../src/plan/marker.js';
import { desired, guest } from './builders.js';

const NOW = new Date('2026-05-01T12:10:00.000Z');
const SPONSOR_1 = 'eeeeeeee-0000-4000-8000-000000000001';
const SPONSOR_2 = 'eeeeeeee-0000-4000-8000-000000000002';
const SPONSOR_3 = 'eeeeeeee-0000-4000-8000-000000000003';
/** Declared references: ids, a UPN naming SPONSOR_2, and one that names nobody. */
const SPONSOR_REFS = [SPONSOR_1, SPONSOR_2, 'erin@contoso.onmicrosoft.com', 'nobody@contoso.onmicrosoft.com'];
const SPONSOR_LOOKUP: ReadonlyMap<string, string | null> = new Map([
  [SPONSOR_1, SPONSOR_1], [SPONSOR_2, SPONSOR_2], ['erin@contoso.onmicrosoft.com', SPONSOR_2], ['nobody@contoso.onmicrosoft.com', null],
]);
const CHANGE_TIMES = ['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', null] as const;

const slotId = (i: number) => `aaaaaaaa-0000-4000-8000-00000000000${i}`;
const slotUpn = (i: number) => `g${i}_old.example#EXT#@contoso.onmicrosoft.com`;
const poolEmail = (i: number, k: number, upper: boolean) => {
  const e = `g${i}${'abc'[k]}@d${i}.example`;
  return upper ? e.toUpperCase() : e;
};

const address = (i: number) => fc.tuple(fc.integer({ min: 0, max: 2 }), fc.boolean()).map(([k, u]) => poolEmail(i, k, u));

interface PendingSpec {
  readonly g: number;
  readonly e: string;
  /** true: the change time is still the one observed before the reset (it did not happen). */
  readonly sameTime: boolean;
  readonly runId: string;
  readonly at: string;
}
type MarkerSpec = null | 'broken' | { readonly g: number; readonly e: string; readonly pending: PendingSpec | undefined };

function markerArb(i: number): fc.Arbitrary<MarkerSpec> {
  const ok = fc.record({
    g: fc.integer({ min: 0, max: 3 }),
    e: address(i),
    pending: fc.option(
      fc.record({
        g: fc.integer({ min: 0, max: 4 }),
        e: address(i),
        sameTime: fc.boolean(),
        runId: fc.constantFrom('run-a', 'run-b'),
        // within the 15-minute lease (5 min before NOW) or long expired
        at: fc.constantFrom('2026-05-01T12:05:00.000Z', '2026-04-30T00:00:00.000Z'),
      }),
      { nil: undefined },
    ),
  });
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant<MarkerSpec>(null) },
    { weight: 1, arbitrary: fc.constant<MarkerSpec>('broken') },
    { weight: 5, arbitrary: ok },
  );
}

function markerString(spec: MarkerSpec, changeTime: string | null): string | null {
  if (spec === null) return null;
  if (spec === 'broken') return '{broken';
  const p = spec.pending;
  return formatMarker({
    generation: spec.g,
    emailHash: emailHash(spec.e),
    appliedAt: '2026-01-01T00:00:00.000Z',
    ...(p ? { pending: { generation: p.g, emailHash: emailHash(p.e), at: p.at, runId: p.runId, before: p.sameTime ? changeTime : '2025-12-31T00:00:00Z' } } : {}),
  });
}

interface Scenario {
  readonly desired: DesiredState;
  readonly observed: ObservedTenant;
}

const guestArb = (i: number) =>
  fc.record({
    mode: fc.constantFrom('id', 'upn', 'id+upn', 'id+wrong-upn', 'email', 'missing-id'),
    email: address(i),
    otherMails: fc.option(fc.subarray([0, 1, 2]).chain((ks) => fc.tuple(...ks.map((k) => fc.boolean().map((u) => poolEmail(i, k, u))))), { nil: undefined }),
    generation: fc.integer({ min: 0, max: 3 }),
    // lifecycle: an expiry before, on or after NOW's day; an explicit state; a sponsor set
    expires: fc.option(fc.constantFrom('2026-04-30', '2026-05-01', '2026-06-30'), { nil: undefined }),
    // a file's gracePeriod: 1 day holds the disable of an expiry on 30 April past NOW; 14 days any
    gracePeriodDays: fc.option(fc.constantFrom(0, 1, 14), { nil: undefined }),
    enabled: fc.option(fc.boolean(), { nil: undefined }),
    sponsors: fc.option(fc.subarray(SPONSOR_REFS), { nil: undefined }),
    // the guest's own user in the tenant
    user: fc.option(
      fc.record({
        mail: fc.option(address(i), { nil: null }),
        otherMails: fc.subarray([0, 1, 2]).map((ks) => ks.map((k) => poolEmail(i, k, false))),
        userType: fc.constantFrom('Guest', 'Guest', 'Guest', 'Member', null),
        changeTime: fc.constantFrom(...CHANGE_TIMES),
        marker: markerArb(i),
        hasDirectoryRole: fc.constantFrom(true, false, undefined),
        accountEnabled: fc.constantFrom(true, true, false),
        sponsors: fc.subarray([SPONSOR_1, SPONSOR_2, SPONSOR_3]),
      }),
      { nil: undefined, freq: 4 },
    ),
    // an undeclared user carrying one of the guest's addresses, maybe with a marker for it
    stranger: fc.option(fc.record({ email: address(i), marked: fc.boolean() }), { nil: undefined, freq: 2 }),
  });

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .tuple(fc.integer({ min: 0, max: 5 }), fc.constantFrom<'app' | 'delegated'>('app', 'delegated'))
  .chain(([n, caller]) => fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => guestArb(i))), fc.constant(caller)))
  .map(([gs, caller]) => {
    const guests: DesiredGuest[] = [];
    const users: ObservedUser[] = [];
    gs.forEach((g, i) => {
      const id = g.mode === 'missing-id' ? `bbbbbbbb-0000-4000-8000-00000000000${i}` : slotId(i);
      const declared = guest({
        ...(g.mode === 'id' || g.mode === 'id+upn' || g.mode === 'id+wrong-upn' || g.mode === 'missing-id' ? { id } : {}),
        ...(g.mode === 'upn' || g.mode === 'id+upn' ? { upn: slotUpn(i) } : {}),
        ...(g.mode === 'id+wrong-upn' ? { upn: `nobody${i}#EXT#@contoso.onmicrosoft.com` } : {}),
        email: g.email,
        ...(g.otherMails !== undefined ? { otherMails: g.otherMails } : {}),
        generation: g.generation,
        ...(g.expires !== undefined ? { expires: g.expires } : {}),
        ...(g.gracePeriodDays !== undefined ? { gracePeriodDays: g.gracePeriodDays } : {}),
        ...(g.enabled !== undefined ? { enabled: g.enabled } : {}),
        ...(g.sponsors !== undefined ? { sponsors: g.sponsors } : {}),
        line: i + 1,
      });
      guests.push(declared);
      if (g.user) {
        const u = g.user;
        const raw = markerString(u.marker, u.changeTime);
        users.push({
          id: slotId(i),
          userPrincipalName: slotUpn(i),
          displayName: `Guest ${i}`,
          mail: u.mail,
          otherMails: u.otherMails,
          userType: u.userType,
          creationType: 'Invitation',
          externalUserState: 'Accepted',
          externalUserStateChangeDateTime: u.changeTime,
          marker: raw,
          ...(u.hasDirectoryRole !== undefined ? { hasDirectoryRole: u.hasDirectoryRole } : {}),
          accountEnabled: u.accountEnabled,
          sponsors: u.sponsors,
        });
      }
      if (g.stranger) {
        users.push({
          id: `cccccccc-0000-4000-8000-00000000000${i}`,
          userPrincipalName: `stranger${i}#EXT#@contoso.onmicrosoft.com`,
          displayName: null,
          mail: g.stranger.email,
          otherMails: [],
          userType: 'Guest',
          creationType: 'Invitation',
          externalUserState: 'Accepted',
          externalUserStateChangeDateTime: CHANGE_TIMES[0],
          marker: g.stranger.marked ? formatMarker({ generation: 0, emailHash: emailHash(g.stranger.email), appliedAt: '2026-01-01T00:00:00.000Z' }) : null,
        });
      }
    });
    return { desired: desired(...guests), observed: { caller: { kind: caller }, users, sponsorRefs: SPONSOR_LOOKUP } };
  });

/**
 * Plays Graph + apply for one plan, in memory: each action changes the user as Graph would, and
 * checks Graph's own preconditions (a reset email must already be in mail/otherMails).
 */
function applyEffects(plan: Plan, observed: ObservedTenant): ObservedTenant {
  const users = observed.users.map((u) => ({ ...u }));
  let clock = 0;
  const tick = () => `2027-01-01T00:00:${String(clock++).padStart(2, '0')}Z`;
  const record = (generation: number, hash: string) =>
    formatMarker({ generation, emailHash: hash, appliedAt: '2027-01-01T00:00:00.000Z' });
  for (const g of plan.guests) {
    if (g.blocked) continue;
    for (const a of g.actions) {
      if (a.type === 'invite') {
        const carried = users.some((u) => [u.mail, ...u.otherMails].some((m) => m?.toLowerCase() === a.email.toLowerCase()));
        assert.ok(!carried, `invite of ${a.email}, an address a user already carries`);
        users.push({
          id: `dddddddd-0000-4000-8000-${String(users.length).padStart(12, '0')}`,
          userPrincipalName: `${a.email.replace('@', '_')}#EXT#@contoso.onmicrosoft.com`,
          displayName: null,
          mail: a.email,
          otherMails: a.otherMails ?? [a.email],
          userType: 'Guest',
          creationType: 'Invitation',
          externalUserState: 'PendingAcceptance',
          externalUserStateChangeDateTime: tick(),
          marker: formatMarker({ generation: a.generation, emailHash: emailHash(a.email), appliedAt: '2027-01-01T00:00:00.000Z' }),
          accountEnabled: true,
          // Graph sets invitedUserSponsors on the new user.
          sponsors: [...(a.sponsors ?? [])],
        });
        continue;
      }
      const i = users.findIndex((u) => u.id === g.id);
      assert.ok(i >= 0, `action ${a.type} on a user that exists`);
      const u = users[i]!;
      switch (a.type) {
        case 'update-profile':
          users[i] = { ...u, ...(a.mail ? { mail: a.mail.to } : {}), ...(a.otherMails ? { otherMails: a.otherMails.to } : {}) };
          break;
        case 'reset-redemption': {
          const has = [u.mail, ...u.otherMails].some((m) => m?.toLowerCase() === a.email.toLowerCase());
          assert.ok(has, `Graph 400: reset email ${a.email} is in neither mail nor otherMails of ${u.id}`);
          assert.equal(u.userType, 'Guest', 'never reset a member');
          if (plan.caller.kind === 'app') assert.notEqual(u.hasDirectoryRole, true, 'Graph refuses app-only resets of role holders');
          users[i] = { ...u, externalUserState: 'PendingAcceptance', externalUserStateChangeDateTime: tick(), marker: record(a.generation, emailHash(a.email)) };
          break;
        }
        case 'adopt':
          users[i] = { ...u, marker: record(a.generation, emailHash(a.email)) };
          break;
        case 'record-marker':
          users[i] = { ...u, marker: record(a.generation, a.emailHash) };
          break;
        case 'update-sponsors': {
          const removed = new Set(a.remove.map((x) => x.toLowerCase()));
          const kept = (u.sponsors ?? []).filter((x) => !removed.has(x.toLowerCase()));
          users[i] = { ...u, sponsors: [...kept, ...a.add.map((x) => x.id)] };
          break;
        }
        case 'disable':
        case 'enable':
          assert.equal(u.userType, 'Guest', 'never change the account of a member');
          if (plan.caller.kind === 'app') assert.notEqual(u.hasDirectoryRole, true, 'Graph refuses app-only accountEnabled changes of role holders');
          break;
      }
    }
    // The account state and its marker record are written together, after the other effects (as
    // the executor folds them into the same PATCH as the marker).
    const account = g.actions.find((a) => a.type === 'disable' || a.type === 'enable');
    const i = users.findIndex((u) => u.id === g.id);
    if (account && i >= 0) {
      const u = users[i]!;
      const parsed = parseMarker(u.marker);
      assert.equal(parsed.kind, 'ok', 'the account change is recorded on a marker');
      if (parsed.kind !== 'ok') continue;
      const { disabledOn: _old, ...rest } = parsed.marker;
      const m = account.type === 'disable' ? { ...rest, disabledOn: '2026-05-01' } : rest;
      users[i] = { ...u, accountEnabled: account.type === 'enable', marker: formatMarker(m) };
    }
  }
  return { caller: observed.caller, users, ...(observed.sponsorRefs ? { sponsorRefs: observed.sponsorRefs } : {}) };
}

const OPTIONS: PlanOptions = { now: NOW, leaseSeconds: DEFAULT_LEASE_SECONDS, runId: 'run-b' };

test('buildPlan is deterministic', () => {
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const a = buildPlan(s.desired, s.observed, OPTIONS);
      const b = buildPlan(structuredClone(s.desired), structuredClone(s.observed), { ...OPTIONS, now: new Date(NOW) });
      assert.deepEqual(b, a);
      assert.equal(JSON.stringify(b), JSON.stringify(a));
    }),
    { numRuns: 300 },
  );
});

test('after applying a plan, planning again shows no changes and blocked guests stay blocked', () => {
  let sawActions = 0;
  let sawBlocked = 0;
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const first = buildPlan(s.desired, s.observed, OPTIONS);
      const after = applyEffects(first, s.observed);
      // Planned again in the same context (same run, same clock): a different run id or clock may
      // legitimately change why a guest is blocked (an intent lease held or expired).
      const second = buildPlan(s.desired, after, OPTIONS);
      const firstBlocked = first.guests.filter((g) => g.blocked).map((g) => [g.line, g.blocked!.code]);
      const secondBlocked = second.guests.filter((g) => g.blocked).map((g) => [g.line, g.blocked!.code]);
      assert.deepEqual(secondBlocked, firstBlocked, 'the same guests blocked for the same reason');
      const acting = second.guests.filter((g) => !g.blocked);
      assert.deepEqual(acting.map((g) => [g.line, g.actions.map((a) => a.type)]), [], 'no actions left');
      assert.equal(second.summary.unchanged + second.summary.blocked, s.desired.guests.length);
      if (first.guests.some((g) => g.actions.length > 0)) sawActions++;
      if (firstBlocked.length > 0) sawBlocked++;
    }),
    { numRuns: 500 },
  );
  // The generator must actually exercise both sides, or the property proves little.
  assert.ok(sawActions > 50, `plans with actions: ${sawActions}`);
  assert.ok(sawBlocked > 50, `plans with blocked guests: ${sawBlocked}`);
});
