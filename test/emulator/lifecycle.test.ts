/**
 * The lifecycle surface of the emulator over HTTP: accountEnabled, createdDateTime,
 * signInActivity (permission- and licence-gated), the sponsors relationship and
 * invitedUserSponsors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphFetch, usingEmulator, type Seed } from '../helpers/emulator.js';

const BOB = '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f80';
const HENRY = '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6ab0';
const ERIN = 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4ab0';
const CAROL = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e70';
const BOB_UPN = 'bob.smith_litware.example#EXT#@contoso.onmicrosoft.com';
const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/users/${id}` });

test('accountEnabled and createdDateTime are selectable, accountEnabled is filterable and writable', async () => {
  await usingEmulator(async (emu) => {
    const r = await graphFetch(emu.url, `/v1.0/users/${BOB}?$select=id,accountEnabled,createdDateTime`);
    assert.equal(r.status, 200);
    assert.equal(r.body.accountEnabled, true);
    assert.equal(r.body.createdDateTime, '2026-03-01T09:00:00Z');
    const p = await graphFetch(emu.url, `/v1.0/users/${BOB}`, { method: 'PATCH', body: { accountEnabled: false } });
    assert.equal(p.status, 204);
    const off = await graphFetch(emu.url, `/v1.0/users?$filter=accountEnabled eq false&$select=id`);
    assert.deepEqual(off.body.value.map((u: { id: string }) => u.id), [BOB]);
    const bad = await graphFetch(emu.url, `/v1.0/users/${BOB}`, { method: 'PATCH', body: { accountEnabled: 'no' } });
    assert.equal(bad.status, 400);
    const ro = await graphFetch(emu.url, `/v1.0/users/${BOB}`, { method: 'PATCH', body: { createdDateTime: '2020-01-01T00:00:00Z' } });
    assert.equal(ro.status, 400);
    assert.match(ro.body.error.message, /read-only/);
  });
});

test('a seed user without accountEnabled/createdDateTime gets an enabled account and a creation time', async () => {
  await usingEmulator(
    async (emu) => {
      const r = await graphFetch(emu.url, `/v1.0/users/aaaaaaaa-0000-4000-8000-000000000001?$select=accountEnabled,createdDateTime`);
      assert.equal(r.body.accountEnabled, true);
      assert.ok(!Number.isNaN(Date.parse(r.body.createdDateTime)));
    },
    (s: Seed) => ({ ...s, users: [...s.users, { id: 'aaaaaaaa-0000-4000-8000-000000000001', userPrincipalName: 'x_y.example#EXT#@contoso.onmicrosoft.com', userType: 'Guest' }] }),
  );
});

test('signInActivity is returned with AuditLog.Read.All in a P1 tenant, pages by 120', async () => {
  await usingEmulator(
    async (emu) => {
      const r = await graphFetch(emu.url, `/v1.0/users/${BOB}?$select=id,signInActivity`);
      assert.equal(r.status, 200);
      assert.equal(r.body.signInActivity.lastSuccessfulSignInDateTime, '2026-11-30T14:05:00Z');
      const list = await graphFetch(emu.url, `/v1.0/users?$select=id,signInActivity&$top=999`);
      assert.equal(list.status, 200);
      assert.equal(list.body.value.length, 120, 'a page with signInActivity holds at most 120 users');
      assert.ok(list.body['@odata.nextLink']);
      const byUpn = await graphFetch(emu.url, `/v1.0/users/${encodeURIComponent(BOB_UPN)}?$select=signInActivity`);
      assert.equal(byUpn.status, 400);
    },
    (s: Seed) => ({
      ...s,
      users: [...s.users, ...Array.from({ length: 200 }, (_, i) => ({ id: `bbbbbbbb-0000-4000-8000-${String(i).padStart(12, '0')}`, userPrincipalName: `s${i}_x.example#EXT#@contoso.onmicrosoft.com`, userType: 'Guest' }))],
    }),
  );
});

test('signInActivity without AuditLog.Read.All is refused with 403, and in a tenant without P1 too', async () => {
  await usingEmulator(async (emu) => {
    const r = await graphFetch(emu.url, `/v1.0/users?$select=id,signInActivity`, { token: 'demo-plan' });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'Authorization_RequestDenied');
    assert.match(r.body.error.message, /AuditLog\.Read\.All/);
    const ok = await graphFetch(emu.url, `/v1.0/users?$select=id,accountEnabled`, { token: 'demo-plan' });
    assert.equal(ok.status, 200, 'the same list without signInActivity is fine');
  });
  await usingEmulator(
    async (emu) => {
      const r = await graphFetch(emu.url, `/v1.0/users/${BOB}?$select=signInActivity`);
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant');
    },
    (s: Seed) => ({ ...s, entraIdP1: false }),
  );
});

test('sponsors: list, add by $ref, refuse a duplicate or a missing user, remove, and expand', async () => {
  await usingEmulator(async (emu) => {
    const list = await graphFetch(emu.url, `/v1.0/users/${HENRY}/sponsors`, { token: 'demo-plan' });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.value.map((s: { id: string; '@odata.type': string }) => [s['@odata.type'], s.id]), [['#microsoft.graph.user', ERIN]]);

    const add = await graphFetch(emu.url, `/v1.0/users/${BOB}/sponsors/$ref`, { method: 'POST', body: ref(ERIN) });
    assert.equal(add.status, 204);
    const dup = await graphFetch(emu.url, `/v1.0/users/${BOB}/sponsors/$ref`, { method: 'POST', body: ref(ERIN) });
    assert.equal(dup.status, 400);
    assert.match(dup.body.error.message, /already exist/);
    const missing = await graphFetch(emu.url, `/v1.0/users/${BOB}/sponsors/$ref`, { method: 'POST', body: ref('99999999-0000-4000-8000-000000000000') });
    assert.equal(missing.status, 404);
    const noRef = await graphFetch(emu.url, `/v1.0/users/${BOB}/sponsors/$ref`, { method: 'POST', body: { id: ERIN } });
    assert.equal(noRef.status, 400);
    const readOnly = await graphFetch(emu.url, `/v1.0/users/${BOB}/sponsors/$ref`, { method: 'POST', body: ref(CAROL), token: 'demo-plan' });
    assert.equal(readOnly.status, 403);

    const expanded = await graphFetch(emu.url, `/v1.0/users?$filter=userType eq 'Guest'&$select=id&$expand=sponsors($select=id)&$top=999`);
    assert.equal(expanded.status, 200);
    const bob = expanded.body.value.find((u: { id: string }) => u.id === BOB);
    assert.deepEqual(bob.sponsors, [{ '@odata.type': '#microsoft.graph.user', id: ERIN }]);
    const one = await graphFetch(emu.url, `/v1.0/users/${CAROL}?$select=id&$expand=sponsors`);
    assert.deepEqual(one.body.sponsors, []);
    const other = await graphFetch(emu.url, `/v1.0/users?$expand=manager`);
    assert.equal(other.status, 400);

    const del = await graphFetch(emu.url, `/v1.0/users/${BOB}/sponsors/${ERIN}/$ref`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    const again = await graphFetch(emu.url, `/v1.0/users/${BOB}/sponsors/${ERIN}/$ref`, { method: 'DELETE' });
    assert.equal(again.status, 404);
    const state = await emu.state();
    assert.deepEqual(state.users.find((u) => u.id === BOB)!['sponsors'], []);
  });
});

test('$expand=sponsors pages by at most 100 users and returns at most 20 sponsors each', async () => {
  const ids = Array.from({ length: 150 }, (_, i) => `cccccccc-0000-4000-8000-${String(i).padStart(12, '0')}`);
  await usingEmulator(
    async (emu) => {
      const r = await graphFetch(emu.url, `/v1.0/users?$select=id&$expand=sponsors($select=id)&$top=999`);
      assert.equal(r.body.value.length, 100);
      const first = r.body.value.find((u: { id: string }) => u.id === ids[0]);
      assert.equal(first.sponsors.length, 20);
      const all = await graphFetch(emu.url, `/v1.0/users/${ids[0]}/sponsors?$select=id`);
      assert.equal(all.body.value.length, 25, 'the relationship itself returns every sponsor');
    },
    (s: Seed) => ({
      ...s,
      users: [
        ...s.users,
        ...ids.map((id, i) => ({
          id, userPrincipalName: `p${i}_x.example#EXT#@contoso.onmicrosoft.com`, userType: 'Guest',
          ...(i === 0 ? { sponsors: ids.slice(1, 26) } : {}),
        })),
      ],
    }),
  );
});

test('POST /invitations with invitedUserSponsors sets the new guest sponsors; a missing sponsor is 404', async () => {
  await usingEmulator(async (emu) => {
    const r = await graphFetch(emu.url, '/v1.0/invitations', {
      method: 'POST',
      body: { invitedUserEmailAddress: 'new@partner.example', inviteRedirectUrl: 'https://myapps.microsoft.com', invitedUserSponsors: [{ id: ERIN }] },
    });
    assert.equal(r.status, 201);
    const list = await graphFetch(emu.url, `/v1.0/users/${r.body.invitedUser.id}/sponsors?$select=id`);
    assert.deepEqual(list.body.value.map((s: { id: string }) => s.id), [ERIN]);
    const bad = await graphFetch(emu.url, '/v1.0/invitations', {
      method: 'POST',
      body: { invitedUserEmailAddress: 'other@partner.example', inviteRedirectUrl: 'https://myapps.microsoft.com', invitedUserSponsors: [{ id: '99999999-0000-4000-8000-000000000000' }] },
    });
    assert.equal(bad.status, 404);
    assert.equal((await emu.state()).users.some((u) => u['mail'] === 'other@partner.example'), false, 'nothing created');
  });
});

test('a seed naming a sponsor that is not a seed user is refused with the field', async () => {
  const { validateSeed } = await import('../../src/emulator/seed.js');
  assert.throws(
    () => validateSeed({ tenantId: 'd2a3b4c5-6e7f-4a8b-9c0d-1e2f3a4b5c6d', users: [{ id: BOB, userPrincipalName: 'b@x', sponsors: [ERIN] }], tokens: {} }),
    /users\[0\]\.sponsors: e1f2a3b4.* is not the id of a user in this seed/,
  );
  assert.throws(
    () => validateSeed({ tenantId: 'd2a3b4c5-6e7f-4a8b-9c0d-1e2f3a4b5c6d', users: [{ id: BOB, userPrincipalName: 'b@x', signInActivity: { lastSignInDateTime: 'yesterday' } }], tokens: {} }),
    /users\[0\]\.signInActivity\.lastSignInDateTime/,
  );
});
