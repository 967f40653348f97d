/** The plan semantics, one table row per rule (issue 4, "Plan semantics"). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan, DEFAULT_LEASE_SECONDS, type PlanOptions } from '../../src/plan/build-plan.js';
import type { DesiredGuest, InvitationSettings } from '../../src/desired/types.js';
import type { ObservedUser } from '../../src/plan/observed.js';
import type { Action, BlockedCode, PlanSummary } from '../../src/plan/types.js';
import { emailHash } from '../../src/plan/marker.js';
import { CHANGED, desired, guest, ID, marker, tenant, UPN, user } from './builders.js';

const OTHER_ID = '22222222-2222-4222-8222-222222222222';
const NOW = new Date('2026-05-01T12:10:00.000Z'); // 10 minutes after the builders' default intent time
const LATER = new Date('2026-05-01T12:20:00.000Z'); // 20 minutes after: a 15-minute lease has expired

interface Row {
  readonly name: string;
  readonly guests: readonly DesiredGuest[];
  readonly users: readonly ObservedUser[];
  readonly caller?: 'app' | 'delegated';
  readonly options?: Partial<PlanOptions>;
  /** Expected per listed guest, in order; [] means "no changes". */
  readonly expect: readonly {
    readonly actions?: readonly Action['type'][];
    readonly blocked?: BlockedCode;
    readonly reason?: RegExp;
    /** Checks on the guest's actions beyond their types. */
    readonly check?: (actions: readonly Action[]) => void;
  }[];
  readonly summary?: Partial<PlanSummary>;
}

function only<T extends Action['type']>(actions: readonly Action[], type: T): Extract<Action, { type: T }> {
  const found = actions.filter((a) => a.type === type);
  assert.equal(found.length, 1, `one ${type} action`);
  return found[0] as Extract<Action, { type: T }>;
}

const rows: Row[] = [
  // --- matching ---
  { name: 'id not found → blocked not-found', guests: [guest({ id: ID })], users: [], expect: [{ blocked: 'not-found', reason: new RegExp(`^not found: id ${ID}$`) }] },
  { name: 'upn not found → blocked not-found', guests: [guest({ upn: UPN })], users: [], expect: [{ blocked: 'not-found', reason: /^not found: upn ann_old/ }] },
  {
    name: 'id matches case-insensitively',
    guests: [guest({ id: ID.toUpperCase() })],
    users: [user({ marker: marker(0, 'ann@new.example') })],
    expect: [],
    summary: { unchanged: 1 },
  },
  {
    name: 'upn matches case-insensitively',
    guests: [guest({ upn: UPN.toUpperCase() })],
    users: [user({ marker: marker(0, 'ann@new.example') })],
    expect: [],
  },
  {
    name: 'id and upn point at different users → identity-mismatch',
    guests: [guest({ id: ID, upn: 'other#EXT#@contoso.onmicrosoft.com' })],
    users: [user(), user({ id: OTHER_ID, userPrincipalName: 'other#EXT#@contoso.onmicrosoft.com' })],
    expect: [{ blocked: 'identity-mismatch', reason: /point at different users/ }],
  },
  {
    name: "id's user has another upn → identity-mismatch",
    guests: [guest({ id: ID, upn: 'gone#EXT#@contoso.onmicrosoft.com' })],
    users: [user()],
    expect: [{ blocked: 'identity-mismatch', reason: new RegExp(`user ${ID} has upn`) }],
  },
  {
    name: 'id unknown but upn is another user → identity-mismatch',
    guests: [guest({ id: OTHER_ID, upn: UPN })],
    users: [user()],
    expect: [{ blocked: 'identity-mismatch', reason: new RegExp(`upn .* is user ${ID}`) }],
  },
  {
    name: 'two guests resolving to one user → both blocked',
    guests: [guest({ id: ID, line: 3 }), guest({ upn: UPN, line: 9 })],
    users: [user({ marker: marker(0, 'ann@new.example') })],
    expect: [
      { blocked: 'identity-mismatch', reason: /declared by more than one guest \(guests\/test\.yaml:3, guests\/test\.yaml:9\)/ },
      { blocked: 'identity-mismatch' },
    ],
    summary: { blocked: 2, unchanged: 0 },
  },
  // --- not a guest, unreadable marker ---
  { name: 'Member → blocked not-a-guest', guests: [guest({ id: ID })], users: [user({ userType: 'Member' })], expect: [{ blocked: 'not-a-guest', reason: /convert an internal account to B2B/ }] },
  { name: 'userType null → blocked not-a-guest', guests: [guest({ id: ID })], users: [user({ userType: null })], expect: [{ blocked: 'not-a-guest' }] },
  {
    name: 'marker unreadable → blocked with the reason',
    guests: [guest({ id: ID })],
    users: [user({ marker: '{oops' })],
    expect: [{ blocked: 'marker-unreadable', reason: /not JSON/ }],
  },
  // --- adoption ---
  {
    name: 'no marker, email = mail (other case) → adopt baseline, no reset',
    guests: [guest({ id: ID, email: 'Ann@New.Example', generation: 2 })],
    users: [user({ mail: 'ann@new.example' })],
    expect: [{ actions: ['adopt'], check: (a) => assert.deepEqual({ ...only(a, 'adopt'), reason: '' }, { type: 'adopt', reason: '', generation: 2, email: 'ann@new.example' }) }],
    summary: { adoptions: 1, resets: 0, profileUpdates: 0 },
  },
  {
    name: 'no marker, email differs from mail → update-profile + reset, still an adoption',
    guests: [guest({ id: ID, email: 'ann@new.example', domainChangeAcks: [{ from: 'old.example', to: 'new.example', at: 'guest' }] })],
    users: [user({ mail: 'ann@old.example', otherMails: ['ann@old.example'] })],
    expect: [
      {
        actions: ['update-profile', 'reset-redemption'],
        check: (a) => {
          assert.deepEqual(only(a, 'update-profile').mail, { from: 'ann@old.example', to: 'ann@new.example' });
          assert.equal(only(a, 'update-profile').otherMails, undefined, 'otherMails undeclared: left alone');
          const r = only(a, 'reset-redemption');
          assert.equal(r.reason, 'adopted-with-new-email');
          assert.equal(r.email, 'ann@new.example');
          assert.equal(r.previous, undefined);
        },
      },
    ],
    summary: { adoptions: 1, resets: 1, profileUpdates: 1 },
  },
  {
    name: 'no marker, mail null → update-profile + reset',
    guests: [guest({ id: ID, domainChangeAcks: [{ from: 'old.example', to: 'new.example', at: 'guest' }] })],
    users: [user({ mail: null })],
    expect: [{ actions: ['update-profile', 'reset-redemption'], check: (a) => assert.deepEqual(only(a, 'update-profile').mail, { from: null, to: 'ann@new.example' }) }],
  },
  {
    name: 'no marker, otherMails drift → update-profile + adopt',
    guests: [guest({ id: ID, otherMails: ['ann@new.example', 'ann@home.example'] })],
    users: [user({ otherMails: ['ann@new.example'] })],
    expect: [{ actions: ['update-profile', 'adopt'] }],
    summary: { adoptions: 1, profileUpdates: 1 },
  },
  // --- managed guests ---
  { name: 'marker matches → no changes', guests: [guest({ id: ID })], users: [user({ marker: marker(0, 'ANN@new.example') })], expect: [], summary: { unchanged: 1 } },
  {
    name: 'email changed → update-profile then reset (email-changed)',
    guests: [guest({ id: ID, email: 'ann@new.example', generation: 1, domainChangeAcks: [{ from: 'old.example', to: 'new.example', at: 'guest' }] })],
    users: [user({ mail: 'ann@old.example', marker: marker(1, 'ann@old.example') })],
    expect: [
      {
        actions: ['update-profile', 'reset-redemption'],
        check: (a) => {
          const r = only(a, 'reset-redemption');
          assert.equal(r.reason, 'email-changed');
          assert.deepEqual(r.previous, { generation: 1, emailChanged: true });
          assert.equal(r.generation, 1);
        },
      },
    ],
    summary: { resets: 1, profileUpdates: 1, adoptions: 0 },
  },
  {
    name: 'email changed, mail already updated by hand → reset only',
    guests: [guest({ id: ID, email: 'ann@new.example' })],
    users: [user({ mail: 'ann@new.example', marker: marker(0, 'ann@old.example') })],
    expect: [{ actions: ['reset-redemption'], check: (a) => assert.equal(only(a, 'reset-redemption').reason, 'email-changed') }],
  },
  {
    name: 'generation bumped → reset (generation-bumped), no profile update',
    guests: [guest({ id: ID, generation: 3 })],
    users: [user({ marker: marker(2, 'ann@new.example') })],
    expect: [
      {
        actions: ['reset-redemption'],
        check: (a) => {
          const r = only(a, 'reset-redemption');
          assert.equal(r.reason, 'generation-bumped');
          assert.deepEqual(r.previous, { generation: 2, emailChanged: false });
          assert.equal(r.generation, 3);
        },
      },
    ],
  },
  {
    name: 'generation decreased → blocked',
    guests: [guest({ id: ID, generation: 1, email: 'ann@other.example' })],
    users: [user({ marker: marker(2, 'ann@new.example') })],
    expect: [{ blocked: 'generation-decreased', reason: /declared generation 1 is lower than the applied generation 2/ }],
  },
  {
    name: 'otherMails differ as a set → update-profile only',
    guests: [guest({ id: ID, otherMails: ['ann@new.example', 'ann@home.example'] })],
    users: [user({ otherMails: ['ann@new.example', 'ann@stale.example'], marker: marker(0, 'ann@new.example') })],
    expect: [
      {
        actions: ['update-profile'],
        check: (a) => {
          const u = only(a, 'update-profile');
          assert.equal(u.mail, undefined);
          assert.deepEqual(u.otherMails, { from: ['ann@new.example', 'ann@stale.example'], to: ['ann@new.example', 'ann@home.example'] });
        },
      },
    ],
    summary: { profileUpdates: 1, resets: 0 },
  },
  {
    name: 'otherMails same set in another case and order → no changes',
    guests: [guest({ id: ID, otherMails: ['ANN@home.example', 'ann@new.example'] })],
    users: [user({ otherMails: ['ann@new.example', 'ann@HOME.example', 'ann@new.example'], marker: marker(0, 'ann@new.example') })],
    expect: [],
  },
  {
    name: 'otherMails undeclared → observed extras left alone',
    guests: [guest({ id: ID })],
    users: [user({ otherMails: ['x@y.example'], marker: marker(0, 'ann@new.example') })],
    expect: [],
  },
  {
    name: 'declared otherMails [] clears the list',
    guests: [guest({ id: ID, otherMails: [] })],
    users: [user({ otherMails: ['x@y.example'], marker: marker(0, 'ann@new.example') })],
    expect: [{ actions: ['update-profile'], check: (a) => assert.deepEqual(only(a, 'update-profile').otherMails?.to, []) }],
  },
  // --- pending intents ---
  {
    name: 'intent whose reset happened (change time moved) → record-marker only',
    guests: [guest({ id: ID, generation: 1 })],
    users: [user({ externalUserStateChangeDateTime: '2026-05-01T12:00:05Z', marker: marker(0, 'ann@new.example', { generation: 1 }) })],
    expect: [
      {
        actions: ['record-marker'],
        check: (a) => {
          const m = only(a, 'record-marker');
          assert.equal(m.generation, 1);
          assert.equal(m.emailHash, emailHash('ann@new.example'));
          assert.equal(m.email, 'ann@new.example');
        },
      },
    ],
    summary: { markerRecords: 1, resets: 0, unchanged: 0 },
  },
  {
    name: 'intent happened, declaration moved on → record-marker, then update-profile + reset',
    guests: [guest({ id: ID, email: 'ann@third.example', generation: 1, domainChangeAcks: [{ from: 'new.example', to: 'third.example', at: 'guest' }] })],
    users: [user({ externalUserStateChangeDateTime: '2026-05-01T12:00:05Z', marker: marker(0, 'ann@old.example', { generation: 1, email: 'ann@new.example' }) })],
    expect: [
      {
        actions: ['record-marker', 'update-profile', 'reset-redemption'],
        check: (a) => {
          const m = only(a, 'record-marker');
          assert.equal(m.email, null, 'the address reset is no longer declared: only its hash is known');
          assert.equal(m.emailHash, emailHash('ann@new.example'));
          assert.equal(only(a, 'reset-redemption').reason, 'email-changed');
          assert.deepEqual(only(a, 'reset-redemption').previous, { generation: 1, emailChanged: true });
        },
      },
    ],
    summary: { markerRecords: 0, resets: 1 },
  },
  {
    name: 'intent not happened, same run → reset (interrupted-before-reset)',
    guests: [guest({ id: ID, generation: 1 })],
    users: [user({ marker: marker(0, 'ann@new.example', { generation: 1, runId: 'run-a' }) })],
    options: { runId: 'run-a' },
    expect: [{ actions: ['reset-redemption'], check: (a) => assert.equal(only(a, 'reset-redemption').reason, 'interrupted-before-reset') }],
  },
  {
    name: 'intent not happened (both change times null), same run → reset',
    guests: [guest({ id: ID, generation: 1 })],
    users: [user({ externalUserStateChangeDateTime: null, marker: marker(0, 'ann@new.example', { generation: 1, before: null }) })],
    options: { runId: 'run-a' },
    expect: [{ actions: ['reset-redemption'] }],
  },
  {
    name: 'intent not happened, another run, lease expired → reset (interrupted-before-reset)',
    guests: [guest({ id: ID, generation: 1 })],
    users: [user({ marker: marker(0, 'ann@new.example', { generation: 1, runId: 'run-a' }) })],
    options: { runId: 'run-b', now: LATER },
    expect: [{ actions: ['reset-redemption'], check: (a) => assert.equal(only(a, 'reset-redemption').reason, 'interrupted-before-reset') }],
  },
  {
    name: 'intent not happened, another run, within lease → blocked intent-held',
    guests: [guest({ id: ID, generation: 1 })],
    users: [user({ marker: marker(0, 'ann@new.example', { generation: 1, runId: 'run-a' }) })],
    options: { runId: 'run-b' },
    expect: [
      {
        blocked: 'intent-held',
        reason: /^apply run run-a recorded an intent at 2026-05-01T12:00:00.000Z and may still be running; re-run after 2026-05-01T12:15:00.000Z or from the same run$/,
      },
    ],
  },
  {
    name: 'intent not happened, plan without a run id, within lease → blocked intent-held',
    guests: [guest({ id: ID, generation: 1 })],
    users: [user({ marker: marker(0, 'ann@new.example', { generation: 1 }) })],
    expect: [{ blocked: 'intent-held' }],
  },
  {
    name: 'a shorter lease expires sooner',
    guests: [guest({ id: ID, generation: 1 })],
    users: [user({ marker: marker(0, 'ann@new.example', { generation: 1 }) })],
    options: { leaseSeconds: 60 },
    expect: [{ actions: ['reset-redemption'] }],
  },
  {
    name: 'intent not happened, lease expired, declaration reverted → record-marker clears the intent',
    guests: [guest({ id: ID, generation: 0 })],
    users: [user({ marker: marker(0, 'ann@new.example', { generation: 1 }) })],
    options: { now: LATER },
    expect: [
      {
        actions: ['record-marker'],
        check: (a) => {
          const m = only(a, 'record-marker');
          assert.equal(m.generation, 0);
          assert.equal(m.emailHash, emailHash('ann@new.example'));
        },
      },
    ],
  },
  {
    name: 'intent with an unparseable time → marker-unreadable',
    guests: [guest({ id: ID, generation: 1 })],
    users: [user({ marker: marker(0, 'ann@new.example', { generation: 1, at: 'yesterday' }) })],
    expect: [{ blocked: 'marker-unreadable', reason: /pending intent time is not an ISO 8601 date-time/ }],
  },
  // --- app-only callers and role holders ---
  {
    name: 'app-only + role holder + planned reset → blocked, nothing written',
    guests: [guest({ id: ID, email: 'ann@new.example' })],
    users: [user({ mail: 'ann@old.example', hasDirectoryRole: true, marker: marker(0, 'ann@old.example') })],
    caller: 'app',
    expect: [
      {
        blocked: 'role-holder-app-only',
        reason: /For app-only calls, the redemption status can't be reset if there are any roles assigned to the target user account/,
      },
    ],
    summary: { blocked: 1, profileUpdates: 0, resets: 0 },
  },
  {
    name: 'app-only + role holder, no reset needed → adopt goes ahead',
    guests: [guest({ id: ID })],
    users: [user({ hasDirectoryRole: true })],
    caller: 'app',
    expect: [{ actions: ['adopt'] }],
  },
  {
    name: 'delegated + role holder → reset allowed',
    guests: [guest({ id: ID, generation: 1 })],
    users: [user({ hasDirectoryRole: true, marker: marker(0, 'ann@new.example') })],
    caller: 'delegated',
    expect: [{ actions: ['reset-redemption'] }],
  },
  {
    name: 'app-only, no role → reset allowed',
    guests: [guest({ id: ID, generation: 1 })],
    users: [user({ hasDirectoryRole: false, marker: marker(0, 'ann@new.example') })],
    caller: 'app',
    expect: [{ actions: ['reset-redemption'] }],
  },
  // --- email-only guests ---
  {
    name: 'email-only guest nobody carries → invite with settings and otherMails',
    guests: [guest({ email: 'new@partner.example', generation: 0, otherMails: ['new@partner.example', 'n@home.example'] })],
    users: [user()],
    expect: [
      {
        actions: ['invite'],
        check: (a) => {
          const i = only(a, 'invite');
          assert.equal(i.email, 'new@partner.example');
          assert.deepEqual(i.otherMails, ['new@partner.example', 'n@home.example']);
        },
      },
    ],
    summary: { invites: 1 },
  },
  {
    name: 'email-only guest carried in otherMails (other case) → blocked email-in-use asking for the id',
    guests: [guest({ email: 'Ann@Home.example' })],
    users: [user({ otherMails: ['ann@home.example'] })],
    expect: [{ blocked: 'email-in-use', reason: new RegExp(`declare \`id: ${ID}\``) }],
  },
  {
    name: 'email-only guest carried by two users → blocked listing both',
    guests: [guest({ email: 'ann@new.example' })],
    users: [user(), user({ id: OTHER_ID, userPrincipalName: 'x#EXT#@c', otherMails: ['ann@new.example'] })],
    expect: [{ blocked: 'email-in-use', reason: new RegExp(`2 users \\(${ID}, ${OTHER_ID}\\)`) }],
  },
  {
    name: 'email-only guest on the user guestops invited for it (marker names the email) → matched, no changes',
    guests: [guest({ email: 'ann@new.example' })],
    users: [user({ marker: marker(0, 'ann@new.example') })],
    expect: [],
    summary: { unchanged: 1 },
  },
];

for (const row of rows) {
  test(row.name, () => {
    const options: PlanOptions = { now: NOW, leaseSeconds: DEFAULT_LEASE_SECONDS, ...row.options };
    const plan = buildPlan(desired(...row.guests), tenant([...row.users], row.caller), options);
    assert.equal(plan.guests.length, row.expect.length, `listed guests: ${JSON.stringify(plan.guests, null, 1)}`);
    row.expect.forEach((e, i) => {
      const g = plan.guests[i]!;
      if (e.blocked !== undefined) {
        assert.equal(g.blocked?.code, e.blocked, JSON.stringify(g));
        assert.deepEqual(g.actions, [], 'a blocked guest has no action');
      } else {
        assert.equal(g.blocked, undefined, JSON.stringify(g.blocked));
      }
      if (e.reason) assert.match(g.blocked?.reason ?? '', e.reason);
      if (e.actions) assert.deepEqual(g.actions.map((a) => a.type), e.actions);
      e.check?.(g.actions);
    });
    if (row.summary) {
      for (const [k, v] of Object.entries(row.summary)) assert.equal(plan.summary[k as keyof PlanSummary], v, `summary.${k}`);
    }
    const listed = plan.guests.length;
    assert.equal(plan.summary.unchanged, row.guests.length - listed);
  });
}

test('invitation settings of the guest go into the reset action', () => {
  const invitation: InvitationSettings = {
    redirectUrl: 'https://apps.example/x',
    sendMessage: true,
    messageLanguage: 'fr-FR',
    ccRecipients: ['desk@contoso.example'],
    customizedMessageBody: 'Bonjour',
  };
  const plan = buildPlan(desired(guest({ id: ID, generation: 1, invitation })), tenant([user({ marker: marker(0, 'ann@new.example') })]), {
    now: NOW,
    leaseSeconds: DEFAULT_LEASE_SECONDS,
  });
  assert.deepEqual(only(plan.guests[0]!.actions, 'reset-redemption').invitation, invitation);
});

test('guests are listed in desired order with file:line, ids resolved, unchanged ones only counted', () => {
  const users = [
    user({ id: 'aaaaaaaa-0000-4000-8000-000000000001', userPrincipalName: 'a#EXT#@c', mail: 'a@x.example', marker: marker(0, 'a@x.example') }),
    user({ id: 'aaaaaaaa-0000-4000-8000-000000000002', userPrincipalName: 'b#EXT#@c', mail: 'b@x.example', marker: marker(0, 'b@x.example') }),
  ];
  const plan = buildPlan(
    desired(
      guest({ upn: 'B#EXT#@c', email: 'b@x.example', generation: 1, file: 'guests/a.yaml', line: 4 }),
      guest({ id: 'aaaaaaaa-0000-4000-8000-000000000001', email: 'a@x.example', file: 'guests/a.yaml', line: 9 }),
      guest({ id: 'aaaaaaaa-0000-4000-8000-00000000000f', email: 'z@x.example', file: 'guests/b.yaml', line: 2 }),
    ),
    tenant(users),
    { now: NOW, leaseSeconds: DEFAULT_LEASE_SECONDS },
  );
  assert.deepEqual(
    plan.guests.map((g) => [g.key, g.id, g.upn, g.file, g.line, g.blocked?.code ?? null]),
    [
      ['B#EXT#@c', 'aaaaaaaa-0000-4000-8000-000000000002', 'b#EXT#@c', 'guests/a.yaml', 4, null],
      ['aaaaaaaa-0000-4000-8000-00000000000f', null, null, 'guests/b.yaml', 2, 'not-found'],
    ],
  );
  assert.deepEqual(plan.summary, { resets: 1, profileUpdates: 0, adoptions: 0, invites: 0, markerRecords: 0, blocked: 1, unchanged: 1 });
  assert.equal(plan.desiredDigest, 'd'.repeat(64));
  assert.deepEqual(plan.caller, { kind: 'delegated' });
});

test('buildPlan reads no clock: the same input gives the same plan whatever the time', () => {
  const d = desired(guest({ id: ID, generation: 1 }));
  const t = tenant([user({ marker: marker(0, 'ann@new.example') })]);
  const a = buildPlan(d, t, { now: NOW, leaseSeconds: 900 });
  const b = buildPlan(d, t, { now: new Date('2030-01-01T00:00:00Z'), leaseSeconds: 900 });
  assert.deepEqual(a, b);
});

test('a change time that moved proves a reset even when the state is Accepted again', () => {
  // The guest redeemed quickly after the interrupted reset: state is back to Accepted, time moved.
  const plan = buildPlan(
    desired(guest({ id: ID, generation: 1 })),
    tenant([user({ externalUserState: 'Accepted', externalUserStateChangeDateTime: '2026-05-02T00:00:00Z', marker: marker(0, 'ann@new.example', { generation: 1, before: CHANGED }) })]),
    { now: NOW, leaseSeconds: 900 },
  );
  assert.deepEqual(plan.guests[0]!.actions.map((a) => a.type), ['record-marker']);
});

test('a guest that redeemed its earlier invitation while a reset was pending: the reset is still sent, not recorded', () => {
  // The intent saw PendingAcceptance; the guest then redeemed the OLD invitation (state Accepted,
  // time moved) before the reset was sent. A moved time alone would record a reset that never
  // happened and lose the declared email change for good.
  const pending = { generation: 1, email: 'ann@new.example', before: CHANGED, beforeState: 'PendingAcceptance' };
  const redeemed = buildPlan(
    desired(guest({ id: ID, email: 'ann@new.example', generation: 1 })),
    tenant([user({ mail: 'ann@new.example', externalUserState: 'Accepted', externalUserStateChangeDateTime: '2026-05-02T00:00:00Z', marker: marker(0, 'ann@old.example', pending) })]),
    { now: NOW, leaseSeconds: 900, runId: 'run-a' },
  );
  assert.deepEqual(redeemed.guests[0]!.actions.map((a) => a.type), ['reset-redemption']);
  // The same intent with the guest still PendingAcceptance and a moved time: that is the reset.
  const reset = buildPlan(
    desired(guest({ id: ID, email: 'ann@new.example', generation: 1 })),
    tenant([user({ mail: 'ann@new.example', externalUserState: 'PendingAcceptance', externalUserStateChangeDateTime: '2026-05-02T00:00:00Z', marker: marker(0, 'ann@old.example', pending) })]),
    { now: NOW, leaseSeconds: 900, runId: 'run-a' },
  );
  assert.deepEqual(reset.guests[0]!.actions.map((a) => a.type), ['record-marker']);
});
