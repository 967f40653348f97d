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
import { appendFileSync } from 'node:fs';
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
