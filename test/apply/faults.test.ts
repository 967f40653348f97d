import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEmulator } from '../helpers/emulator.js';
import { ALICE, ERIN, JOHN, assertLagExercised, demoWorkdir, guestops, isWrite, lagEnv, lagLabel, markerOf, resetsDone, useLag, workdir, type TestLag } from './support.js';

const invitationsPosted = (log: { method: string; path: string }[]) => log.filter((e) => e.method === 'POST' && e.path.endsWith('/invitations')).length;

test('a 429 storm with Retry-After (seconds and HTTP-date) still converges with exactly one reset per guest', async () => {
  const emu = await withEmulator();
  try {
    await emu.addFault([
      { method: 'POST', path: '/v1.0/invitations', status: 429, retryAfter: 1, times: 3 },
      { method: 'PATCH', path: '/v1.0/users/*', status: 429, retryAfter: new Date(Date.now() + 1_500).toUTCString(), times: 2 },
      // No Retry-After at all: guestops backs off on its own.
      { method: 'GET', path: '/v1.0/users', status: 429, times: 1 },
      { method: 'GET', path: '/v1.0/me', status: 503, retryAfter: 0, times: 1 },
    ]);
    const cwd = demoWorkdir();
    const r = await guestops(emu, ['apply'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const log = await emu.requests();
    assert.equal(log.filter((e) => e.status === 429 || e.status === 503).length, 7, 'every fault fired and was retried');
    assert.equal(resetsDone(log, JOHN), 1);
    assert.equal(resetsDone(log, ALICE), 1);
    const state = await emu.state();
    assert.equal(markerOf(state, ALICE)!.g, 1);
    assert.equal(markerOf(state, JOHN)!.p, undefined);
    const p = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd });
    assert.equal(p.code, 0, p.stdout);
  } finally {
    await emu.close();
  }
});

test('an inner 429 inside $batch is retried (the SDK does not)', async () => {
  const emu = await withEmulator();
  try {
    // The list page goes through; the next two reads of /v1.0/users are the `id in (…)` lookup of
    // Erin, who is not in the guest list.
    await emu.addFault({ method: 'GET', path: '/v1.0/users', status: 429, retryAfter: 1, afterRequests: 1, times: 2 });
    const cwd = workdir({ 'guests/erin.yaml': `guests:\n  - id: ${ERIN}\n    email: erin@contoso.example\n` });
    const r = await guestops(emu, ['plan', '--format', 'json'], { cwd });
    // Erin is a member: found only because the throttled inner read was retried.
    assert.equal(r.code, 1, r.stderr);
    const plan = JSON.parse(r.stdout) as { guests: { blocked?: { code: string } }[] };
    assert.equal(plan.guests[0]!.blocked?.code, 'not-a-guest');
    const inner = (await emu.requests()).filter((e) => e.batch && e.path === '/v1.0/users' && new URLSearchParams(e.query).get('$filter') === `id in ('${ERIN}')`);
    assert.deepEqual(inner.map((e) => e.status), [429, 429, 200]);
  } finally {
    await emu.close();
  }
});

/**
 * The lost answer: Graph acted, guestops never saw the answer. Under a replication lag the first
 * read-back may not show the reset yet; guestops must keep reading inside the window and never
 * conclude "not done" (and re-send) from a stale replica.
 */
async function lostAnswer(fault: { status: number } | { drop: true }, lag?: TestLag): Promise<void> {
  const label = `${JSON.stringify(fault)}${lagLabel(lag)}`;
  const emu = await withEmulator();
  try {
    await useLag(emu, lag);
    await emu.addFault({ method: 'POST', path: '/v1.0/invitations', phase: 'after', times: 2, ...fault });
    const cwd = demoWorkdir();
    const r = await guestops(emu, ['apply', '--report', 'r.json'], { cwd, env: lagEnv(lag) });
    assert.equal(r.code, 0, `${label}: ${r.stderr}`);
    const log = await emu.requests();
    assert.equal(invitationsPosted(log), 2, `${label}: one POST per guest, no blind re-POST`);
    assert.equal(resetsDone(log, JOHN), 1, label);
    assert.equal(resetsDone(log, ALICE), 1, label);
    const state = await emu.state();
    assert.equal(markerOf(state, JOHN)!.p, undefined, `${label}: final marker recorded after the read-back`);
    await assertLagExercised(emu, lag, label);
  } finally {
    await emu.close();
  }
}

test('a reset whose answer is lost (504 or dropped connection after Graph acted) is not sent again', async () => {
  for (const fault of [{ status: 504 }, { drop: true as const }]) await lostAnswer(fault);
});

/** The answer Graph gave (503) before acting: the read-back shows no reset, so it is sent again. */
async function refusedBeforeActing(lag?: TestLag): Promise<void> {
  const label = `503${lagLabel(lag)}`;
  const emu = await withEmulator();
  try {
    await useLag(emu, lag);
    await emu.addFault({ method: 'POST', path: '/v1.0/invitations', status: 503, times: 2 });
    const r = await guestops(emu, ['apply'], { cwd: demoWorkdir(), env: lagEnv(lag) });
    assert.equal(r.code, 0, `${label}: ${r.stderr}`);
    const log = await emu.requests();
    assert.equal(invitationsPosted(log), 4, label);
    assert.equal(resetsDone(log, JOHN), 1, label);
    assert.equal(resetsDone(log, ALICE), 1, label);
    await assertLagExercised(emu, lag, label);
  } finally {
    await emu.close();
  }
}

test('a reset refused with 503 before Graph acted is sent again after the read-back shows no reset', () => refusedBeforeActing());

/**
 * The same under a 500 ms replication lag, each change-time rule once: the cases where the lag
 * matters (a read-back after an unclear reset answer). The rest of this file has no read-back
 * a lag could mislead (429 retries, the lock, a refusal) and runs without lag only.
 */
test('under a 500 ms replication lag: a lost reset answer is not sent again (on-state-change, always); a 503 is (always)', async () => {
  await lostAnswer({ status: 504 }, { ms: 500, rule: 'on-state-change' });
  await lostAnswer({ drop: true }, { ms: 500, rule: 'always' });
  await refusedBeforeActing({ ms: 500, rule: 'always' });
});

test('a lasting 503 on /invitations: the tenant shows no reset, so the intent is taken back and another run resets at once', async () => {
  const emu = await withEmulator();
  try {
    // Three attempts per reset (the first and two re-sends) for John and Alice: Graph answers every
    // one, and every read-back shows the guest not reset.
    await emu.addFault({ method: 'POST', path: '/v1.0/invitations', status: 503, times: 6 });
    const cwd = demoWorkdir();
    const r = await guestops(emu, ['apply', '--report', 'r.json'], { cwd, env: { GUESTOPS_RUN_ID: 'run-503' } });
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as { guests: { id: string; outcome: string; error?: { code: string; message: string }; steps: { step: string }[] }[] };
    for (const id of [JOHN, ALICE]) {
      const g = report.guests.find((x) => x.id === id)!;
      assert.equal(g.error?.code, 'reset-not-done', JSON.stringify(g));
      assert.match(g.error!.message, /was answered HTTP 503 on all 3 attempts and the tenant, read back, shows it did not happen; guestops' intent was taken back/);
      assert.equal(g.steps.at(-1)!.step, 'clear-intent');
    }
    assert.match(r.stderr, /FAILED reset-not-done/);
    const state = await emu.state();
    assert.equal(markerOf(state, JOHN)!.p, undefined, 'no intent holds other runs off');
    assert.equal(markerOf(state, ALICE)!.p, undefined);
    assert.equal(resetsDone(await emu.requests(), JOHN), 0);

    // Another run (another run id, well inside the 15-minute lease) is not held: it resets both once.
    const again = await guestops(emu, ['apply'], { cwd, env: { GUESTOPS_RUN_ID: 'run-next' } });
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /intent-held/);
    const log = await emu.requests();
    assert.equal(resetsDone(log, JOHN), 1);
    assert.equal(resetsDone(log, ALICE), 1);
  } finally {
    await emu.close();
  }
});

test('a second apply with another run id meets the first one\'s apply lock (and, with --no-lock, its intents): no double reset', async () => {
  const emu = await withEmulator();
  try {
    // The first apply's resets hang for a while, so the second starts while its intents are held
    // (long enough for a second process to start on a loaded 2-core machine).
    await emu.addFault({ method: 'POST', path: '/v1.0/invitations', latencyMs: 12_000, times: 2 });
    // Only the two guests whose resets hang: every other write of the first run (another guest's
    // adoption, say) would land while the second runs and could not be told apart from its writes.
    const cwd = workdir({
      'guests/held.yaml': [
        'guests:',
        `  - id: ${JOHN}`,
        '    email: john.doe@northwind.example',
        '    acknowledgeDomainChange: fabrikam.example -> northwind.example',
        '    otherMails: [john.doe@northwind.example]',
        `  - id: ${ALICE}`,
        '    email: alice.wong@tailspin.example',
        '    generation: 1',
        '',
      ].join('\n'),
    });
    const first = guestops(emu, ['apply'], { cwd, env: { GUESTOPS_RUN_ID: 'run-A' } });
    const deadline = Date.now() + 15_000;
    for (;;) {
      const log = await emu.requests();
      const verified = log.filter((e) => e.method === 'GET' && (e.path.endsWith(JOHN) || e.path.endsWith(ALICE)) && !e.batch);
      // Per guest: the re-read before its first write, then the intent read-back.
      if (verified.length >= 4) break;
      if (Date.now() > deadline) throw new Error('first apply never reached its resets');
      await new Promise((res) => setTimeout(res, 50));
    }
    const writesBefore = (await emu.requests()).filter(isWrite).length;
    const second = await guestops(emu, ['apply'], { cwd, env: { GUESTOPS_RUN_ID: 'run-B' } });
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, /error apply-locked: another apply holds the tenant's apply lock: run run-A since \S+, lease until \S+ \(lock id [0-9a-f-]{36}\); nothing was written/);
    assert.equal((await emu.requests()).filter(isWrite).length, writesBefore, 'the locked-out run wrote to a user');
    // Without the lock (a CI concurrency group instead), each guest's intent still holds it.
    const unlocked = await guestops(emu, ['apply', '--no-lock'], { cwd, env: { GUESTOPS_RUN_ID: 'run-B' } });
    assert.equal(unlocked.code, 1, unlocked.stderr);
    assert.match(unlocked.stderr, /blocked intent-held: apply run run-A/);
    const a = await first;
    assert.equal(a.code, 0, a.stderr);
    const log = await emu.requests();
    assert.equal(resetsDone(log, JOHN), 1);
    assert.equal(resetsDone(log, ALICE), 1);
    // Once the first run is done, the second finds nothing left to do.
    const third = await guestops(emu, ['apply'], { cwd, env: { GUESTOPS_RUN_ID: 'run-B' } });
    assert.equal(third.code, 0, third.stderr);
    assert.equal(resetsDone(await emu.requests(), JOHN), 1);
  } finally {
    await emu.close();
  }
});

test('a reset Graph refuses (403) fails only that guest, names Graph\'s reason, takes the intent back; a re-run resets once', async () => {
  const emu = await withEmulator();
  try {
    // A refusal Graph gives for reasons guestops cannot see in advance (e.g. a role held through a group).
    await emu.addFault({ method: 'POST', path: '/v1.0/invitations', status: 403, code: 'Authorization_RequestDenied', times: 1 });
    const cwd = demoWorkdir();
    const r = await guestops(emu, ['apply', '--report', 'r.json', '--concurrency', '1'], { cwd });
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as { guests: { id: string; outcome: string; error?: { code: string; message: string } }[] };
    const failed = report.guests.filter((g) => g.outcome === 'failed');
    assert.equal(failed.length, 1, 'the other guests were applied');
    assert.equal(failed[0]!.error?.code, 'reset-refused');
    assert.match(failed[0]!.error!.message, /POST \/invitations failed: HTTP 403 Authorization_RequestDenied .*\(request-id [0-9a-f-]+\)/);
    const state = await emu.state();
    assert.equal(markerOf(state, failed[0]!.id)!.p, undefined, 'the intent was taken back, so no lease holds other runs off');

    const again = await guestops(emu, ['apply'], { cwd });
    assert.equal(again.code, 0, again.stderr);
    const log = await emu.requests();
    assert.equal(resetsDone(log, failed[0]!.id), 1, 'exactly one successful reset after the refusal');
    assert.equal(resetsDone(log, JOHN) + resetsDone(log, ALICE), 2);
  } finally {
    await emu.close();
  }
});
