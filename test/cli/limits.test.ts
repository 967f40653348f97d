/**
 * The plan states what apply will refuse (the reset budget) in text, markdown and JSON; apply
 * shows the plan when it refuses; `apply --plan` applies with the limit the plan was reviewed
 * with; the plan-json a GitHub step hands on is a saved plan apply accepts; annotations are capped.
 * CLI as a child process against the emulator; the demo plan resets two guests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usingEmulator } from '../helpers/emulator.js';
import { runnerFiles, workflowCommands } from '../github/support/actions-runner.js';
import { JOHN, demoWorkdir, guestops, isWrite, resetsDone, workdir } from '../apply/support.js';
import { generatedGuests, guestUser, tenantOf } from '../adopt/support.js';

const REFUSE = 'Apply will refuse this plan: 2 resets, more than --max-resets 1; nothing would be written. If that many is intended, plan and apply with --max-resets 2 (or GUESTOPS_MAX_RESETS=2).';

test('a plan over the reset limit says apply will refuse it, in text, markdown and JSON, and exits 1 like the policy caps', async () => {
  await usingEmulator(async (emu) => {
    const cwd = demoWorkdir();
    // Exit 1 as for a blocked guest or a policy cap: a required plan check stops the merge
    // apply would refuse. The plan is still printed and saved.
    const text = await guestops(emu, ['plan', '--max-resets', '1', '--out', 'over.json'], { cwd });
    assert.equal(text.code, 1, text.stderr);
    assert.equal(text.stderr, '');
    assert.ok(text.stdout.trimEnd().endsWith(REFUSE), text.stdout);
    assert.equal(JSON.parse(readFileSync(join(cwd, 'over.json'), 'utf8')).limits[0].exceeded, true);
    const md = await guestops(emu, ['plan', '--format', 'markdown', '--detailed-exitcode'], { cwd, env: { GUESTOPS_MAX_RESETS: '1' } });
    assert.equal(md.code, 1);
    assert.ok(md.stdout.includes(`> [!WARNING]\n> **${REFUSE}**`), md.stdout);
    const json = await guestops(emu, ['plan', '--format', 'json', '--max-resets', '1'], { cwd });
    assert.equal(json.code, 1);
    assert.deepEqual(JSON.parse(json.stdout).limits, [{ name: 'max-resets', max: 1, planned: 2, exceeded: true }]);
    const within = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd });
    assert.equal(within.code, 2, within.stderr);
    assert.match(within.stdout, /\nLimit: 2 resets of at most 20 \(--max-resets\)\.\n$/);
    const exactly = await guestops(emu, ['plan', '--max-resets', '2'], { cwd });
    assert.equal(exactly.code, 0, exactly.stderr);
    const bad = await guestops(emu, ['plan'], { cwd, env: { GUESTOPS_MAX_RESETS: 'many' } });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^guestops plan: error usage: GUESTOPS_MAX_RESETS must be an integer >= 0, got 'many'\n$/);
  });
});

test('apply refusing over the limit shows the plan it refuses; nothing written', async () => {
  await usingEmulator(async (emu) => {
    const r = await guestops(emu, ['apply'], { cwd: demoWorkdir(), env: { GUESTOPS_MAX_RESETS: '1' } });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /-\/\+ john\.doe@fabrikam\.example -> john\.doe@northwind\.example/);
    assert.ok(r.stdout.includes(REFUSE));
    assert.match(r.stderr, /error max-resets-exceeded/);
    assert.deepEqual((await emu.requests()).filter(isWrite), []);
  });
});

test('apply --plan enforces the limit the plan was reviewed with', async () => {
  await usingEmulator(async (emu) => {
    const cwd = demoWorkdir();
    await guestops(emu, ['plan', '--max-resets', '1', '--out', 'tight.json'], { cwd });
    const refused = await guestops(emu, ['apply', '--plan', 'tight.json'], { cwd });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /more than --max-resets 1/);
    assert.deepEqual((await emu.requests()).filter(isWrite), []);

    // Reviewed with room for both resets: a tighter environment default does not override it.
    await guestops(emu, ['plan', '--max-resets', '2', '--out', 'reviewed.json'], { cwd });
    const applied = await guestops(emu, ['apply', '--plan', 'reviewed.json'], { cwd, env: { GUESTOPS_MAX_RESETS: '1' } });
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(resetsDone(await emu.requests(), JOHN), 1);
  });
});

test("the plan-json output of a GitHub step is a saved plan 'apply --plan' accepts", async () => {
  await usingEmulator(async (emu) => {
    const cwd = demoWorkdir();
    const runner = await runnerFiles({ workspace: cwd, eventName: 'push' });
    const r = await guestops(emu, ['plan'], { cwd, env: runner.env });
    assert.equal(r.code, 0, r.stderr);
    const planJson = (await runner.outputs())['plan-json']!;
    const saved = JSON.parse(readFileSync(planJson, 'utf8')) as Record<string, unknown>;
    assert.deepEqual([typeof saved['createdAt'], typeof saved['graphUrl'], typeof saved['markerProperty']], ['string', 'string', 'string']);
    const applied = await guestops(emu, ['apply', '--plan', planJson], { cwd });
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(resetsDone(await emu.requests(), JOHN), 1);
  });
});

test('a plan of 60 adoptions makes at most 50 annotations and says how many it left out', async () => {
  const guests = generatedGuests(60);
  await usingEmulator(
    async (emu) => {
      const cwd = workdir({ 'guests/all.yaml': `guests:\n${guests.map((g) => `  - id: ${g.id}\n    email: ${g.mail}\n`).join('')}` });
      const runner = await runnerFiles({ workspace: cwd, eventName: 'push' });
      const r = await guestops(emu, ['plan'], { cwd, env: runner.env });
      assert.equal(r.code, 0, r.stderr);
      const notices = workflowCommands(r.stdout).filter((c) => c.command === 'notice');
      assert.equal(notices.filter((n) => n.properties['file'] === 'guests/all.yaml').length, 50);
      const capped = notices.filter((n) => n.properties['file'] === undefined);
      assert.equal(capped.length, 1);
      assert.match(capped[0]!.message, /^10 more guest annotation\(s\) not shown \(at most 50, blocked guests first\); the job summary lists every guest\.$/);
    },
    tenantOf(guests.map((g) => guestUser(g))),
  );
});
