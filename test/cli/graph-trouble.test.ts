/**
 * Error codes that name what happened, and retries that say what they wait for: a 429 storm on a
 * reset is `reset-throttled` (not `reset-refused`) and takes the intent back; a Graph that never
 * answers a read is `graph-unreachable`; every wait of 2 s or more is one line on stderr.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEmulator } from '../helpers/emulator.js';
import { ALICE, JOHN, demoWorkdir, guestops, isWrite, markerOf, resetsDone } from '../apply/support.js';

const WAIT_LINE = /^guestops: Graph answered .* with .*; waiting [\d.]+ s.* before retry \d+ of \d+$/;

test('a 429 storm on /invitations fails the reset as reset-throttled, takes the intent back; the re-run resets once', async () => {
  const emu = await withEmulator();
  try {
    await emu.addFault({ method: 'POST', path: '/v1.0/invitations', status: 429, retryAfter: 0, times: 100 });
    const cwd = demoWorkdir();
    const env = { GUESTOPS_MAX_RETRIES: '2' };
    const r = await guestops(emu, ['apply', '--report', 'r.json', '--concurrency', '1'], { cwd, env });
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as { guests: { id: string; error?: { code: string; message: string } }[] };
    const john = report.guests.find((g) => g.id === JOHN)!;
    assert.equal(john.error?.code, 'reset-throttled');
    assert.match(john.error!.message, /was throttled by Graph on all 3 attempt\(s\) \(Graph POST \/invitations failed: HTTP 429 /);
    assert.doesNotMatch(r.stderr, /reset-refused/);
    assert.match(r.stderr, /FAILED reset-throttled/);
    assert.equal(markerOf(await emu.state(), JOHN)!.p, undefined, 'a 429 is refused before Graph acts: the intent is taken back');

    await emu.clearFaults();
    const again = await guestops(emu, ['apply'], { cwd });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(resetsDone(await emu.requests(), JOHN), 1);
  } finally {
    await emu.close();
  }
});

test('a read Graph never answers ends as graph-unreachable, one line', async () => {
  const emu = await withEmulator();
  try {
    await emu.addFault({ method: 'GET', path: '/v1.0/users', drop: true, times: 100 });
    const r = await guestops(emu, ['plan'], { cwd: demoWorkdir(), env: { GUESTOPS_MAX_RETRIES: '2' } });
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n').filter((l) => !WAIT_LINE.test(l));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^guestops plan: error graph-unreachable: Graph GET \/users\?.* no response in 3 attempt\(s\) \(.*\); check the network or proxy to Graph, then run again$/);
    assert.equal((await emu.requests()).filter(isWrite).length, 0);
  } finally {
    await emu.close();
  }
});

test('a retry waiting 2 s or more says so on stderr, once per wait; short waits stay quiet', async () => {
  const emu = await withEmulator();
  try {
    await emu.addFault([
      { method: 'GET', path: '/v1.0/users', status: 429, retryAfter: 2, times: 1 },
      { method: 'GET', path: '/v1.0/me', status: 503, retryAfter: 0, times: 1 },
    ]);
    const r = await guestops(emu, ['plan'], { cwd: demoWorkdir() });
    assert.equal(r.code, 0, r.stderr);
    const waits = r.stderr.split('\n').filter((l) => WAIT_LINE.test(l));
    assert.equal(waits.length, 1, r.stderr);
    assert.match(waits[0]!, /^guestops: Graph answered GET \/users with HTTP 429; waiting 2(\.\d)? s as its Retry-After asks before retry 1 of 8$/);
  } finally {
    await emu.close();
  }
});

const CONSISTENCY_LINE = /^guestops: .*; checking again for up to [\d.]+ s while Graph's replicas catch up \(consistency window [\d.]+ s\)$/;

test("waiting 2 s or more for guestops' own write to show is said on stderr, once per write; no lag, no line", async () => {
  const emu = await withEmulator();
  try {
    // Every write stays invisible to reads for 4 s: the intent read-back before each reset must
    // wait that out, past the 2 s after which a wait is told.
    await emu.settings({ replicationLagMs: 4_000 });
    const r = await guestops(emu, ['apply', '--consistency-window', '30'], { cwd: demoWorkdir() });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => /checking again/.test(l));
    for (const l of lines) assert.match(l, CONSISTENCY_LINE);
    for (const id of [JOHN, ALICE]) {
      const own = lines.filter((l) => l.startsWith(`guestops: GET /users/${id} does not show guestops' own write yet; `));
      assert.equal(own.length, 1, r.stderr);
      assert.match(own[0]!, /; checking again for up to [\d.]+ s while Graph's replicas catch up \(consistency window 30 s\)$/);
    }
    assert.equal(resetsDone(await emu.requests(), JOHN), 1);

    const calm = await withEmulator();
    try {
      const quiet = await guestops(calm, ['apply', '--consistency-window', '30'], { cwd: demoWorkdir() });
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.doesNotMatch(quiet.stderr, /checking again/);
    } finally {
      await calm.close();
    }
  } finally {
    await emu.close();
  }
});
