/**
 * One count across plan and apply: guests adopted with a new email are "to adopt" in the plan and
 * adoptions in apply's summary; a guest whose profile PATCH went through before its reset failed
 * is counted as a profile update, and its failure line says the profile was already written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usingEmulator } from '../helpers/emulator.js';
import { JOHN, demoWorkdir, guestops, workdir } from '../apply/support.js';
import { generatedGuests, guestUser, tenantOf } from '../adopt/support.js';

test('plan "N to adopt" is followed by "N adoption(s)", also when the adoption resets', async () => {
  const guests = generatedGuests(6);
  await usingEmulator(
    async (emu) => {
      const cwd = workdir({ 'guests/g.yaml': `guests:\n${guests.map((g, i) => `  - id: ${g.id}\n    email: ${i < 3 ? `moved${i}@partner.example\n    acknowledgeDomainChange: ${g.mail!.split('@')[1]} -> partner.example` : g.mail}\n`).join('')}` });
      const plan = await guestops(emu, ['plan'], { cwd });
      assert.match(plan.stdout, /Plan: 3 to reset, 3 profile updates, 6 to adopt, 0 to invite/);
      const apply = await guestops(emu, ['apply'], { cwd });
      assert.equal(apply.code, 0, apply.stderr);
      assert.match(apply.stdout, /Apply finished \(run [^)]+\): 3 reset\(s\), 3 profile update\(s\), 6 adoption\(s\)/);
    },
    tenantOf(guests.map((g) => guestUser(g))),
  );
});

test('a reset refused after the profile PATCH: counted as a profile update, and the failure line says so', async () => {
  await usingEmulator(async (emu) => {
    await emu.addFault({ method: 'POST', path: '/v1.0/invitations', status: 403, code: 'Authorization_RequestDenied', times: 1 });
    const cwd = demoWorkdir();
    const r = await guestops(emu, ['apply', '--concurrency', '1', '--report', 'r.json'], { cwd });
    assert.equal(r.code, 1);
    const failedLine = r.stderr.split('\n').find((l) => l.includes('FAILED'))!;
    assert.match(failedLine, /john\.doe/);
    assert.match(failedLine, /; its profile update \(mail\/otherMails\) was already written: the tenant shows the declared values, a re-run finishes the rest$/);
    const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as { summary: { profileUpdates: number; failed: number }; guests: { id: string; outcome: string }[] };
    assert.equal(report.guests.find((g) => g.id === JOHN)!.outcome, 'failed');
    // John's mail PATCH and Dave's otherMails update both reached the tenant.
    assert.equal(report.summary.profileUpdates, 2);
    assert.equal(report.summary.failed, 1);
  });
});
