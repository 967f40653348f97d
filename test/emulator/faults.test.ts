import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphFetch, withEmulator } from '../helpers/emulator.js';

const JOHN = '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10';

test('a status rule answers N times with Retry-After (seconds or HTTP-date), then lets requests through', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    await emu.addFault({ method: 'GET', path: '/v1.0/users', status: 429, times: 2, retryAfter: 3 });
    const a = await graphFetch(emu.url, '/v1.0/users');
    assert.equal(a.status, 429);
    assert.equal(a.headers.get('retry-after'), '3');
    assert.equal(a.body.error.code, 'TooManyRequests');
    assert.equal(a.body.error.innerError['request-id'], a.headers.get('request-id'));
    assert.equal((await graphFetch(emu.url, '/v1.0/users')).status, 429);
    assert.equal((await graphFetch(emu.url, '/v1.0/users')).status, 200);
    await emu.clearFaults();
    const date = new Date(Date.now() + 5000).toUTCString();
    await emu.addFault({ path: '/v1.0/users/*', status: 503, retryAfter: date });
    const b = await graphFetch(emu.url, `/v1.0/users/${JOHN}`);
    assert.equal(b.status, 503);
    assert.equal(b.headers.get('retry-after'), date);
    assert.equal(b.body.error.code, 'ServiceUnavailable');
    assert.equal((await graphFetch(emu.url, '/v1.0/users')).status, 200, 'glob does not match the collection');
    await emu.clearFaults();
    assert.equal((await graphFetch(emu.url, `/v1.0/users/${JOHN}`)).status, 200);
    const log = await emu.requests();
    assert.deepEqual(log.map((e) => e.status), [429, 429, 200, 503, 200, 200]);
    assert.deepEqual(log[0]!.fault, { rule: 0, phase: 'before', effect: 'status' });
  } finally {
    await emu.close();
  }
});

test('afterRequests lets the first matches through; method must match', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    await emu.addFault({ method: 'PATCH', path: '/v1.0/users/*', status: 500, afterRequests: 2, times: 1 });
    const patch = () => graphFetch(emu.url, `/v1.0/users/${JOHN}`, { method: 'PATCH', body: { mail: 'a@b.example' } });
    assert.equal((await graphFetch(emu.url, `/v1.0/users/${JOHN}`)).status, 200);
    assert.deepEqual([(await patch()).status, (await patch()).status, (await patch()).status, (await patch()).status], [204, 204, 500, 204]);
  } finally {
    await emu.close();
  }
});

test("phase 'after': the write happens, the client sees the failure (lost response)", async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    await emu.addFault({ method: 'PATCH', path: `/v1.0/users/${JOHN}`, status: 504, phase: 'after', times: 1 });
    const r = await graphFetch(emu.url, `/v1.0/users/${JOHN}`, { method: 'PATCH', body: { mail: 'written@x.example' } });
    assert.equal(r.status, 504);
    assert.equal((await emu.state()).users.find((u) => u.id === JOHN)!['mail'], 'written@x.example');
    const [entry] = await emu.requests();
    assert.equal(entry!.status, 504);
    assert.equal(entry!.handledStatus, 204);
  } finally {
    await emu.close();
  }
});

test('drop destroys the connection; latency delays the answer; inside $batch a drop loses the batch', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    await emu.addFault({ path: '/v1.0/users', drop: true, times: 1 });
    await assert.rejects(graphFetch(emu.url, '/v1.0/users'));
    assert.equal((await graphFetch(emu.url, '/v1.0/users')).status, 200);
    await emu.addFault({ path: `/v1.0/users/${JOHN}`, latencyMs: 300, times: 1 });
    const t0 = Date.now();
    assert.equal((await graphFetch(emu.url, `/v1.0/users/${JOHN}`)).status, 200);
    assert.ok(Date.now() - t0 >= 290);
    await emu.addFault({ method: 'PATCH', path: `/v1.0/users/${JOHN}`, drop: true, phase: 'after', times: 1 });
    await assert.rejects(
      graphFetch(emu.url, '/v1.0/$batch', {
        method: 'POST',
        body: { requests: [{ id: '1', method: 'PATCH', url: `/users/${JOHN}`, headers: { 'content-type': 'application/json' }, body: { mail: 'b@x.example' } }] },
      }),
    );
    const log = await emu.requests();
    const last = log.slice(-2);
    assert.equal(last[0]!.path, '/v1.0/$batch');
    assert.equal(last[0]!.status, 0);
    assert.equal(last[1]!.status, 0);
    assert.equal(last[1]!.handledStatus, 204);
    assert.equal((await emu.state()).users.find((u) => u.id === JOHN)!['mail'], 'b@x.example');
  } finally {
    await emu.close();
  }
});

test('invalid fault rules are refused with a clear message', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    for (const rule of [{}, { path: 'users', status: 500 }, { path: '/v1.0/users' }, { path: '/v1.0/users', status: 99 }, { path: '/x', status: 500, retryAfter: 'soon' }, { path: '/x', status: 500, bogus: 1 }]) {
      await assert.rejects(emu.addFault(rule as never), /HTTP 400 .*fault rule/);
    }
  } finally {
    await emu.close();
  }
});
