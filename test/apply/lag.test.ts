/**
 * One apply of a mixed plan against a directory whose replicas lag 2 s behind every write (the
 * emulator's replication lag, under both change-time rules): email changes with new otherMails
 * (John), a generation bump (Alice), a guest still PendingAcceptance whose email changes (Grace)
 * and two new guests. Judged from the emulator's request log and state: exit 0, exactly one reset
 * per change and one invitation per new guest, the lag really served stale reads, and once the
 * lag has passed a plan shows no changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEmulator } from '../helpers/emulator.js';
import { ALICE, BOB, CAROL, DAVE, GRACE, JOHN, demoWorkdir, guestops, markerOf, userOf } from './support.js';
import { invitesPerformed, resetsPerformed, resetsSent } from '../reliability/support.js';
import { emailHash } from '../../src/plan/marker.js';

const LAG_MS = 2_000;
const NEW = ['first.new@adventure-works.example', 'second.new@adventure-works.example'];
const GRACE_NEW = 'grace.kim@contoso-partner.example';

function lagWorkdir(): string {
  const cwd = demoWorkdir();
  appendFileSync(
    join(cwd, 'guests/partners/woodgrove.yaml'),
    `  - id: ${GRACE}\n    email: ${GRACE_NEW}\n    otherMails: [${GRACE_NEW}]\n    acknowledgeDomainChange: fourthcoffee.example -> contoso-partner.example\n` + NEW.map((e) => `  - email: ${e}\n`).join(''),
  );
  return cwd;
}

for (const changeTimeRule of ['always', 'on-state-change'] as const) {
  test(`mixed apply under a ${LAG_MS} ms replication lag (${changeTimeRule}): exit 0, one reset per change, one invitation per new guest`, async () => {
    const emu = await withEmulator();
    try {
      await emu.settings({ replicationLagMs: LAG_MS, changeTimeRule });
      const cwd = lagWorkdir();
      const r = await guestops(emu, ['apply', '--consistency-window', '4'], { cwd, env: { GUESTOPS_RUN_ID: `lag-${changeTimeRule}` } });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);

      const log = await emu.requests();
      const state = await emu.state();
      assert.ok((state as unknown as { staleReads: number }).staleReads > 0, 'the lag was exercised: some reads were stale');
      for (const [name, id] of [['John', JOHN], ['Alice', ALICE], ['Grace', GRACE]] as const) {
        assert.equal(resetsPerformed(log, id), 1, `${name} reset ${resetsPerformed(log, id)} times`);
      }
      for (const id of [BOB, CAROL, DAVE]) assert.equal(resetsSent(log, id).length, 0, `${id} was sent a reset`);
      for (const e of NEW) assert.equal(invitesPerformed(log, e), 1, `${e} invited ${invitesPerformed(log, e)} times`);

      assert.equal(userOf(state, JOHN)['mail'], 'john.doe@northwind.example');
      assert.equal(userOf(state, GRACE)['mail'], GRACE_NEW);
      assert.deepEqual(userOf(state, GRACE)['otherMails'], [GRACE_NEW]);
      for (const [id, email] of [[JOHN, 'john.doe@northwind.example'], [GRACE, GRACE_NEW]] as const) {
        const m = markerOf(state, id);
        assert.equal(m?.e, emailHash(email), `${id} marker email`);
        assert.equal(m?.p, undefined, `${id} still carries an intent`);
      }

      // Once the replicas caught up, the tenant matches guests/.
      await new Promise((res) => setTimeout(res, LAG_MS + 200));
      const plan = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd });
      assert.equal(plan.code, 0, `${plan.stdout}\n${plan.stderr}`);
      assert.match(plan.stdout, /No changes/);
    } finally {
      await emu.close();
    }
  });
}

/**
 * A guest waiting for the replicas to show its own write gives its working slot to another
 * guest (src/apply/apply-plan.ts): with `--concurrency 2` and four resets, every intent is
 * written before the first reset is sent — the waits overlap. With the slot held through the wait
 * only two intents could be out before the first reset. `--concurrency 1` stays one guest at a
 * time: each reset guest's requests are contiguous in the log. Judged from the request order.
 */
test('under lag, guests waiting for their own write yield their slot; --concurrency 1 stays one guest at a time', async () => {
  const RESET = [JOHN, ALICE, BOB, DAVE];
  // Bob and Dave get a generation bump too: four resets (John's email change, three bumps).
  const bumped = (cwd: string) => {
    for (const [file, id] of [['guests/fabrikam.yaml', 'bob.smith@litware.example'], ['guests/partners/tailspin.yml', 'dave@lee-family.example]']] as const) {
      const path = join(cwd, file);
      const text = readFileSync(path, 'utf8');
      writeFileSync(path, text.replace(`${id}\n`, `${id}\n    generation: 1\n`));
    }
    return cwd;
  };
  for (const concurrency of [2, 1]) {
    const emu = await withEmulator();
    try {
      await emu.settings({ replicationLagMs: 1_000, changeTimeRule: 'on-state-change' });
      const cwd = bumped(demoWorkdir());
      const r = await guestops(emu, ['apply', '--concurrency', String(concurrency), '--consistency-window', '2'], { cwd });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      const log = (await emu.requests()).filter((e) => !e.batch);
      for (const id of RESET) assert.equal(resetsPerformed(log, id), 1, `concurrency ${concurrency}: ${id} reset ${resetsPerformed(log, id)} times`);
      const ofUser = (id: string) => log.filter((e) => e.path === `/v1.0/users/${id}` || resetsSent([e], id).length > 0);
      const firstReset = Math.min(...RESET.map((id) => resetsSent(log, id)[0]!.seq));
      const intentsBeforeFirstReset = RESET.filter((id) => ofUser(id).some((e) => e.method === 'PATCH' && e.seq < firstReset)).length;
      if (concurrency === 2) {
        assert.equal(intentsBeforeFirstReset, RESET.length, 'the intents of all four resets were written while the first waited for its read-back');
      } else {
        assert.equal(intentsBeforeFirstReset, 1, 'one guest at a time');
        for (const id of RESET) {
          const seqs = ofUser(id).map((e) => e.seq);
          const between = log.filter((e) => e.seq > seqs[0]! && e.seq < seqs.at(-1)! && !ofUser(id).includes(e));
          assert.deepEqual(between.map((e) => `${e.method} ${e.path}`), [], `${id}'s requests interleave with another guest's`);
        }
      }
    } finally {
      await emu.close();
    }
  }
});
