/** Graph's stricter rules (directory-rules.ts, invitations.ts, batch.ts), driven over HTTP. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphFetch, usingEmulator } from '../helpers/emulator.js';

const JOHN = '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10';
const BOB = '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f80';
const FRANK = '5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b90'; // guest holding Helpdesk Administrator
const ERIN = 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4ab0'; // member, Global Administrator
const REDIRECT = 'https://myapps.microsoft.com';

test("a mail another user already has is refused (proxyAddresses, case-insensitive); the user's own mail is fine", async () => {
  await usingEmulator(async (emu) => {
    const patch = (id: string, body: unknown) => graphFetch(emu.url, `/v1.0/users/${id}`, { method: 'PATCH', body });
    const taken = await patch(JOHN, { mail: 'BOB.Smith@litware.example' });
    assert.equal(taken.status, 400);
    assert.equal(taken.body.error.code, 'Request_BadRequest');
    assert.equal(taken.body.error.message, 'Another object with the same value for property proxyAddresses already exists.');
    const state = await emu.state();
    assert.equal(state.users.find((u) => u.id === JOHN)!['mail'], 'john.doe@fabrikam.example', 'nothing written');
    assert.equal((await patch(JOHN, { mail: 'JOHN.DOE@fabrikam.example' })).status, 204, 'its own address in other case');
    // Freed by its holder, the address may be taken (the emulator has no hour-long hold).
    assert.equal((await patch(BOB, { mail: 'bob.new@litware.example' })).status, 204);
    assert.equal((await patch(JOHN, { mail: 'bob.smith@litware.example' })).status, 204);
  });
});

test('a new invitation to an address another user carries is refused; a guest with that mail is re-invited', async () => {
  await usingEmulator(async (emu) => {
    const invite = (email: string) =>
      graphFetch(emu.url, '/v1.0/invitations', { method: 'POST', body: { invitedUserEmailAddress: email, inviteRedirectUrl: REDIRECT } });
    const before = (await emu.state()).users.length;
    const member = await invite('Erin@contoso.example');
    assert.equal(member.status, 400);
    assert.equal(member.body.error.message, "Non-external user already exists with the given mail address and can't be invited.");
    assert.equal((await graphFetch(emu.url, `/v1.0/users/${BOB}`, { method: 'PATCH', body: { otherMails: ['bob.private@home.example'] } })).status, 204);
    const other = await invite('bob.private@HOME.example');
    assert.equal(other.status, 400);
    assert.equal(other.body.error.message, 'Another object with the same value for property proxyAddresses already exists.');
    const guest = await invite('john.doe@fabrikam.example');
    assert.equal(guest.status, 201);
    assert.equal(guest.body.invitedUser.id, JOHN);
    assert.equal((await emu.state()).users.length, before, 'no user was created');
  });
});

test('app-only PATCH of mail or otherMails on a role holder is 403; other properties and delegated callers pass', async () => {
  await usingEmulator(async (emu) => {
    const patch = (id: string, body: unknown, token = 'demo-apply') => graphFetch(emu.url, `/v1.0/users/${id}`, { method: 'PATCH', body, token });
    for (const [id, body] of [
      [FRANK, { otherMails: ['frank@elsewhere.example'] }],
      [FRANK, { mail: 'frank@elsewhere.example' }],
      [ERIN, { otherMails: ['erin@elsewhere.example'] }],
    ] as const) {
      const r = await patch(id, body);
      assert.equal(r.status, 403, JSON.stringify(body));
      assert.equal(r.body.error.code, 'Authorization_RequestDenied');
      assert.equal(r.body.error.message, 'Insufficient privileges to complete the operation.');
    }
    assert.deepEqual((await emu.state()).users.find((u) => u.id === FRANK)!['otherMails'], [], 'nothing written');
    assert.equal((await patch(FRANK, { jobTitle: 'Consultant' })).status, 204, 'not a sensitive property');
    assert.equal((await patch(JOHN, { otherMails: ['john@elsewhere.example'] })).status, 204, 'no role');
    assert.equal((await patch(FRANK, { otherMails: ['frank@elsewhere.example'] }, 'demo-admin')).status, 204, 'delegated');
  });
});

test('$batch request ids must be unique case-insensitively', async () => {
  await usingEmulator(async (emu) => {
    const batch = (ids: string[]) =>
      graphFetch(emu.url, '/v1.0/$batch', { method: 'POST', body: { requests: ids.map((id) => ({ id, method: 'GET', url: `/users/${JOHN}` })) } });
    const dup = await batch(['a', 'A']);
    assert.equal(dup.status, 400);
    assert.match(dup.body.error.message, /duplicate request id 'A'/);
    assert.equal((await emu.requests()).filter((e) => e.batch).length, 0, 'no inner request ran');
    const ok = await batch(['a', 'b']);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body.responses.map((x: { status: number }) => x.status), [200, 200]);
  });
});
