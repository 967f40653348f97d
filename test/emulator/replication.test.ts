/**
 * Replication lag and the change-time rule, driven over HTTP. The lag is measured on a clock the
 * test moves, so "inside the lag" and "after the lag" are exact, whatever the machine's load.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeTimeRule } from '../../src/emulator/index.js';
import { runCli, startEmulatorProcess } from '../helpers/cli.js';
import { graphFetch, withEmulator, type TestEmulator } from '../helpers/emulator.js';

const JOHN = '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10';
const GRACE = '7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9da0';
const LAG = 2_000;
const REDIRECT = 'https://myapps.microsoft.com';

interface Lagged {
  readonly emu: TestEmulator;
  advance(ms: number): void;
}

async function usingLag(
  fn: (l: Lagged) => Promise<void>,
  opts: { lag?: number; changeTimeRule?: ChangeTimeRule } = {},
): Promise<void> {
  let now = 1_000_000;
  const emu = await withEmulator({
    throttle: false,
    replicationLagMs: opts.lag ?? LAG,
    ...(opts.changeTimeRule ? { changeTimeRule: opts.changeTimeRule } : {}),
    clock: () => now,
  });
  try {
    await fn({ emu, advance: (ms) => (now += ms) });
  } finally {
    await emu.close();
  }
}

const filterPath = (f: string, select = 'id,mail'): string => `/v1.0/users?$select=${select}&$filter=${encodeURIComponent(f)}`;

async function mailById(url: string, id: string): Promise<string> {
  const r = await graphFetch(url, `/v1.0/users/${id}?$select=mail`);
  assert.equal(r.status, 200);
  return r.body.mail;
}

async function listedMail(url: string, id: string): Promise<string | undefined> {
  const r = await graphFetch(url, '/v1.0/users?$select=id,mail&$top=999');
  assert.equal(r.status, 200);
  return (r.body.value as { id: string; mail: string }[]).find((u) => u.id === id)?.mail;
}

async function batchMail(url: string, id: string): Promise<string> {
  const r = await graphFetch(url, '/v1.0/$batch', {
    method: 'POST',
    body: { requests: [{ id: '1', method: 'GET', url: `/users/${id}?$select=mail` }] },
  });
  assert.equal(r.status, 200);
  assert.equal(r.body.responses[0].status, 200);
  return r.body.responses[0].body.mail;
}

async function filterIds(url: string, f: string): Promise<string[]> {
  const r = await graphFetch(url, filterPath(f));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body.value as { id: string }[]).map((u) => u.id);
}

function reset(id: string, email: string): { method: string; body: unknown } {
  return {
    method: 'POST',
    body: { invitedUserEmailAddress: email, inviteRedirectUrl: REDIRECT, resetRedemption: true, invitedUser: { id } },
  };
}

async function trueUser(emu: TestEmulator, id: string): Promise<Record<string, unknown>> {
  return (await emu.state()).users.find((u) => u.id === id)!;
}

test('a PATCH is invisible for the lag to reads by id, list pages, $batch and $filter; then all see it', async () => {
  await usingLag(async ({ emu, advance }) => {
    const old = 'john.doe@fabrikam.example';
    const fresh = 'john.new@fabrikam.example';
    assert.equal((await graphFetch(emu.url, `/v1.0/users/${JOHN}`, { method: 'PATCH', body: { mail: fresh } })).status, 204);
    assert.equal((await emu.state()).staleReads, 0);
    // The truth (what the control plane shows) has the write at once.
    assert.equal((await trueUser(emu, JOHN))['mail'], fresh);
    assert.equal((await emu.state()).pendingWrites, 1);

    advance(LAG - 1);
    assert.equal(await mailById(emu.url, JOHN), old);
    assert.equal(await listedMail(emu.url, JOHN), old);
    assert.equal(await batchMail(emu.url, JOHN), old);
    assert.deepEqual(await filterIds(emu.url, `mail eq '${old}'`), [JOHN]);
    assert.deepEqual(await filterIds(emu.url, `mail eq '${fresh}'`), []);
    assert.deepEqual(await filterIds(emu.url, `startswith(mail,'john.new')`), []);
    const stale = (await emu.state()).staleReads;
    assert.ok(stale >= 6, `staleReads ${stale}`);

    advance(1);
    assert.equal(await mailById(emu.url, JOHN), fresh);
    assert.equal(await listedMail(emu.url, JOHN), fresh);
    assert.equal(await batchMail(emu.url, JOHN), fresh);
    assert.deepEqual(await filterIds(emu.url, `mail eq '${old}'`), []);
    assert.deepEqual(await filterIds(emu.url, `mail eq '${fresh}'`), [JOHN]);
    const after = await emu.state();
    assert.equal(after.staleReads, stale, 'fresh reads are not counted as stale');
    assert.equal(after.pendingWrites, 0);
  });
});

test('several writes inside the lag: readers see the values before the earliest one; unchanged values are not stale', async () => {
  await usingLag(async ({ emu, advance }) => {
    const patch = (body: unknown) => graphFetch(emu.url, `/v1.0/users/${JOHN}`, { method: 'PATCH', body });
    assert.equal((await patch({ mail: 'a@fabrikam.example' })).status, 204);
    advance(1_000);
    assert.equal((await patch({ mail: 'b@fabrikam.example', jobTitle: 'Engineer' })).status, 204);
    let r = await graphFetch(emu.url, `/v1.0/users/${JOHN}?$select=mail,jobTitle`);
    assert.deepEqual([r.body.mail, r.body.jobTitle], ['john.doe@fabrikam.example', null]);
    advance(1_000); // the first write has replicated, the second has not
    r = await graphFetch(emu.url, `/v1.0/users/${JOHN}?$select=mail,jobTitle`);
    assert.deepEqual([r.body.mail, r.body.jobTitle], ['a@fabrikam.example', null]);
    advance(1_000);
    r = await graphFetch(emu.url, `/v1.0/users/${JOHN}?$select=mail,jobTitle`);
    assert.deepEqual([r.body.mail, r.body.jobTitle], ['b@fabrikam.example', 'Engineer']);
    // A PATCH that changes nothing leaves nothing to replicate.
    assert.equal((await patch({ mail: 'b@fabrikam.example' })).status, 204);
    assert.equal((await emu.state()).pendingWrites, 0);
  });
});

test('a user created by an invitation answers 404 (to GET and PATCH) and is missing from lists until the lag passes', async () => {
  await usingLag(async ({ emu, advance }) => {
    const email = 'new.person@northwind.example';
    const inv = await graphFetch(emu.url, '/v1.0/invitations', {
      method: 'POST',
      body: { invitedUserEmailAddress: email, inviteRedirectUrl: REDIRECT },
    });
    assert.equal(inv.status, 201);
    const id = inv.body.invitedUser.id as string;
    assert.ok((await emu.state()).users.some((u) => u.id === id), 'the truth has the user');

    const get = await graphFetch(emu.url, `/v1.0/users/${id}`);
    assert.equal(get.status, 404);
    assert.equal(get.body.error.code, 'Request_ResourceNotFound');
    const patch = await graphFetch(emu.url, `/v1.0/users/${id}`, { method: 'PATCH', body: { otherMails: [email] } });
    assert.equal(patch.status, 404);
    assert.equal(patch.body.error.code, 'Request_ResourceNotFound');
    assert.deepEqual((await trueUser(emu, id))['otherMails'], [email], 'the refused PATCH wrote nothing');
    assert.equal(await listedMail(emu.url, id), undefined);
    assert.deepEqual(await filterIds(emu.url, `mail eq '${email}'`), []);
    assert.deepEqual(await filterIds(emu.url, `id in ('${id}')`), []);
    const count = await graphFetch(emu.url, '/v1.0/users/$count', { headers: { consistencylevel: 'eventual' } });
    const trueCount = (await emu.state()).users.length;
    assert.equal(count.body, trueCount - 1, 'the count leaves out the user still replicating');
    const resetEarly = await graphFetch(emu.url, '/v1.0/invitations', reset(id, email));
    assert.equal(resetEarly.status, 404);

    advance(LAG);
    assert.equal((await graphFetch(emu.url, `/v1.0/users/${id}`)).status, 200);
    assert.equal(await listedMail(emu.url, id), email);
    assert.deepEqual(await filterIds(emu.url, `mail eq '${email}'`), [id]);
    assert.equal((await graphFetch(emu.url, `/v1.0/users/${id}`, { method: 'PATCH', body: { jobTitle: 'Guest' } })).status, 204);
  });
});

test("a reset's precondition is checked against the lagged view; its effects appear after the lag", async () => {
  await usingLag(async ({ emu, advance }) => {
    const fresh = 'john.work@contoso-partner.example';
    assert.equal((await graphFetch(emu.url, `/v1.0/users/${JOHN}`, { method: 'PATCH', body: { mail: fresh } })).status, 204);
    const refused = await graphFetch(emu.url, '/v1.0/invitations', reset(JOHN, fresh));
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'BadRequest');
    assert.match(refused.body.error.message, /^The email you\u2019re using to invite this user doesn\u2019t match any emails on the user object\./);
    assert.equal((await trueUser(emu, JOHN))['externalUserState'], 'Accepted', 'the refused reset changed nothing');

    advance(LAG);
    const before = (await trueUser(emu, JOHN))['externalUserStateChangeDateTime'];
    const ok = await graphFetch(emu.url, '/v1.0/invitations', reset(JOHN, fresh));
    assert.equal(ok.status, 201);
    const truth = await trueUser(emu, JOHN);
    assert.equal(truth['externalUserState'], 'PendingAcceptance');
    assert.notEqual(truth['externalUserStateChangeDateTime'], before);
    const seen = async () => (await graphFetch(emu.url, `/v1.0/users/${JOHN}?$select=externalUserState,externalUserStateChangeDateTime`)).body;
    assert.deepEqual(await seen(), { '@odata.context': (await seen())['@odata.context'], externalUserState: 'Accepted', externalUserStateChangeDateTime: before });
    advance(LAG);
    const after = await seen();
    assert.equal(after.externalUserState, 'PendingAcceptance');
    assert.equal(after.externalUserStateChangeDateTime, truth['externalUserStateChangeDateTime']);
  });
});

for (const rule of ['always', 'on-state-change'] as const) {
  test(`changeTimeRule ${rule}: resetting a pending guest ${rule === 'always' ? 'moves' : 'keeps'} its change time; resetting an accepted one always moves it`, async () => {
    await usingLag(
      async ({ emu }) => {
        assert.equal((await emu.settings()).changeTimeRule, rule);
        const pendingBefore = (await trueUser(emu, GRACE))['externalUserStateChangeDateTime'];
        assert.equal((await graphFetch(emu.url, '/v1.0/invitations', reset(GRACE, 'grace.kim@fourthcoffee.example'))).status, 201);
        const pendingAfter = (await trueUser(emu, GRACE))['externalUserStateChangeDateTime'];
        if (rule === 'always') assert.ok(String(pendingAfter) > String(pendingBefore), `${pendingAfter} > ${pendingBefore}`);
        else assert.equal(pendingAfter, pendingBefore);

        const acceptedBefore = (await trueUser(emu, JOHN))['externalUserStateChangeDateTime'];
        assert.equal((await graphFetch(emu.url, '/v1.0/invitations', reset(JOHN, 'john.doe@fabrikam.example'))).status, 201);
        const acceptedAfter = await trueUser(emu, JOHN);
        assert.equal(acceptedAfter['externalUserState'], 'PendingAcceptance');
        assert.ok(String(acceptedAfter['externalUserStateChangeDateTime']) > String(acceptedBefore));
      },
      { lag: 0, changeTimeRule: rule },
    );
  });
}

test('with the default lag 0 every read sees the last write and nothing is counted stale', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    assert.deepEqual(await emu.settings(), { replicationLagMs: 0, changeTimeRule: 'always' });
    assert.equal((await graphFetch(emu.url, `/v1.0/users/${JOHN}`, { method: 'PATCH', body: { mail: 'j@fabrikam.example' } })).status, 204);
    assert.equal(await mailById(emu.url, JOHN), 'j@fabrikam.example');
    const state = await emu.state();
    assert.equal(state.staleReads, 0);
    assert.equal(state.pendingWrites, 0);
  } finally {
    await emu.close();
  }
});

test('settings: the seed sets them, the control plane changes them (lowering the lag reveals writes), bad values are refused', async () => {
  let now = 0;
  const emu = await withEmulator({
    throttle: false,
    clock: () => now,
    seedPatch: (s) => ({ ...s, replicationLagMs: 60_000, changeTimeRule: 'on-state-change' }),
  });
  try {
    assert.deepEqual(await emu.settings(), { replicationLagMs: 60_000, changeTimeRule: 'on-state-change' });
    assert.deepEqual((await emu.state()).settings, { replicationLagMs: 60_000, changeTimeRule: 'on-state-change' });
    await graphFetch(emu.url, `/v1.0/users/${JOHN}`, { method: 'PATCH', body: { mail: 'x@fabrikam.example' } });
    now += 1_000;
    assert.equal(await mailById(emu.url, JOHN), 'john.doe@fabrikam.example');
    assert.deepEqual(await emu.settings({ replicationLagMs: 500 }), { replicationLagMs: 500, changeTimeRule: 'on-state-change' });
    assert.equal(await mailById(emu.url, JOHN), 'x@fabrikam.example');
    assert.deepEqual(await emu.settings({ changeTimeRule: 'always' }), { replicationLagMs: 500, changeTimeRule: 'always' });
    for (const [body, message] of [
      [{ replicationLagMs: -1 }, /settings\.replicationLagMs: must be an integer 0\.\.3600000/],
      [{ replicationLagMs: 1.5 }, /settings\.replicationLagMs/],
      [{ changeTimeRule: 'sometimes' }, /settings\.changeTimeRule: must be one of always, on-state-change/],
      [{ lag: 1 }, /unknown field lag/],
      ['nope', /body is not JSON/],
    ] as const) {
      const r = await fetch(`${emu.url}/_emulator/settings`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
      assert.equal(r.status, 400);
      const e = (await r.json()) as { error: { code: string; message: string } };
      assert.equal(e.error.code, 'emulator-settings-invalid');
      assert.match(e.error.message, message);
    }
    assert.deepEqual(await emu.settings(), { replicationLagMs: 500, changeTimeRule: 'always' });
  } finally {
    await emu.close();
  }
  await assert.rejects(
    withEmulator({ throttle: false, seedPatch: (s) => ({ ...s, changeTimeRule: 'never' as ChangeTimeRule }) }),
    /seed: changeTimeRule: must be one of always, on-state-change/,
  );
});

test('guestops emulator --replication-lag and --change-time-rule set the settings; bad values are one-line usage errors', async () => {
  const emu = await startEmulatorProcess(['--no-throttle', '--replication-lag', '60000', '--change-time-rule', 'on-state-change']);
  try {
    const settings = (await (await fetch(`${emu.url}/_emulator/settings`)).json()) as unknown;
    assert.deepEqual(settings, { replicationLagMs: 60_000, changeTimeRule: 'on-state-change' });
    // A real minute of lag: the write is certainly not visible to the next read.
    await graphFetch(emu.url, `/v1.0/users/${JOHN}`, { method: 'PATCH', body: { mail: 'cli@fabrikam.example' } });
    assert.equal(await mailById(emu.url, JOHN), 'john.doe@fabrikam.example');
    const state = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as { staleReads: number };
    assert.equal(state.staleReads, 1);
  } finally {
    assert.equal((await emu.stop('SIGTERM')).code, 0);
  }
  for (const [args, message] of [
    [['--replication-lag', 'soon'], /^guestops emulator: error usage: --replication-lag must be an integer 0\.\.3600000 \(milliseconds\), got 'soon'\n?$/],
    [['--change-time-rule', 'never'], /^guestops emulator: error usage: --change-time-rule must be one of always, on-state-change, got 'never'\n?$/],
  ] as const) {
    const r = await runCli(['emulator', ...args]);
    assert.equal(r.code, 1);
    assert.match(r.stderr.trim() + '\n', message);
  }
});
