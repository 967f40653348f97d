/**
 * Rehearsal end to end: `guestops snapshot` of a live (emulated) tenant, `guestops emulator --seed`
 * as a separate process, then plan and apply against the copy. The plan must be the same JSON as
 * against the live tenant, the invitation emails show in the copy's message log, and the live
 * tenant sees no write at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { graphFetch, withEmulator, type EmulatorStateView } from '../helpers/emulator.js';
import { runCli, startEmulatorProcess } from '../helpers/cli.js';
import { ALICE, CAROL, DAVE, HENRY, demoWorkdir, guestops, isWrite, workdir, ERIN } from '../apply/support.js';
import { validateSeed } from '../../src/emulator/index.js';

/** Plans are judged on 1 July 2026 (GUESTOPS_NOW), the day after Henry's access ends, whatever day the test runs. */
const AT = { GUESTOPS_NOW: '2026-07-01' };

function comparable(planJson: string): unknown {
  const { createdAt: _c, graphUrl: _g, ...rest } = JSON.parse(planJson) as Record<string, unknown>;
  return rest;
}

test('snapshot → emulator --seed → the same plan as live; apply rehearses with the messages it would send', async () => {
  const live = await withEmulator();
  try {
    const cwd = demoWorkdir();
    // A new guest to invite, and a member declared by mistake: the copy must block it too.
    const extra = `guests:\n  - email: new.partner@adventure-works.example\n    invitation:\n      sendMessage: true\n  - id: ${ERIN}\n    email: erin@contoso.example\n`;
    writeFileSync(join(cwd, 'guests', 'new.yaml'), extra);

    const livePlan = await guestops(live, ['plan', '--format', 'json'], { cwd, env: AT });
    assert.equal(livePlan.code, 1, livePlan.stderr); // Erin is blocked (member)

    const snap = await guestops(live, ['snapshot', '--out', 'tenant.json'], { cwd });
    assert.equal(snap.code, 0, snap.stderr);
    // Erin (member, declared) and Frank hold directory roles.
    assert.match(snap.stdout, /wrote tenant\.json: 9 users, 2 role assignment\(s\), tokens rehearsal-apply, rehearsal-plan \(fake, emulator only\)/);
    const text = readFileSync(join(cwd, 'tenant.json'), 'utf8');
    assert.doesNotMatch(text, /demo-apply/, 'the token used to take the snapshot is never written');
    const seed = validateSeed(JSON.parse(text));
    assert.ok(seed.users.some((u) => u.id === ERIN), 'declared non-guest included');
    assert.deepEqual((await live.requests()).filter(isWrite), [], 'snapshot only reads');

    // The shortest rehearsal: `--emulator SEED` picks the snapshot's own write token.
    const inProcess = await runCli(['plan', '--format', 'json', '--emulator', 'tenant.json'], { cwd, env: AT });
    assert.equal(inProcess.code, 1, inProcess.stderr);
    assert.match(inProcess.stderr, /using the local Graph emulator .*seed tenant\.json/);
    assert.deepEqual(comparable(inProcess.stdout), comparable(livePlan.stdout));

    const copy = await startEmulatorProcess(['--seed', join(cwd, 'tenant.json')]);
    try {
      const copyRun = (args: string[]) =>
        runCli([...args, '--graph-url', copy.url], { cwd, env: { ...AT, GUESTOPS_TOKEN: 'rehearsal-apply', GUESTOPS_RETRY_BASE_MS: '50' } });
      const copyPlan = await copyRun(['plan', '--format', 'json']);
      assert.equal(copyPlan.code, 1, copyPlan.stderr);
      assert.deepEqual(comparable(copyPlan.stdout), comparable(livePlan.stdout));

      const apply = await copyRun(['apply']);
      assert.equal(apply.code, 1, 'Erin stays blocked');
      assert.match(apply.stdout, /2 reset\(s\), 2 profile update\(s\), 1 adoption\(s\), 1 invite\(s\)/);
      const state = (await (await fetch(`${copy.url}/_emulator/state`)).json()) as EmulatorStateView;
      // Every invitation email the change would send: John's reset (his file sends messages) and the new guest.
      assert.deepEqual(
        state.messages.map((m) => [m.to, m.resetRedemption]).sort(),
        [['john.doe@northwind.example', true], ['new.partner@adventure-works.example', false]],
      );
      assert.ok(!state.messages.some((m) => m.userId === ALICE), "Alice's file does not send messages");
    } finally {
      await copy.stop();
    }
    assert.deepEqual((await live.requests()).filter(isWrite), [], 'the live tenant was never written');
  } finally {
    await live.close();
  }
});

test('snapshot refuses to overwrite without --force and needs --out', async () => {
  const live = await withEmulator();
  try {
    const cwd = workdir({ 'tenant.json': '{}' });
    const r = await guestops(live, ['snapshot', '--out', 'tenant.json'], { cwd });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error snapshot-would-overwrite: tenant\.json exists; nothing was written/);
    assert.equal(readFileSync(join(cwd, 'tenant.json'), 'utf8'), '{}');
    assert.deepEqual(await live.requests(), [], 'refused before reading the tenant');
    const forced = await guestops(live, ['snapshot', '--out', 'tenant.json', '--force'], { cwd });
    assert.equal(forced.code, 0, forced.stderr);
    // The demo's 8 guests and Erin, who sponsors Henry.
    assert.equal(validateSeed(JSON.parse(readFileSync(join(cwd, 'tenant.json'), 'utf8'))).users.length, 9);
    const fresh = await guestops(live, ['snapshot', '--out', 'copy.json'], { cwd });
    assert.equal(fresh.code, 0, fresh.stderr);
    const seedOf = (f: string): unknown => ({ ...(JSON.parse(readFileSync(join(cwd, f), 'utf8')) as object), $comment: null });
    assert.deepEqual(seedOf('copy.json'), seedOf('tenant.json'));
    assert.deepEqual(readdirSync(cwd).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left behind');
    const none = await guestops(live, ['snapshot'], { cwd });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /--out FILE is required/);
  } finally {
    await live.close();
  }
});

test('snapshot keeps accountEnabled, createdDateTime and sponsors (with the sponsors themselves): the lifecycle plan rehearses the same', async () => {
  const live = await withEmulator();
  try {
    // Change the live tenant first, so the copy cannot just echo the demo seed: Dave is switched
    // off in the portal, Carol gets Erin as a second sponsored guest.
    assert.equal((await graphFetch(live.url, `/v1.0/users/${DAVE}`, { method: 'PATCH', body: { accountEnabled: false } })).status, 204);
    const ref = { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${ERIN}` };
    assert.equal((await graphFetch(live.url, `/v1.0/users/${CAROL}/sponsors/$ref`, { method: 'POST', body: ref })).status, 204);
    await live.resetLog();
    const cwd = demoWorkdir();
    // Carol declares her sponsor; Henry's access expired, so the plan disables him.
    writeFileSync(
      join(cwd, 'guests', 'partners', 'woodgrove.yaml'),
      `guests:\n  - id: ${CAROL}\n    email: carol.diaz@woodgrove.example\n    sponsors: [erin@contoso.onmicrosoft.com]\n  - id: ${HENRY}\n    email: henry.park@tailspin.example\n    otherMails: [henry.park@tailspin.example]\n    expires: 2026-06-30\n    sponsors: [${ERIN}]\n`,
    );
    const livePlan = await guestops(live, ['plan', '--format', 'json'], { cwd, env: AT });
    assert.equal(livePlan.code, 0, livePlan.stderr);

    const snap = await guestops(live, ['snapshot', '--out', 'tenant.json'], { cwd });
    assert.equal(snap.code, 0, snap.stderr);
    const seed = validateSeed(JSON.parse(readFileSync(join(cwd, 'tenant.json'), 'utf8')));
    const user = (id: string) => seed.users.find((u) => u.id === id) as Record<string, unknown> | undefined;
    assert.deepEqual(user(CAROL)?.['sponsors'], [ERIN]);
    assert.deepEqual(user(HENRY)?.['sponsors'], [ERIN]);
    assert.equal(user(ERIN)?.['userType'], 'Member', 'the sponsor is in the seed, so the sponsor reference resolves');
    assert.equal(user(DAVE)?.['accountEnabled'], false);
    assert.equal(user(HENRY)?.['accountEnabled'], true);
    assert.equal(user(HENRY)?.['createdDateTime'], '2026-03-01T09:00:00Z');
    assert.equal(user(ALICE)?.['sponsors'], undefined, 'no sponsors, no key');
    assert.deepEqual((await live.requests()).filter(isWrite), [], 'snapshot only reads');

    const copy = await runCli(['plan', '--format', 'json', '--emulator', 'tenant.json'], { cwd, env: AT });
    assert.equal(copy.code, 0, copy.stderr);
    assert.deepEqual(comparable(copy.stdout), comparable(livePlan.stdout));
    const actions = (JSON.parse(copy.stdout) as { guests: { id: string; actions: { type: string }[] }[] }).guests.flatMap((g) => g.actions.map((a) => `${g.id} ${a.type}`));
    assert.ok(actions.includes(`${HENRY} disable`), actions.join('; '));
    assert.ok(!actions.some((a) => a.endsWith('sponsors') || a.includes('sponsor')), `sponsors already match in the copy: ${actions.join('; ')}`);
  } finally {
    await live.close();
  }
});
