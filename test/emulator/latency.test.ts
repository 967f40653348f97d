/**
 * The emulator's latency model (src/emulator/latency.ts), driven over HTTP: `guestops emulator
 * --latency` as a child process and the `/_emulator/latency` control plane. Delays are judged from
 * what the emulator reports it applied (a request can only be slower than its delay, never faster:
 * the wall clock is checked as a lower bound only), and replaying the same requests with the same
 * seed must give the same delays.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { startEmulatorProcess, runCli } from '../helpers/cli.js';
import { graphFetch, withEmulator } from '../helpers/emulator.js';

interface Applied {
  method: string;
  url: string;
  kind: string;
  objects: number;
  newConnection: boolean;
  ms: number;
}

interface LatencyView {
  model: Record<string, unknown> | null;
  description: string;
  applied: Applied[];
}

async function latencyView(url: string): Promise<LatencyView> {
  return (await (await fetch(`${url}/_emulator/latency`)).json()) as LatencyView;
}

async function putSpec(url: string, spec: string): Promise<Response> {
  return fetch(`${url}/_emulator/latency`, { method: 'PUT', body: JSON.stringify({ spec }), headers: { 'content-type': 'application/json' } });
}

/** A fixed mix of every request class: a single read, a list page, a $batch of 2, a write. */
async function mix(url: string): Promise<number[]> {
  const walls: number[] = [];
  const timed = async (f: () => Promise<{ status: number }>, status: number) => {
    const t0 = performance.now();
    const r = await f();
    walls.push(performance.now() - t0);
    assert.equal(r.status, status);
  };
  await timed(() => graphFetch(url, '/v1.0/users?$select=id&$top=3', { token: 'demo-plan' }), 200);
  await timed(() => graphFetch(url, '/v1.0/users/6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10?$select=id', { token: 'demo-plan' }), 200);
  await timed(
    () =>
      graphFetch(url, '/v1.0/$batch', {
        token: 'demo-plan',
        method: 'POST',
        body: { requests: [{ id: '1', method: 'GET', url: '/me' }, { id: '2', method: 'GET', url: '/users?$top=1&$select=id' }] },
      }),
    200,
  );
  await timed(() => graphFetch(url, '/v1.0/users/6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10', { token: 'demo-apply', method: 'PATCH', body: { displayName: 'John' } }), 204);
  return walls;
}

test('guestops emulator --latency applies the model per request class, deterministically for a seed', async () => {
  const emu = await startEmulatorProcess(['--latency', 'off,read=20,list=10+5,batch=15+10,write=25,jitter=0.4,seed=11']);
  try {
    const walls = await mix(emu.url);
    const first = await latencyView(emu.url);
    assert.match(first.description, /read 20 ms, list page 10 ms \+ 5 ms\/user, \$batch 15 ms \+ 10 ms\/inner request, write 25 ms, new connection \+0 ms, jitter ±40 %, scale 1, seed 11/);
    assert.deepEqual(first.applied.map((a) => [a.kind, a.objects]), [['list', 3], ['read', 1], ['batch', 2], ['write', 1]]);
    const bases = [10 + 5 * 3, 20, 15 + 10 * 2, 25];
    first.applied.forEach((a, i) => {
      assert.ok(a.ms >= bases[i]! * 0.6 - 1 && a.ms <= bases[i]! * 1.4 + 1, `${a.kind}: ${a.ms} ms outside ${bases[i]} ms ±40 %`);
      assert.ok(walls[i]! >= a.ms - 1, `${a.kind} answered in ${walls[i]} ms, before its ${a.ms} ms delay`);
    });
    assert.ok(new Set(first.applied.map((a, i) => a.ms / bases[i]!)).size > 1, 'jitter must vary the delays');

    // Same spec again (counters restart): the same requests get the same delays.
    assert.equal((await putSpec(emu.url, 'off,read=20,list=10+5,batch=15+10,write=25,jitter=0.4,seed=11')).status, 200);
    await mix(emu.url);
    assert.deepEqual((await latencyView(emu.url)).applied.map((a) => a.ms), first.applied.map((a) => a.ms));

    // Another seed: other delays.
    assert.equal((await putSpec(emu.url, 'off,read=20,list=10+5,batch=15+10,write=25,jitter=0.4,seed=12')).status, 200);
    await mix(emu.url);
    assert.notDeepEqual((await latencyView(emu.url)).applied.map((a) => a.ms), first.applied.map((a) => a.ms));

    // A repeated identical request is a new occurrence with its own (deterministic) delay.
    assert.equal((await putSpec(emu.url, 'off,read=50,jitter=1,seed=3')).status, 200);
    for (let i = 0; i < 6; i++) await graphFetch(emu.url, '/v1.0/me', { token: 'demo-admin' });
    const repeated = (await latencyView(emu.url)).applied.map((a) => a.ms);
    assert.ok(new Set(repeated).size > 1, `six reads of /me all waited ${repeated[0]} ms`);

    assert.equal((await fetch(`${emu.url}/_emulator/latency`, { method: 'DELETE' })).status, 204);
    assert.equal((await latencyView(emu.url)).model, null);
  } finally {
    assert.equal((await emu.stop('SIGTERM')).code, 0);
  }
});

test('scale multiplies the model; a bad spec is a one-line usage error or a 400', async () => {
  const emu = await withEmulator({ throttle: false, latency: 'off,read=8,jitter=0,seed=1' });
  try {
    await graphFetch(emu.url, '/v1.0/me', { token: 'demo-admin' });
    assert.equal((await putSpec(emu.url, 'off,read=8,jitter=0,scale=3')).status, 200);
    await graphFetch(emu.url, '/v1.0/me', { token: 'demo-admin' });
    assert.deepEqual((await latencyView(emu.url)).applied.map((a) => a.ms), [24]);
    const bad = await putSpec(emu.url, 'graph,list=fast');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /list needs BASE or BASE\+PER/);
  } finally {
    await emu.close();
  }
  const r = await runCli(['emulator', '--latency', 'graph,jitter=2']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /jitter must be a number from 0 to 1/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

/** GET `path` through `agent` (its connections, kept alive), answered with its status. */
function getVia(agent: Agent, url: string, path: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

test('connect=MS: the first Graph request on each new connection pays the handshake, a kept-alive connection does not', async () => {
  const emu = await withEmulator({ throttle: false, latency: 'off,read=10,connect=40,jitter=0' });
  const agents: Agent[] = [];
  const agent = (maxSockets: number) => {
    const a = new Agent({ keepAlive: true, maxSockets });
    agents.push(a);
    return a;
  };
  try {
    assert.match((await latencyView(emu.url)).description, /read 10 ms, .*new connection \+40 ms/);
    // One connection, two requests after each other: only the first pays.
    const one = agent(1);
    assert.equal(await getVia(one, emu.url, '/v1.0/me', 'demo-admin'), 200);
    assert.equal(await getVia(one, emu.url, '/v1.0/me', 'demo-admin'), 200);
    // A control-plane request first does not pre-pay the handshake of the Graph request after it.
    const control = agent(1);
    assert.equal(await getVia(control, emu.url, '/_emulator/latency'), 200);
    assert.equal(await getVia(control, emu.url, '/v1.0/me', 'demo-admin'), 200);
    // Three at once on an agent of three sockets: three connections, three handshakes (in parallel).
    const three = agent(3);
    const t0 = performance.now();
    assert.deepEqual(await Promise.all([1, 2, 3].map(() => getVia(three, emu.url, '/v1.0/me', 'demo-admin'))), [200, 200, 200]);
    assert.ok(performance.now() - t0 >= 50 - 1, 'each of them waited for its own handshake');
    assert.equal(await getVia(three, emu.url, '/v1.0/me', 'demo-admin'), 200);

    const applied = (await latencyView(emu.url)).applied;
    assert.deepEqual(applied.map((a) => [a.newConnection, a.ms]), [[true, 50], [false, 10], [true, 50], [true, 50], [true, 50], [true, 50], [false, 10]]);
    const bad = await putSpec(emu.url, 'graph,connect=slow');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /connect must be a number of milliseconds/);
  } finally {
    for (const a of agents) a.destroy();
    await emu.close();
  }
});
