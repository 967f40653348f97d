/**
 * Ctrl-C and SIGTERM during apply, sent as a user sends them: a real signal to the CLI child
 * process at a chosen write (counted in the emulator's request log). The first signal lets the
 * guests in flight finish and starts no new one; a second stops at once. Either way every guest
 * is judged from the emulator alone — untouched, or converged (mail changed, reset once, final
 * marker) — and the printed resume command finishes the rest, with one reset per guest in all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli, runCli } from '../helpers/cli.js';
import { withEmulator, type RequestLogEntry, type TestEmulator } from '../helpers/emulator.js';
import { isWrite, markerOf, resetsDone, userOf, workdir } from '../apply/support.js';
import { generatedGuests, guestUser, tenantOf } from '../adopt/support.js';

const GUESTS = generatedGuests(8);
const newEmail = (i: number) => `moved${i}@contoso-partner.example`;

function guestsDir(): string {
  // Each move to another domain is acknowledged, as plan requires.
  const lines = GUESTS.map((g, i) => `  - id: ${g.id}\n    email: ${newEmail(i)}\n    acknowledgeDomainChange: ${g.mail!.split('@')[1]} -> contoso-partner.example\n`).join('');
  return workdir({ 'guests/moved.yaml': `guests:\n${lines}` });
}

type Judged = 'untouched' | 'converged';

/** Every guest is untouched or converged; nothing in between. */
async function judge(emu: TestEmulator): Promise<Judged[]> {
  const state = await emu.state();
  const log = await emu.requests();
  return GUESTS.map((g, i) => {
    const u = userOf(state, g.id);
    const marker = markerOf(state, g.id);
    const writes = log.filter((e) => isWrite(e) && (e.path.endsWith(g.id) || (e.requestBody as { invitedUser?: { id?: string } })?.invitedUser?.id === g.id));
    if (writes.length === 0) {
      assert.equal(u['mail'], g.mail);
      assert.equal(marker, null);
      return 'untouched';
    }
    assert.equal(u['mail'], newEmail(i), `guest ${i} half-done: mail`);
    assert.equal(resetsDone(log, g.id), 1, `guest ${i} half-done: resets`);
    assert.ok(marker && marker.p === undefined, `guest ${i} half-done: marker ${JSON.stringify(marker)}`);
    return 'converged';
  });
}

function startApply(emu: TestEmulator, cwd: string, runId: string) {
  const child = spawnCli(['apply', '--concurrency', '2', '--run-id', runId, '--report', 'report.json', '--graph-url', emu.url], {
    cwd,
    env: { GUESTOPS_TOKEN: 'demo-apply', GUESTOPS_RETRY_BASE_MS: '50' },
  });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = (once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>).then(([code, signal]) => ({ code, signal, stdout, stderr }));
  return { child, exited };
}

/** Runs the resume command exactly as printed (after "Resume with: " / "resumes: "). */
async function resume(printed: string, emu: TestEmulator, cwd: string) {
  const m = /(?:Resume with|resumes): guestops (apply .*)$/m.exec(printed);
  assert.ok(m, `no resume command in: ${printed}`);
  const args = m[1]!.split(' ');
  assert.ok(args.includes('--graph-url'));
  return runCli(args, { cwd, env: { GUESTOPS_TOKEN: 'demo-apply', GUESTOPS_RETRY_BASE_MS: '50' } });
}

/** An emulator that calls `at(n)` after it handled the n-th write. */
async function emulatorCountingWrites(at: (n: number) => void, latencyOnResets = 0): Promise<TestEmulator> {
  let writes = 0;
  const emu = await withEmulator({
    throttle: false,
    seedPatch: tenantOf(GUESTS.map((g) => guestUser(g))),
    onRequest: (e: RequestLogEntry) => {
      if (!e.batch && isWrite(e)) at(++writes);
    },
  });
  if (latencyOnResets) await emu.addFault({ method: 'POST', path: '/v1.0/invitations', latencyMs: latencyOnResets, times: 100 });
  return emu;
}

for (const [signal, k] of [['SIGINT', 1], ['SIGTERM', 4]] as const) {
  test(`first ${signal} after write ${k}: in-flight guests finish, summary and report written, exit 130, the printed command resumes`, async () => {
    let child: ReturnType<typeof startApply>['child'] | undefined;
    const emu = await emulatorCountingWrites((n) => {
      if (n === k) child?.kill(signal);
    });
    try {
      const cwd = guestsDir();
      const run = startApply(emu, cwd, `sig-${k}`);
      child = run.child;
      const r = await run.exited;
      assert.equal(r.signal, null);
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, new RegExp(`${signal}: starting no new guest`));
      assert.match(r.stderr, new RegExp(`interrupted by ${signal} \\(run sig-${k}\\): every started guest finished; \\d+ guest\\(s\\) not started`));
      assert.match(r.stdout, /Apply finished \(run sig-\d\): .*, \d+ not started\./);
      assert.doesNotMatch(r.stderr, /FAILED|internal error/);

      const judged = await judge(emu);
      const converged = judged.filter((j) => j === 'converged').length;
      assert.ok(converged >= 1 && converged < GUESTS.length, `converged ${converged}`);
      const report = JSON.parse(readFileSync(join(cwd, 'report.json'), 'utf8')) as { summary: { applied: number; notStarted: number }; guests: { outcome: string }[] };
      assert.equal(report.summary.applied, converged);
      assert.equal(report.summary.notStarted, GUESTS.length - converged);

      const again = await resume(r.stderr, emu, cwd);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(await judge(emu), GUESTS.map(() => 'converged'));
    } finally {
      await emu.close();
    }
  });
}

test('a second SIGINT stops at once and names what is left; the same run id finishes it, one reset per guest', async () => {
  let child: ReturnType<typeof startApply>['child'] | undefined;
  // Resets answer slowly, so the second signal lands while two guests are mid-sequence.
  const emu = await emulatorCountingWrites((n) => {
    if (n === 1) {
      child?.kill('SIGINT');
      setTimeout(() => child?.kill('SIGINT'), 150);
    }
  }, 600);
  try {
    const cwd = guestsDir();
    const run = startApply(emu, cwd, 'twice');
    child = run.child;
    const r = await run.exited;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /SIGINT again: stopping now\. Left: [12] guest\(s\) in flight \([0-9a-f-]{36}(, [0-9a-f-]{36})?\), \d not started\. A guest in flight is held by its intent, and the tenant by this run.s apply lock, until this run resumes: guestops apply --run-id twice /);
    assert.doesNotMatch(r.stdout, /Apply finished/);
    // The slow resets sent before the stop still land inside "Graph"; wait for them like a
    // later run would find them.
    await new Promise((res) => setTimeout(res, 800));
    await emu.clearFaults();
    const again = await resume(r.stderr, emu, cwd);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await judge(emu), GUESTS.map(() => 'converged'));
  } finally {
    await emu.close();
  }
});
