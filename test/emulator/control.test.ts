import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RequestLogEntry } from '../../src/emulator/index.js';
import { graphFetch, withEmulator } from '../helpers/emulator.js';

test('onRequest runs synchronously after handling and before the response is written', async () => {
  const events: string[] = [];
  const seen: RequestLogEntry[] = [];
  const emu = await startEmulator({
    throttle: false,
    onRequest: (e) => {
      events.push(`log:${e.seq}:${e.status}`);
      seen.push(e);
    },
  });
  try {
    const r = await graphFetch(emu.url, '/v1.0/users/6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10', { method: 'PATCH', body: { mail: 'a@b.example' } });
    events.push(`response:${r.status}`);
    assert.deepEqual(events, ['log:1:204', 'response:204']);
    assert.deepEqual(seen[0]!.requestBody, { mail: 'a@b.example' });
    assert.equal(seen[0]!.method, 'PATCH');
  } finally {
    await emu.close();
  }
});

test('requests log: ordered, ?since filters, reset-log empties it, no tokens', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    await graphFetch(emu.url, '/v1.0/users?$top=1');
    await graphFetch(emu.url, `/v1.0/users?$filter=${encodeURIComponent("mail eq 'x''y@z.example'")}`, { token: 'demo-plan' });
    const all = await emu.requests();
    assert.deepEqual(all.map((e) => e.seq), [1, 2]);
    assert.equal(all[0]!.query, '$top=1');
    assert.equal(decodeURIComponent(all[1]!.query), "$filter=mail eq 'x''y@z.example'");
    assert.ok(!JSON.stringify(all).includes('demo-'));
    assert.deepEqual((await emu.requests(1)).map((e) => e.seq), [2]);
    await emu.resetLog();
    assert.deepEqual(await emu.requests(), []);
    await graphFetch(emu.url, '/v1.0/users?$top=1');
    assert.deepEqual((await emu.requests()).map((e) => e.seq), [3]);
  } finally {
    await emu.close();
  }
});

test('state shows users, markers, role assignments; redeem of a non-pending user is refused', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const s = await emu.state();
    assert.equal(s.users.length, 9);
    assert.equal(s.roleAssignments.length, 2);
    assert.deepEqual(Object.keys(s.markers).length, 6);
    assert.match(String(s.markers['6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10']!['extension_8c3f2a105b7e4d2c9a613e0f7b9d2c41_guestopsState']), /"v":1/);
    await assert.rejects(emu.redeem('6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10'), /HTTP 409/);
    await assert.rejects(emu.redeem('11111111-2222-4333-8444-555555555555'), /HTTP 404/);
    const grace = await emu.redeem('7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9da0');
    assert.equal(grace.externalUserState, 'Accepted');
    assert.ok(grace.externalUserStateChangeDateTime > '2026-11-20T16:00:00Z');
    const r = await fetch(`${emu.url}/_emulator/nope`);
    assert.equal(r.status, 404);
  } finally {
    await emu.close();
  }
});
