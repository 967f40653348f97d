/** The lifecycle rules of the planner, one table row each: expiry, grace, re-enable, explicit state, sponsors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan, DEFAULT_LEASE_SECONDS } from '../../src/plan/build-plan.js';
import type { DesiredGuest } from '../../src/desired/types.js';
import type { ObservedTenant, ObservedUser } from '../../src/plan/observed.js';
import type { Action, BlockedCode } from '../../src/plan/types.js';
import { emailHash, formatMarker } from '../../src/plan/marker.js';
import { desired, guest, ID, marker, user } from './builders.js';
import { DEFAULT_POLICY } from '../../src/policy/types.js';

const SPONSOR_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const SPONSOR_B = 'bbbbbbbb-0000-4000-8000-00000000000b';
const MANAGED = marker(0, 'ann@new.example');
const DISABLED_BY_US = formatMarker({ generation: 0, emailHash: emailHash('ann@new.example'), appliedAt: '2026-07-01T00:00:00Z', disabledOn: '2026-07-01' });

function at(iso: string): Date {
  return new Date(iso);
}

function lifecycleGuest(fields: Partial<DesiredGuest>): DesiredGuest {
  const g = guest({ id: ID, ...fields });
  return { ...g, fields: { expires: { file: 'guests/test.yaml', line: 4, column: 5 }, enabled: { file: 'guests/test.yaml', line: 5, column: 5 }, sponsors: { file: 'guests/test.yaml', line: 6, column: 5 } } };
}

interface Row {
  readonly name: string;
  readonly guest: Partial<DesiredGuest>;
  readonly user?: Partial<ObservedUser>;
  readonly now: string;
  readonly caller?: 'app' | 'delegated';
  readonly graceDefault?: number;
  readonly refs?: Record<string, string | null>;
  readonly actions?: readonly Action['type'][];
  readonly blocked?: BlockedCode;
  readonly reason?: RegExp;
  readonly check?: (actions: readonly Action[]) => void;
}

const rows: Row[] = [
  { name: 'expires today → nothing yet (access through the whole UTC day)', guest: { expires: '2026-06-30' }, user: { marker: MANAGED, accountEnabled: true }, now: '2026-06-30T23:59:59.999Z', actions: [] },
  {
    name: 'the first instant after the expiry day → disable, with the date and file:line',
    guest: { expires: '2026-06-30' }, user: { marker: MANAGED, accountEnabled: true }, now: '2026-07-01T00:00:00.000Z', actions: ['disable'],
    check: (a) => {
      const d = a[0] as Extract<Action, { type: 'disable' }>;
      assert.equal(d.why, 'expired');
      assert.equal(d.expires, '2026-06-30');
      assert.deepEqual(d.declaredAt, { file: 'guests/test.yaml', line: 4 });
      assert.match(d.reason, /expired on 2026-06-30/);
    },
  },
  { name: 'grace period 14d: day 14 after the expiry day → nothing', guest: { expires: '2026-06-30', gracePeriodDays: 14 }, user: { marker: MANAGED, accountEnabled: true }, now: '2026-07-14T23:59:59.000Z', actions: [] },
  {
    name: 'grace period 14d: day 15 → disable naming the grace',
    guest: { expires: '2026-06-30', gracePeriodDays: 14 }, user: { marker: MANAGED, accountEnabled: true }, now: '2026-07-15T00:00:00.000Z', actions: ['disable'],
    check: (a) => assert.match((a[0] as { reason: string }).reason, /grace period 14 days/),
  },
  { name: 'the policy default grace applies when the file sets none', guest: { expires: '2026-06-30' }, graceDefault: 3, user: { marker: MANAGED, accountEnabled: true }, now: '2026-07-03T12:00:00.000Z', actions: [] },
  { name: 'the file grace wins over the policy default', guest: { expires: '2026-06-30', gracePeriodDays: 0 }, graceDefault: 30, user: { marker: MANAGED, accountEnabled: true }, now: '2026-07-01T00:00:00.000Z', actions: ['disable'] },
  { name: 'expired and already disabled → nothing', guest: { expires: '2026-06-30' }, user: { marker: DISABLED_BY_US, accountEnabled: false }, now: '2026-08-01T00:00:00.000Z', actions: [] },
  {
    name: 'expiry extended past now, guestops had disabled it → enable, saying since when',
    guest: { expires: '2026-12-31' }, user: { marker: DISABLED_BY_US, accountEnabled: false }, now: '2026-08-01T00:00:00.000Z', actions: ['enable'],
    check: (a) => {
      const e = a[0] as Extract<Action, { type: 'enable' }>;
      assert.equal(e.why, 'no-longer-expired');
      assert.equal(e.disabledSince, '2026-07-01');
    },
  },
  { name: 'expiry removed, guestops had disabled it → enable', guest: {}, user: { marker: DISABLED_BY_US, accountEnabled: false }, now: '2026-08-01T00:00:00.000Z', actions: ['enable'] },
  { name: 'disabled outside guestops, nothing declared → left alone', guest: {}, user: { marker: MANAGED, accountEnabled: false }, now: '2026-08-01T00:00:00.000Z', actions: [] },
  { name: 'disabled outside guestops, enabled: true → enable', guest: { enabled: true }, user: { marker: MANAGED, accountEnabled: false }, now: '2026-08-01T00:00:00.000Z', actions: ['enable'] },
  {
    name: 'enabled: false → disable (declared)',
    guest: { enabled: false }, user: { marker: MANAGED, accountEnabled: true }, now: '2026-08-01T00:00:00.000Z', actions: ['disable'],
    check: (a) => assert.deepEqual((a[0] as Extract<Action, { type: 'disable' }>).declaredAt, { file: 'guests/test.yaml', line: 5 }),
  },
  { name: 'enabled: false wins over a future expiry', guest: { enabled: false, expires: '2027-01-01' }, user: { marker: MANAGED, accountEnabled: true }, now: '2026-08-01T00:00:00.000Z', actions: ['disable'] },
  {
    name: 'a guest being disabled is never reset (generation bumped)',
    guest: { enabled: false, generation: 1 }, user: { marker: MANAGED, accountEnabled: true }, now: '2026-08-01T00:00:00.000Z', actions: ['disable'],
  },
  { name: 'disabling a member is blocked (not-a-guest comes first)', guest: { enabled: false }, user: { marker: MANAGED, accountEnabled: true, userType: 'Member' }, now: '2026-08-01T00:00:00.000Z', blocked: 'not-a-guest' },
  {
    name: 'app-only caller, directory-role holder → disable blocked',
    guest: { enabled: false }, user: { marker: MANAGED, accountEnabled: true, hasDirectoryRole: true }, caller: 'app', now: '2026-08-01T00:00:00.000Z',
    blocked: 'role-holder-app-only', reason: /accountEnabled/,
  },
  {
    name: 'sponsors as a set: add the missing, remove the undeclared, order ignored',
    guest: { sponsors: [SPONSOR_A, 'erin@contoso.onmicrosoft.com'] }, user: { marker: MANAGED, accountEnabled: true, sponsors: ['cccccccc-0000-4000-8000-00000000000c', SPONSOR_A] },
    refs: { [SPONSOR_A]: SPONSOR_A, 'erin@contoso.onmicrosoft.com': SPONSOR_B }, now: '2026-08-01T00:00:00.000Z', actions: ['update-sponsors'],
    check: (a) => {
      const s = a[0] as Extract<Action, { type: 'update-sponsors' }>;
      assert.deepEqual(s.add, [{ ref: 'erin@contoso.onmicrosoft.com', id: SPONSOR_B }]);
      assert.deepEqual(s.remove, ['cccccccc-0000-4000-8000-00000000000c']);
      assert.deepEqual(s.declaredAt, { file: 'guests/test.yaml', line: 6 });
    },
  },
  { name: 'same sponsors in another order and case → nothing', guest: { sponsors: [SPONSOR_B, SPONSOR_A] }, user: { marker: MANAGED, accountEnabled: true, sponsors: [SPONSOR_A.toUpperCase(), SPONSOR_B] }, refs: { [SPONSOR_A]: SPONSOR_A, [SPONSOR_B]: SPONSOR_B }, now: '2026-08-01T00:00:00.000Z', actions: [] },
  { name: 'sponsors: [] removes every sponsor', guest: { sponsors: [] }, user: { marker: MANAGED, accountEnabled: true, sponsors: [SPONSOR_A] }, now: '2026-08-01T00:00:00.000Z', actions: ['update-sponsors'] },
  { name: 'no sponsors declared → sponsors left alone', guest: {}, user: { marker: MANAGED, accountEnabled: true, sponsors: [SPONSOR_A] }, now: '2026-08-01T00:00:00.000Z', actions: [] },
  {
    name: 'a sponsor that does not exist → blocked with the line of sponsors:',
    guest: { sponsors: ['nobody@contoso.onmicrosoft.com'], enabled: false }, user: { marker: MANAGED, accountEnabled: true, sponsors: [] },
    refs: { 'nobody@contoso.onmicrosoft.com': null }, now: '2026-08-01T00:00:00.000Z',
    blocked: 'sponsor-not-found', reason: /sponsor nobody@contoso\.onmicrosoft\.com \(guests\/test\.yaml:6\) is not a user/,
  },
  { name: 'disable and sponsors together, one plan', guest: { enabled: false, sponsors: [SPONSOR_A] }, user: { marker: MANAGED, accountEnabled: true, sponsors: [] }, refs: { [SPONSOR_A]: SPONSOR_A }, now: '2026-08-01T00:00:00.000Z', actions: ['disable', 'update-sponsors'] },
];

for (const row of rows) {
  test(`lifecycle: ${row.name}`, () => {
    const g = lifecycleGuest(row.guest);
    const observed: ObservedTenant = {
      caller: { kind: row.caller ?? 'delegated' },
      users: [user(row.user)],
      ...(row.refs ? { sponsorRefs: new Map(Object.entries(row.refs)) } : {}),
    };
    const policy = row.graceDefault !== undefined ? { ...DEFAULT_POLICY, gracePeriodDays: row.graceDefault } : undefined;
    const plan = buildPlan(desired(g), observed, { now: at(row.now), leaseSeconds: DEFAULT_LEASE_SECONDS, ...(policy ? { policy } : {}) });
    if (row.blocked) {
      assert.equal(plan.guests[0]?.blocked?.code, row.blocked, JSON.stringify(plan.guests));
      if (row.reason) assert.match(plan.guests[0]!.blocked!.reason, row.reason);
      assert.deepEqual(plan.guests[0]!.actions, []);
      return;
    }
    const actions = plan.guests[0]?.actions ?? [];
    assert.deepEqual(actions.map((a) => a.type), row.actions, JSON.stringify(plan.guests));
    row.check?.(actions);
    if ((row.actions ?? []).length === 0) assert.equal(plan.summary.unchanged, 1);
  });
}

test('lifecycle: summary counts disables, enables and sponsor updates only when present', () => {
  const observed: ObservedTenant = { caller: { kind: 'delegated' }, users: [user({ marker: MANAGED, accountEnabled: true })] };
  const plan = buildPlan(desired(lifecycleGuest({ enabled: false })), observed, { now: at('2026-08-01T00:00:00Z'), leaseSeconds: DEFAULT_LEASE_SECONDS });
  assert.equal(plan.summary.disables, 1);
  assert.equal('enables' in plan.summary, false);
  const none = buildPlan(desired(lifecycleGuest({})), observed, { now: at('2026-08-01T00:00:00Z'), leaseSeconds: DEFAULT_LEASE_SECONDS });
  assert.deepEqual(Object.keys(none.summary).sort(), ['adoptions', 'blocked', 'invites', 'markerRecords', 'profileUpdates', 'resets', 'unchanged']);
});

test('lifecycle: a new guest already expired is never invited; one with sponsors is invited with their ids', () => {
  const observed: ObservedTenant = { caller: { kind: 'delegated' }, users: [], sponsorRefs: new Map([[SPONSOR_A, SPONSOR_A]]) };
  const expired = buildPlan(desired(guest({ expires: '2026-01-31' })), observed, { now: at('2026-08-01T00:00:00Z'), leaseSeconds: DEFAULT_LEASE_SECONDS });
  assert.equal(expired.guests[0]?.blocked?.code, 'disabled-before-invite');
  const sponsored = buildPlan(desired(guest({ sponsors: [SPONSOR_A] })), observed, { now: at('2026-08-01T00:00:00Z'), leaseSeconds: DEFAULT_LEASE_SECONDS });
  const invite = sponsored.guests[0]!.actions[0] as Extract<Action, { type: 'invite' }>;
  assert.equal(invite.type, 'invite');
  assert.deepEqual(invite.sponsors, [SPONSOR_A]);
});

test('lifecycle: a disable is a risk at the line that asks for it, counted against the policy cap; a blocked one is neither', () => {
  const observed: ObservedTenant = { caller: { kind: 'delegated' }, users: [user({ marker: MANAGED, accountEnabled: true })] };
  const now = { now: at('2026-08-01T00:00:00Z'), leaseSeconds: DEFAULT_LEASE_SECONDS };
  const plan = buildPlan(desired(lifecycleGuest({ expires: '2026-06-30' })), observed, { ...now, policy: { ...DEFAULT_POLICY, maxDisables: 0 } });
  assert.deepEqual(plan.risks, [
    { kind: 'disable', key: ID, file: 'guests/test.yaml', line: 4, to: 'ann@new.example', detail: 'access expired on 2026-06-30: the guest can no longer sign in (nothing is deleted)' },
  ]);
  assert.deepEqual(plan.disables, { count: 1, max: 0 });
  const underDefault = buildPlan(desired(lifecycleGuest({ enabled: false })), observed, now);
  assert.deepEqual(underDefault.disables, { count: 1, max: 10 }, 'the built-in policy allows 10 per apply');
  assert.equal(underDefault.risks?.[0]?.line, 5, 'enabled: false is located at its own line');
  const nothing = buildPlan(desired(lifecycleGuest({})), observed, now);
  assert.equal(nothing.disables, undefined);
  assert.deepEqual(nothing.risks, []);
  const member = buildPlan(desired(lifecycleGuest({ enabled: false })), { ...observed, users: [user({ marker: MANAGED, accountEnabled: true, userType: 'Member' })] }, now);
  assert.equal(member.guests[0]?.blocked?.code, 'not-a-guest');
  assert.equal(member.disables, undefined, 'a blocked disable is not counted');
  assert.deepEqual(member.risks, []);
});
