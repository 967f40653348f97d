import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphFetch, withEmulator } from '../helpers/emulator.js';

const JOHN = '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10';

test('resource units: list costs 2 (1 with $select), other GET 1; over budget is 429 with Retry-After and throttle headers', async () => {
  const emu = await withEmulator({ throttle: { resourceUnitsPer10s: 5 } });
  try {
    const list = await graphFetch(emu.url, '/v1.0/users'); // 2
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('x-ms-resource-unit'), '2');
    const sel = await graphFetch(emu.url, '/v1.0/users?$select=id'); // 1
    assert.equal(sel.headers.get('x-ms-resource-unit'), '1');
    assert.equal((await graphFetch(emu.url, `/v1.0/users/${JOHN}`)).status, 200); // 1 -> 4 used
    const two = await graphFetch(emu.url, '/v1.0/users'); // needs 2, 1 left
    assert.equal(two.status, 429);
    assert.equal(two.body.error.code, 'TooManyRequests');
    const retry = Number(two.headers.get('retry-after'));
    assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 10, String(retry));
    assert.match(two.headers.get('x-ms-throttle-scope')!, /^Tenant_Application\/Read\/8c3f2a10-5b7e-4d2c-9a61-3e0f7b9d2c41\/d2a3b4c5/);
    assert.ok(two.headers.get('x-ms-throttle-information'));
    // Another app has its own bucket.
    assert.equal((await graphFetch(emu.url, '/v1.0/users', { token: 'demo-plan' })).status, 200);
    assert.equal((await emu.state()).throttled, 1);
  } finally {
    await emu.close();
  }
});

test('invitation manager: 150 per 5 s per tenant by default, configurable; every caller shares it', async () => {
  const emu = await withEmulator({ throttle: { invitationsPer5s: 3 } });
  try {
    const body = { invitedUserEmailAddress: 'john.doe@fabrikam.example', inviteRedirectUrl: 'https://x.example', resetRedemption: true, invitedUser: { id: JOHN } };
    const statuses: number[] = [];
    for (const token of ['demo-apply', 'demo-apply', 'demo-admin', 'demo-admin']) {
      statuses.push((await graphFetch(emu.url, '/v1.0/invitations', { method: 'POST', body, token })).status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 429]);
  } finally {
    await emu.close();
  }
  const dflt = await withEmulator();
  try {
    const body = { invitedUserEmailAddress: 'john.doe@fabrikam.example', inviteRedirectUrl: 'https://x.example', resetRedemption: true, invitedUser: { id: JOHN } };
    const all = await Promise.all(Array.from({ length: 151 }, () => graphFetch(dflt.url, '/v1.0/invitations', { method: 'POST', body })));
    assert.equal(all.filter((r) => r.status === 201).length, 150);
    assert.equal(all.filter((r) => r.status === 429).length, 1);
  } finally {
    await dflt.close();
  }
});

test('throttle: false disables the model', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const rs = await Promise.all(Array.from({ length: 50 }, () => graphFetch(emu.url, '/v1.0/users?$top=1')));
    assert.ok(rs.every((r) => r.status === 200));
    assert.equal((await emu.state()).throttled, 0);
  } finally {
    await emu.close();
  }
});
