import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphFetch, withEmulator } from '../helpers/emulator.js';

test('missing or unknown bearer token: 401 InvalidAuthenticationToken with the Graph envelope', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const none = await graphFetch(emu.url, '/v1.0/users', { token: null });
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'InvalidAuthenticationToken');
    assert.equal(none.body.error.message, 'Access token is empty.');
    assert.deepEqual(Object.keys(none.body.error.innerError).sort(), ['client-request-id', 'date', 'request-id']);
    assert.equal(none.body.error.innerError['request-id'], none.headers.get('request-id'));
    const bad = await graphFetch(emu.url, '/v1.0/users', { token: 'not-a-seed-token' });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.message, 'Access token validation failure.');
    const batch = await graphFetch(emu.url, '/v1.0/$batch', { token: null, method: 'POST', body: { requests: [{ id: '1', method: 'GET', url: '/users' }] } });
    assert.equal(batch.status, 401);
  } finally {
    await emu.close();
  }
});

test('client-request-id is echoed, request-id is fresh per response', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const a = await graphFetch(emu.url, '/v1.0/users?$top=1', { headers: { 'client-request-id': 'abc-123' } });
    assert.equal(a.headers.get('client-request-id'), 'abc-123');
    const b = await graphFetch(emu.url, '/v1.0/users?$top=1');
    assert.notEqual(a.headers.get('request-id'), b.headers.get('request-id'));
    const log = await emu.requests();
    assert.deepEqual(log.map((e) => e.requestId), [a.headers.get('request-id'), b.headers.get('request-id')]);
  } finally {
    await emu.close();
  }
});

test('each operation needs its documented permission: 403 Authorization_RequestDenied otherwise', async () => {
  const emu = await withEmulator({
    throttle: false,
    seedPatch: (s) => ({ ...s, tokens: { ...s.tokens, nothing: { kind: 'app', appId: 'bbbbbbbb-0000-4000-8000-00000000000b', permissions: [] } } }),
  });
  try {
    const calls: [string, string, unknown?][] = [
      ['GET', '/v1.0/users'],
      ['GET', '/v1.0/users/6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10'],
      ['PATCH', '/v1.0/users/6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10', { mail: 'x@y.example' }],
      ['POST', '/v1.0/invitations', { invitedUserEmailAddress: 'a@b.example', inviteRedirectUrl: 'https://x' }],
      ['GET', '/v1.0/roleManagement/directory/roleAssignments'],
      ['GET', "/v1.0/applications(appId='8c3f2a10-5b7e-4d2c-9a61-3e0f7b9d2c41')"],
      ['POST', '/v1.0/directoryObjects/getAvailableExtensionProperties', {}],
    ];
    for (const [method, path, body] of calls) {
      const r = await graphFetch(emu.url, path, { method, token: 'nothing', ...(body ? { body } : {}) });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.body.error.code, 'Authorization_RequestDenied');
    }
    // The read-only plan identity can read but not write.
    assert.equal((await graphFetch(emu.url, '/v1.0/users', { token: 'demo-plan' })).status, 200);
    assert.equal((await graphFetch(emu.url, '/v1.0/roleManagement/directory/roleAssignments', { token: 'demo-plan' })).status, 200);
    const w = await graphFetch(emu.url, '/v1.0/users/6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10', { method: 'PATCH', token: 'demo-plan', body: { mail: 'x@y.example' } });
    assert.equal(w.status, 403);
    const log = await emu.requests();
    assert.ok(log.every((e) => !JSON.stringify(e).includes('demo-plan') && !JSON.stringify(e).includes('nothing')), 'tokens never logged');
  } finally {
    await emu.close();
  }
});
