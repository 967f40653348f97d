/**
 * Crash anywhere: kill `guestops apply` (SIGKILL) right after the emulator handled its k-th
 * request — Graph acted, guestops never saw the answer — then run apply again and judge the
 * tenant from the emulator's state and log alone: exactly one reset per declared change, one
 * invitation for the new guest, profiles converged, markers right, and a plan with no changes.
 *
 * The plan is mixed (see test/reliability/support.ts): update-profile + reset, generation bump,
 * otherMails drift, adoption, invitation, and a guest in sync.
 *
 * `npm test` samples k: the first request, the last read before any write, every write (a kill
 * right after each write is the widest window: the write took effect, its answer was lost) and
 * the last request. `npm run test:crash` (GUESTOPS_CRASH_SAMPLE=all) runs every k, with one guest
 * at a time (the request order is fixed, so k names one instant) and with the default concurrency
 * (guests interleave, so the kill lands mid-flight in several guests at once).
 *
 * Re-runs alternate between the two ways a real retry happens: the same run id (a re-run of the
 * same CI run resumes its own intents at once) and a new run id after the intent lease (the next
 * CI run; the lease is set to 0 s so the test does not wait).
 *
 * The invitation window: killed after `POST /invitations` created the new guest and before its
 * marker, the next plan finds a user carrying the address and no marker. guestops never adopts a
 * user on an email match (it could be someone else's account), and never invites twice: the guest
 * is blocked `email-in-use` with the id to declare. The test then does what the message says and
 * the next apply adopts the user without another invitation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { withEmulator, type RequestLogEntry } from '../helpers/emulator.js';
import { cleanEnv } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';
import { guestops, isWrite, markerOf, topLevel } from './support.js';
import type { CliResult } from '../helpers/cli.js';
import { NEW_EMAIL, assertMixedConverged, assertNoChanges, declareNewGuestId, invitedUser, mixedWorkdir } from '../reliability/support.js';

const EVERY_K = process.env['GUESTOPS_CRASH_SAMPLE'] === 'all';

/** Replication lag for the lagged variant, and the consistency window guestops is given for it. */
interface Lag {
  readonly ms: number;
  readonly rule: 'always' | 'on-state-change';
}
const LAG_WINDOW_SECONDS = '2';
const waitOut = (lag: Lag | undefined) => (lag ? new Promise((r) => setTimeout(r, lag.ms + 200)) : Promise.resolve());

function spawnApply(url: string, cwd: string, runId: string, concurrency: number, lag?: Lag): { child: ChildProcess; done: Promise<void> } {
  const child = spawn(process.execPath, [cliPath, 'apply', '--graph-url', url, '--concurrency', String(concurrency)], {
    cwd,
    env: cleanEnv({ GUESTOPS_TOKEN: 'demo-apply', GUESTOPS_RUN_ID: runId, GUESTOPS_RETRY_BASE_MS: '50', ...(lag ? { GUESTOPS_CONSISTENCY_WINDOW_SECONDS: LAG_WINDOW_SECONDS } : {}) }),
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const done = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, done };
}

/** The uninterrupted apply, one guest at a time: its top-level requests in order. */
async function referenceRun(): Promise<RequestLogEntry[]> {
  const emu = await withEmulator();
  try {
    const cwd = mixedWorkdir();
    const r = await guestops(emu, ['apply', '--concurrency', '1'], { cwd, env: { GUESTOPS_RUN_ID: 'reference' } });
    assert.equal(r.code, 0, r.stderr);
    await assertMixedConverged(emu, 'reference');
    return topLevel(await emu.requests());
  } finally {
    await emu.close();
  }
}

let unlockedDeadRuns = 0;

/**
 * The re-run after the kill, as a user does it. The killed run's apply lock is still there: a
 * re-run of the same run takes it back (unless the kill came before the run recorded itself on
 * it); another run is refused naming the lock and the command that removes it, which the user
 * runs since they know the killed run is gone.
 */
async function rerunAfterKill(emu: { url: string }, cwd: string, env: Record<string, string | undefined>, label: string): Promise<CliResult> {
  const first = await guestops(emu, ['apply'], { cwd, env });
  if (!/error apply-locked/.test(first.stderr)) return first;
  assert.equal(first.code, 1, label);
  const id = /guestops unlock ([0-9a-f-]{36})/.exec(first.stderr)?.[1];
  assert.ok(id, `${label}: apply-locked must print the unlock command\n${first.stderr}`);
  const unlock = await guestops(emu, ['unlock', id], { cwd, env });
  assert.equal(unlock.code, 0, `${label}: unlock failed\n${unlock.stdout}${unlock.stderr}`);
  unlockedDeadRuns++;
  return guestops(emu, ['apply'], { cwd, env });
}

/**
 * Kill after the k-th top-level request, recover, check. 'finished' when the run had fewer than k
 * requests. With a replication lag the number of re-reads depends on timing, so k counts writes
 * only; the re-run starts once the lag has passed (README known limits: a re-run within the
 * consistency window of the killed run's last write may read a done reset as not done).
 */
async function crashAt(k: number, concurrency: number, lag?: Lag): Promise<'finished' | 'recovered' | 'recovered-invite-window'> {
  const label = `k=${k} concurrency=${concurrency}${lag ? ` lag=${lag.ms}ms ${lag.rule}` : ''}`;
  let child: ChildProcess | undefined;
  let seen = 0;
  let killed = false;
  const emu = await withEmulator({
    onRequest: (e: RequestLogEntry) => {
      if (e.batch || (lag && !isWrite(e))) return;
      seen++;
      if (seen === k && child && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    },
  });
  try {
    if (lag) await emu.settings({ replicationLagMs: lag.ms, changeTimeRule: lag.rule });
    const cwd = mixedWorkdir();
    const runId = `crash-${concurrency}-${k}${lag ? `-lag-${lag.rule}` : ''}`;
    const run = spawnApply(emu.url, cwd, runId, concurrency, lag);
    child = run.child;
    await run.done;
    if (!killed) return 'finished';
    await waitOut(lag);

    // Half the re-runs resume as the same CI run, half come later as another run.
    const sameRun = k % 2 === 0;
    const windowEnv = lag ? { GUESTOPS_CONSISTENCY_WINDOW_SECONDS: LAG_WINDOW_SECONDS } : {};
    const env = sameRun ? { GUESTOPS_RUN_ID: runId, ...windowEnv } : { GUESTOPS_RUN_ID: `${runId}-next`, GUESTOPS_LEASE_SECONDS: '0', ...windowEnv };
    const stateAfterKill = await emu.state();
    const orphan = invitedUser(stateAfterKill, NEW_EMAIL);
    const inviteWindow = orphan !== undefined && markerOf(stateAfterKill, orphan['id'] as string) === null;

    const again = await rerunAfterKill(emu, cwd, env, label);
    if (inviteWindow) {
      const id = orphan!['id'] as string;
      assert.equal(again.code, 1, `${label}: a re-run in the invitation window must stop on the new guest\n${again.stderr}`);
      assert.match(again.stderr, /blocked email-in-use/, label);
      assert.ok(again.stderr.includes(`declare \`id: ${id}\``), `${label}: the block must name the id to declare\n${again.stderr}`);
      declareNewGuestId(cwd, id);
      await waitOut(lag);
      const adopted = await guestops(emu, ['apply'], { cwd, env });
      assert.equal(adopted.code, 0, `${label}: apply after declaring the id failed\n${adopted.stderr}`);
    } else {
      assert.equal(again.code, 0, `${label}: re-run failed\n${again.stdout}\n${again.stderr}`);
    }
    await assertMixedConverged(emu, label);
    await waitOut(lag);
    await assertNoChanges(emu, cwd, label);
    return inviteWindow ? 'recovered-invite-window' : 'recovered';
  } finally {
    await emu.close();
  }
}

test('crash anywhere: SIGKILL after request k, re-run, exactly one reset per declared change', async (t) => {
  const reference = await referenceRun();
  const total = reference.length;
  const firstWrite = reference.findIndex(isWrite);
  assert.ok(firstWrite > 0, 'the mixed apply reads before it writes');
  const writes = reference.flatMap((e, i) => (isWrite(e) ? [i + 1] : []));
  // 2 resets (PATCH intent, GET verify, POST, PATCH marker), Dave's and Carol's PATCH, invite + PATCH.
  assert.equal(writes.length, 10, `writes of the mixed apply: ${reference.map((e) => `${e.method} ${e.path}`).join(', ')}`);

  const sample = EVERY_K
    ? Array.from({ length: total }, (_, i) => i + 1)
    : [...new Set([1, firstWrite, ...writes, total])].sort((a, b) => a - b);
  t.diagnostic(`${total} requests; kill points (one guest at a time): ${sample.join(', ')}`);
  const outcomes = [];
  for (const k of sample) {
    const outcome = await crashAt(k, 1);
    assert.notEqual(outcome, 'finished', `k=${k} of ${total}: the apply finished before its k-th request`);
    outcomes.push(outcome);
  }
  // Another run after a kill meets the dead run's apply lock and removes it with guestops unlock.
  assert.ok(unlockedDeadRuns > 0, 'no re-run met the killed run\'s apply lock');
  // The kill right after the new guest's POST /invitations lands in the invitation window.
  assert.equal(outcomes.filter((o) => o === 'recovered-invite-window').length, 1, `outcomes: ${outcomes.join(', ')}`);

  if (EVERY_K) {
    // Default concurrency: guests interleave, so the order (and the total) may vary run to run.
    let k = 1;
    while ((await crashAt(k, 4)) !== 'finished') k++;
    assert.ok(k > total / 2, `a concurrent apply took only ${k - 1} requests`);
  }
});

test('crash anywhere under a 1 s replication lag, both change-time rules: kill after write k, re-run, exactly one reset per change', async (t) => {
  // The mixed apply writes 10 times (see above); a sample of them, alternating the change-time rule.
  const sample = EVERY_K ? Array.from({ length: 10 }, (_, i) => i + 1) : [1, 2, 3, 5, 7, 9];
  const outcomes: string[] = [];
  for (const [i, k] of sample.entries()) {
    const lag: Lag = { ms: 1_000, rule: i % 2 === 0 ? 'on-state-change' : 'always' };
    const outcome = await crashAt(k, 1, lag);
    assert.notEqual(outcome, 'finished', `write ${k}: the lagged apply finished before its k-th write`);
    outcomes.push(`${k}/${lag.rule}: ${outcome}`);
  }
  t.diagnostic(outcomes.join('; '));
});
