/**
 * Kill `guestops apply` (SIGKILL) right after the emulator handled its k-th request, for every k
 * of the demo plan, then re-run with the same GUESTOPS_RUN_ID: every declared change ends with
 * exactly one reset, and the next plan is empty.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { withEmulator, type RequestLogEntry } from '../helpers/emulator.js';
import { cleanEnv } from '../helpers/cli.js';
import { cliPath } from '../helpers/paths.js';
import { ALICE, JOHN, demoWorkdir, guestops, markerOf, resetsDone } from './support.js';

function spawnApply(url: string, cwd: string, runId: string): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(process.execPath, [cliPath, 'apply', '--graph-url', url], {
    cwd,
    env: cleanEnv({ GUESTOPS_TOKEN: 'demo-apply', GUESTOPS_RUN_ID: runId }),
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, done };
}

async function killedAfter(k: number): Promise<{ total: number; killed: boolean }> {
  let child: ChildProcess | undefined;
  let seen = 0;
  let killed = false;
  const emu = await withEmulator({
    onRequest: (e: RequestLogEntry) => {
      if (e.batch) return;
      seen++;
      if (seen === k && child && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    },
  });
  try {
    const cwd = demoWorkdir();
    const run = spawnApply(emu.url, cwd, `crash-${k}`);
    child = run.child;
    await run.done;
    const total = seen;
    const again = await guestops(emu, ['apply'], { cwd, env: { GUESTOPS_RUN_ID: `crash-${k}` } });
    assert.equal(again.code, 0, `k=${k}: re-run failed\n${again.stderr}`);
    const log = await emu.requests();
    assert.equal(resetsDone(log, JOHN), 1, `k=${k}: John reset ${resetsDone(log, JOHN)} times`);
    assert.equal(resetsDone(log, ALICE), 1, `k=${k}: Alice reset ${resetsDone(log, ALICE)} times`);
    const state = await emu.state();
    assert.equal(markerOf(state, JOHN)!.p, undefined, `k=${k}: John's intent left behind`);
    assert.equal(markerOf(state, ALICE)!.g, 1);
    const plan = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd });
    assert.equal(plan.code, 0, `k=${k}: plan after re-run not empty\n${plan.stdout}`);
    return { total, killed };
  } finally {
    await emu.close();
  }
}

test('SIGKILL after every k-th request, then a re-run with the same run id: exactly one reset each', async () => {
  // k beyond the run's total means "not killed": the loop stops there.
  for (let k = 1; ; k++) {
    const { killed } = await killedAfter(k);
    if (!killed) {
      assert.ok(k > 8, `the demo apply should take more than 8 requests, took ${k - 1}`);
      break;
    }
  }
});
