/**
 * Two applies at once WITHOUT the tenant's apply lock (`--no-lock`, as where a CI concurrency
 * group is trusted instead; with the lock the second run never plans while the first runs, see
 * apply-lock.test.ts), started at the same instant so that BOTH plan before EITHER writes its
 * intent: the plan-time lease cannot stop the second one here (that case is
 * test/apply/faults.test.ts). What prevents a double reset is the read-back of the intent just
 * before the reset: only the run whose intent is still on the user may send it.
 *
 * Latency rules on the intent PATCH, the verify GET and the reset POST hold each step long enough
 * that, per guest, both intents land after both plans read, and both verify reads land after both
 * intents and before either reset. The test checks from the emulator's log that this interleaving
 * really happened (otherwise it would prove nothing) and that each guest was reset exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestLogEntry } from '../helpers/emulator.js';
import { withEmulator } from '../helpers/emulator.js';
import { ALICE, JOHN, demoWorkdir, guestops, topLevel } from '../apply/support.js';
import { assertNoChanges, resetsPerformed } from './support.js';

/** Long enough to cover the start-up skew of two child processes on a busy 2-core machine. */
const HOLD_MS = 2_500;

const isReset = (e: RequestLogEntry, id: string) =>
  e.method === 'POST' && e.path === '/v1.0/invitations' && (e.requestBody as { invitedUser?: { id?: string } } | undefined)?.invitedUser?.id === id;

test('two applies without the lock planned at the same moment: the intent read-back lets only one of them reset each guest', async () => {
  const emu = await withEmulator();
  try {
    const rules = [JOHN, ALICE].flatMap((id) => [
      { method: 'GET', path: `/v1.0/users/${id}`, latencyMs: 1, times: 2 }, // both re-reads before the first write
      { method: 'PATCH', path: `/v1.0/users/${id}`, latencyMs: HOLD_MS, times: 2 }, // both intents
      { method: 'GET', path: `/v1.0/users/${id}`, latencyMs: HOLD_MS, times: 2 }, // both verify reads
    ]);
    await emu.addFault([...rules, { method: 'POST', path: '/v1.0/invitations', latencyMs: HOLD_MS, times: 4 }]);
    const cwd = demoWorkdir();
    const [a, b] = await Promise.all([
      guestops(emu, ['apply', '--no-lock'], { cwd, env: { GUESTOPS_RUN_ID: 'run-A' } }),
      guestops(emu, ['apply', '--no-lock'], { cwd, env: { GUESTOPS_RUN_ID: 'run-B' } }),
    ]);

    const log = topLevel(await emu.requests());
    for (const [name, id] of [['John', JOHN], ['Alice', ALICE]] as const) {
      const seqs = (pred: (e: RequestLogEntry) => boolean) => log.filter(pred).map((e) => e.seq);
      const intents = seqs((e) => e.method === 'PATCH' && e.path === `/v1.0/users/${id}` && e.fault !== undefined);
      // The first two faulted GETs are the re-reads before the first write (pre-write-check.ts).
      const verifies = seqs((e) => e.method === 'GET' && e.path === `/v1.0/users/${id}` && e.fault !== undefined).slice(2);
      const resets = seqs((e) => isReset(e, id));
      // The interleaving this test is about: both runs wrote an intent, both read it back, and
      // only then did any reset reach Graph.
      assert.equal(intents.length, 2, `${name}: both runs planned a reset and wrote an intent`);
      assert.equal(verifies.length, 2, `${name}: both runs read their intent back`);
      assert.ok(resets.length >= 1, `${name}: someone reset the guest`);
      assert.ok(Math.max(...intents) < Math.min(...verifies), `${name}: the two applies did not overlap (intents ${intents}, verify reads ${verifies})`);
      assert.ok(Math.max(...verifies) < Math.min(...resets), `${name}: a reset landed before both verify reads (verify ${verifies}, resets ${resets})`);
      assert.equal(resetsPerformed(log, id), 1, `${name} was reset ${resetsPerformed(log, id)} times`);
    }
    // The run that lost a guest's intent says so, and changed nothing for that guest.
    assert.match(a.stderr + b.stderr, /intent-lost/, `run A:\n${a.stderr}\nrun B:\n${b.stderr}`);

    // Whatever the split, a later apply finds nothing left, and the tenant matches guests/.
    const again = await guestops(emu, ['apply'], { cwd, env: { GUESTOPS_RUN_ID: 'run-C' } });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(resetsPerformed(await emu.requests(), JOHN), 1);
    assert.equal(resetsPerformed(await emu.requests(), ALICE), 1);
    await assertNoChanges(emu, cwd, 'after two concurrent applies');
  } finally {
    await emu.close();
  }
});
