import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withEmulator } from '../helpers/emulator.js';
import { createGraph } from '../../src/graph/client.js';
import { listAll } from '../../src/graph/paging.js';
import { GraphError, GraphUnreachableError } from '../../src/graph/graph-error.js';
import { withManyGuests } from '../apply/support.js';

const auth = { getAccessToken: async () => 'demo-apply' };
const fast = { maxRetries: 3, baseDelayMs: 20, maxDelayMs: 5_000, timeoutMs: 400 };

test('paging follows @odata.nextLink verbatim through the SDK client', async () => {
  const emu = await withEmulator({ seedPatch: withManyGuests(1_200), throttle: false });
  try {
    const graph = createGraph({ graphUrl: emu.url, auth });
    let requests = 0;
    const items = await listAll<{ id: string }>(graph, "/users?$filter=userType eq 'Guest'&$select=id&$top=500", {
      onPage: (_page, _read, pages) => (requests = pages),
    });
    assert.equal(items.length, 1_208);
    assert.equal(new Set(items.map((u) => u.id)).size, 1_208);
    assert.equal(requests, 3);
    const log = (await emu.requests()).filter((e) => e.path === '/v1.0/users');
    assert.equal(log.length, 3);
    assert.ok(log.slice(1).every((e) => /skiptoken/i.test(e.query)), 'later pages use the opaque skip token');
  } finally {
    await emu.close();
  }
});

test('Graph errors carry code, message and request-id; no token in the message', async () => {
  const emu = await withEmulator();
  try {
    const graph = createGraph({ graphUrl: emu.url, auth });
    await assert.rejects(graph.call({ method: 'GET', path: '/users/00000000-0000-4000-8000-999999999999' }), (e: unknown) => {
      assert.ok(e instanceof GraphError);
      assert.equal(e.status, 404);
      assert.equal(e.graphCode, 'Request_ResourceNotFound');
      assert.match(e.requestId ?? '', /^[0-9a-f-]{36}$/);
      assert.doesNotMatch(e.message, /demo-apply/);
      return true;
    });
  } finally {
    await emu.close();
  }
});

test('the bearer goes only to the configured Graph origin; a silent server is "no response"', async () => {
  const seen: (string | undefined)[] = [];
  const other = createServer((req, res) => {
    seen.push(req.headers.authorization);
    if (req.url?.includes('/slow')) return; // never answers
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  const emu = await withEmulator();
  try {
    const graph = createGraph({ graphUrl: emu.url, auth, retry: fast });
    const r = await graph.send({ method: 'GET', path: `${otherUrl}/v1.0/elsewhere` });
    assert.equal(r.status, 200);
    assert.deepEqual(seen, [undefined], 'no Authorization header to another origin');
    const me = await graph.send({ method: 'GET', path: '/me' });
    assert.notEqual(me.status, 401, 'the emulator got the token');

    const slowGraph = createGraph({ graphUrl: otherUrl, auth, retry: fast });
    await assert.rejects(slowGraph.send({ method: 'POST', path: '/slow', body: {} }), (e: unknown) => {
      assert.ok(e instanceof GraphUnreachableError);
      assert.equal(e.code, 'graph-outcome-unknown');
      return true;
    });
    assert.equal(seen.filter((x) => x === 'Bearer demo-apply').length, 1, 'a POST without answer is not re-sent');
    seen.length = 0;
    await assert.rejects(slowGraph.send({ method: 'GET', path: '/slow' }), GraphUnreachableError);
    assert.equal(seen.length, 1 + fast.maxRetries, 'an idempotent GET is retried');
  } finally {
    await emu.close();
    other.closeAllConnections();
    other.close();
  }
});
