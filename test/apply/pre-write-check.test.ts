/**
 * The re-read before a guest's first write (src/apply/pre-write-check.ts): another writer (here,
 * an admin's PATCH as the portal would send it) changes a guest after apply read the tenant and
 * before apply writes to it. That guest fails `guest-changed-since-plan` with nothing written to
 * it; the other guests go on; the next apply plans it afresh and resets it once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphFetch, withEmulator } from '../helpers/emulator.js';
import { JOHN, demoWorkdir, guestops, isWrite, resetsDone, userOf } from './support.js';

test('a guest changed by someone else between the plan and its first write fails guest-changed-since-plan, untouched; a re-run converges it', async () => {
  const emu = await withEmulator();
  try {
    // Hold John's re-read long enough for the other writer's change to land before it is answered.
    await emu.addFault({ method: 'GET', path: `/v1.0/users/${JOHN}`, latencyMs: 1_500, times: 1 });
    const cwd = demoWorkdir();
    const run = guestops(emu, ['apply', '--report', 'report.json'], { cwd, env: { GUESTOPS_RUN_ID: 'changed-under-us' } });
    const deadline = Date.now() + 20_000;
    while (!(await emu.requests()).some((e) => e.method === 'GET' && e.path === '/v1.0/users' && e.batch === undefined)) {
      if (Date.now() > deadline) throw new Error('apply never listed the guests');
      await new Promise((r) => setTimeout(r, 20));
    }
    const other = await graphFetch(emu.url, `/v1.0/users/${JOHN}`, { method: 'PATCH', token: 'demo-admin', body: { otherMails: ['john.doe@fabrikam.example', 'jd@elsewhere.example'] } });
    assert.equal(other.status, 204);
    const r = await run;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`guest-changed-since-plan: user ${JOHN} changed since the plan read it \\(otherMails\\); nothing was written to it`));
    const log = await emu.requests();
    const guestopsWritesToJohn = log.filter((e) => isWrite(e) && e.path.endsWith(JOHN) && (e.requestBody as { otherMails?: string[] })?.otherMails?.includes('jd@elsewhere.example') !== true);
    assert.deepEqual(guestopsWritesToJohn.map((e) => `${e.method} ${e.path}`), [], 'apply wrote to the changed guest');
    assert.equal(resetsDone(log, JOHN), 0);
    assert.match(r.stdout, /[1-9]\d* reset\(s\)/, 'the other guests went on');

    const again = await guestops(emu, ['apply'], { cwd, env: { GUESTOPS_RUN_ID: 'next' } });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(resetsDone(await emu.requests(), JOHN), 1);
    assert.equal(userOf(await emu.state(), JOHN)['mail'], 'john.doe@northwind.example');
  } finally {
    await emu.close();
  }
});
