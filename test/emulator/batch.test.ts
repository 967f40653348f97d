import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphFetch, withEmulator } from '../helpers/emulator.js';

const JOHN = '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10';
const ALICE = '0b7e4c1a-3f2d-4e8b-a6c9-5d1e2f3a4b50';

test('$batch runs inner requests through the same handlers, per-request status/headers/body, logged with their parent', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const r = await graphFetch(emu.url, '/v1.0/$batch', {
      method: 'POST',
      body: {
        requests: [
          { id: 'a', method: 'GET', url: `/users/${JOHN}?$select=id,mail` },
          { id: 'b', method: 'GET', url: `users/${ALICE}?$select=id` },
          { id: 'c', method: 'PATCH', url: `/users/${ALICE}`, headers: { 'Content-Type': 'application/json' }, body: { mail: 'alice@new.example' } },
          { id: 'd', method: 'GET', url: '/users/11111111-2222-4333-8444-555555555555' },
        ],
      },
    });
    assert.equal(r.status, 200);
    const by = Object.fromEntries(r.body.responses.map((x: { id: string }) => [x.id, x]));
    assert.equal(by.a.status, 200);
    assert.equal(by.a.body.mail, 'john.doe@fabrikam.example');
    assert.equal(by.a.headers['Content-Type'], 'application/json');
    assert.equal(by.b.body.id, ALICE);
    assert.equal(by.c.status, 204);
    assert.equal(by.c.body, undefined);
    assert.equal(by.d.status, 404);
    assert.equal(by.d.body.error.code, 'Request_ResourceNotFound');
    const log = await emu.requests();
    const parent = log.find((e) => e.path === '/v1.0/$batch')!;
    const inner = log.filter((e) => e.batch);
    assert.equal(inner.length, 4);
    assert.ok(inner.every((e) => e.batch!.parentSeq === parent.seq && e.seq > parent.seq));
    assert.deepEqual(inner.map((e) => [e.batch!.id, e.method, e.path, e.status]), [
      ['a', 'GET', `/v1.0/users/${JOHN}`, 200],
      ['b', 'GET', `/v1.0/users/${ALICE}`, 200],
      ['c', 'PATCH', `/v1.0/users/${ALICE}`, 204],
      ['d', 'GET', '/v1.0/users/11111111-2222-4333-8444-555555555555', 404],
    ]);
    assert.deepEqual(inner[2]!.requestBody, { mail: 'alice@new.example' });
    assert.equal((await emu.state()).users.find((u) => u.id === ALICE)!['mail'], 'alice@new.example');
  } finally {
    await emu.close();
  }
});

test('dependsOn: a failed dependency gives 424 to its dependants, which never run', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const r = await graphFetch(emu.url, '/v1.0/$batch', {
      method: 'POST',
      body: {
        requests: [
          { id: '2', method: 'PATCH', url: `/users/${JOHN}`, headers: { 'content-type': 'application/json' }, body: { mail: 'after@x.example' }, dependsOn: ['1'] },
          { id: '1', method: 'PATCH', url: `/users/${JOHN}`, headers: { 'content-type': 'application/json' }, body: { nosuch: 1 } },
          { id: '3', method: 'GET', url: `/users/${JOHN}?$select=mail`, dependsOn: ['2'] },
        ],
      },
    });
    const by = Object.fromEntries(r.body.responses.map((x: { id: string }) => [x.id, x]));
    assert.equal(by['1'].status, 400);
    assert.equal(by['2'].status, 424);
    assert.equal(by['3'].status, 424);
    assert.equal((await emu.state()).users.find((u) => u.id === JOHN)!['mail'], 'john.doe@fabrikam.example');
    assert.equal((await emu.requests()).filter((e) => e.batch).length, 1, 'dependants are not executed');
  } finally {
    await emu.close();
  }
});

test('$batch payload refusals: over 20 requests, absolute url, body without Content-Type, unknown dependency', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users?$top=1' }));
    const over = await graphFetch(emu.url, '/v1.0/$batch', { method: 'POST', body: { requests: many } });
    assert.equal(over.status, 400);
    const twenty = await graphFetch(emu.url, '/v1.0/$batch', { method: 'POST', body: { requests: many.slice(0, 20) } });
    assert.equal(twenty.status, 200);
    assert.equal(twenty.body.responses.length, 20);
    const bodies = [
      { requests: [{ id: '1', method: 'GET', url: `${emu.url}/v1.0/users` }] },
      { requests: [{ id: '1', method: 'PATCH', url: `/users/${JOHN}`, body: { mail: 'a@b.example' } }] },
      { requests: [{ id: '1', method: 'GET', url: '/users', dependsOn: ['9'] }] },
      { requests: [{ id: '1', method: 'GET', url: '/users' }, { id: '1', method: 'GET', url: '/users' }] },
      { nope: true },
    ];
    for (const body of bodies) {
      const r = await graphFetch(emu.url, '/v1.0/$batch', { method: 'POST', body });
      assert.equal(r.status, 400, JSON.stringify(body));
    }
  } finally {
    await emu.close();
  }
});

test('a throttled inner request is a 429 with Retry-After inside a 200 batch', async () => {
  const emu = await withEmulator({ throttle: { resourceUnitsPer10s: 3 } });
  try {
    const r = await graphFetch(emu.url, '/v1.0/$batch', {
      method: 'POST',
      body: { requests: Array.from({ length: 5 }, (_, i) => ({ id: String(i), method: 'GET', url: `/users/${JOHN}` })) },
    });
    assert.equal(r.status, 200);
    const statuses = r.body.responses.map((x: { status: number }) => x.status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const t = r.body.responses[3];
    assert.equal(t.body.error.code, 'TooManyRequests');
    assert.match(t.headers['Retry-After'], /^\d+$/);
  } finally {
    await emu.close();
  }
});
