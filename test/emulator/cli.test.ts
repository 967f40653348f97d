/** `guestops emulator` as a user runs it: a child process on 127.0.0.1, stopped by a signal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { runCli, startEmulatorProcess as startCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('guestops emulator prints the listening line first, serves Graph, and exits 0 on SIGTERM and SIGINT', async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const emu = await startCli([]);
    const r = await fetch(`${emu.url}/v1.0/users?$select=id&$top=2`, { headers: { authorization: 'Bearer demo-plan' } });
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { value: unknown[] }).value.length, 2);
    const { code, stderr } = await emu.stop(signal);
    assert.equal(code, 0, stderr);
  }
});

test('--port, --seed and --no-throttle are honoured', async () => {
  const port = await freePort();
  const emu = await startCli(['--port', String(port), '--seed', fixture('emulator', 'minimal.json'), '--no-throttle']);
  try {
    assert.equal(emu.url, `http://127.0.0.1:${port}`);
    const rs = await Promise.all(Array.from({ length: 40 }, () => fetch(`${emu.url}/v1.0/users`, { headers: { authorization: 'Bearer reader' } })));
    assert.ok(rs.every((r) => r.status === 200));
    const state = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as { users: unknown[]; throttled: number };
    assert.equal(state.users.length, 1);
  } finally {
    assert.equal((await emu.stop('SIGTERM')).code, 0);
  }
});

test('--resource-units sets the per-app budget', async () => {
  const emu = await startCli(['--resource-units', '2']);
  try {
    const get = () => fetch(`${emu.url}/v1.0/users`, { headers: { authorization: 'Bearer demo-plan' } });
    assert.equal((await get()).status, 200);
    const r = await get();
    assert.equal(r.status, 429);
    assert.ok(r.headers.get('retry-after'));
  } finally {
    assert.equal((await emu.stop('SIGTERM')).code, 0);
  }
});

test('--help, bad options and a bad seed', async () => {
  const help = await runCli(['emulator', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^guestops emulator: .*\n\nUsage: guestops emulator \[--port N\] \[--seed FILE\] \[--no-throttle\]/);
  const bad = await runCli(['emulator', '--port', 'abc']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--port must be an integer/);
  const ru = await runCli(['emulator', '--resource-units', '0']);
  assert.equal(ru.code, 1);
  assert.match(ru.stderr, /--resource-units must be a positive integer/);
  const unknown = await runCli(['emulator', '--frob']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown option '--frob'/);
  const seed = await runCli(['emulator', '--seed', fixture('emulator', 'bad-user-type.json')]);
  assert.equal(seed.code, 1);
  assert.match(seed.stderr, /bad-user-type\.json: users\[0\]\.userType/);
  assert.equal(seed.stdout, '');
});
