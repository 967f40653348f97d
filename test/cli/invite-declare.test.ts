/**
 * After guestops invites an email-only guest, plan and apply say which `id:` to add; until it is
 * added, editing that guest's email is blocked (inviting the new address would create a second
 * account and orphan the first). Once the id is declared, the edit moves the invited user.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { graphFetch, withEmulator } from '../helpers/emulator.js';
import { MARKER, guestops, isWrite, markerOf, resetsDone, userOf, workdir } from '../apply/support.js';

const FIRST = 'pat.lee@adventure-works.example';
const EDITED = 'pat.lee@adventureworks.example';

interface JsonPlan {
  idsToDeclare?: { email: string; file: string; line: number; id: string }[];
  guests: { key: string; actions: { type: string }[]; blocked?: { code: string; reason: string } }[];
}

test('an invited email-only guest: plan and apply name the id to add; an email edit is blocked until it is declared', async () => {
  const emu = await withEmulator();
  try {
    const file = (email: string, id?: string) =>
      `guests:\n  - email: ${email}\n${id ? `    id: ${id}\n    acknowledgeDomainChange: adventure-works.example -> adventureworks.example\n` : ''}  - email: other@adventure-works.example\n`;
    const cwd = workdir({ 'guests/partners.yaml': file(FIRST) });
    const apply = await guestops(emu, ['apply'], { cwd });
    assert.equal(apply.code, 0, apply.stderr);
    const state = await emu.state();
    const invited = state.users.find((u) => u['mail'] === FIRST)!;
    const id = invited['id'] as string;
    assert.ok(apply.stdout.includes(`Declare the new guest: add \`id: ${id}\` to the guest at guests/partners.yaml:2 (${FIRST}), invited as that user by this apply.`), apply.stdout);

    const plan = await guestops(emu, ['plan'], { cwd });
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /^No changes\./);
    assert.ok(plan.stdout.includes(`i add \`id: ${id}\` to the guest at guests/partners.yaml:2 (${FIRST}): guestops invited this email-only guest`), plan.stdout);
    const json = JSON.parse((await guestops(emu, ['plan', '--format', 'json'], { cwd })).stdout) as JsonPlan;
    assert.equal(json.idsToDeclare?.length, 2);
    assert.deepEqual(json.idsToDeclare![0], { email: FIRST, file: 'guests/partners.yaml', line: 2, id });
    const md = await guestops(emu, ['plan', '--format', 'markdown'], { cwd });
    assert.ok(md.stdout.includes(`add \`id: ${id}\``), md.stdout);

    // The email is edited, the id still not declared: no second invitation, a block naming the id.
    writeFileSync(join(cwd, 'guests/partners.yaml'), file(EDITED));
    const writesBefore = (await emu.requests()).filter(isWrite).length;
    const edited = await guestops(emu, ['plan', '--format', 'json'], { cwd });
    assert.equal(edited.code, 1, edited.stderr);
    const g = (JSON.parse(edited.stdout) as JsonPlan).guests.find((x) => x.key === EDITED)!;
    assert.equal(g.blocked?.code, 'invited-guest-undeclared');
    assert.ok(g.blocked!.reason.includes(`user ${id} (${FIRST})`), g.blocked!.reason);
    assert.ok(g.blocked!.reason.includes(`declare \`id: ${id}\` here`), g.blocked!.reason);
    const refused = await guestops(emu, ['apply'], { cwd });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /blocked invited-guest-undeclared/);
    assert.equal((await emu.requests()).filter(isWrite).length, writesBefore, 'nothing written: no second account');

    // With the id declared, the edit moves the invited user's sign-in.
    writeFileSync(join(cwd, 'guests/partners.yaml'), file(EDITED, id));
    const moved = await guestops(emu, ['apply'], { cwd });
    assert.equal(moved.code, 0, moved.stderr);
    const after = await emu.state();
    assert.equal(userOf(after, id)['mail'], EDITED);
    assert.equal(resetsDone(await emu.requests(), id), 1);
    assert.equal(markerOf(after, id)!.p, undefined);
    assert.equal(after.users.filter((u) => u['mail'] === EDITED).length, 1, 'one account');
  } finally {
    await emu.close();
  }
});

test('an invitee of an older guestops (marker without `f`): with --base-dir, an email edit is blocked until its id is declared', async () => {
  const emu = await withEmulator();
  try {
    const file = (email: string) => `guests:\n  - email: ${email}\n`;
    const cwd = workdir({ 'guests/partners.yaml': file(FIRST) });
    assert.equal((await guestops(emu, ['apply'], { cwd })).code, 0);
    const invited = (await emu.state()).users.find((u) => u['mail'] === FIRST)!;
    const id = invited['id'] as string;
    // What an older guestops wrote: the same marker without the invited-for file `f`.
    const { f, ...older } = JSON.parse(invited[MARKER] as string) as Record<string, unknown>;
    assert.equal(typeof f, 'string');
    assert.equal((await graphFetch(emu.url, `/v1.0/users/${id}`, { method: 'PATCH', body: { [MARKER]: JSON.stringify(older) } })).status, 204);
    assert.match((await guestops(emu, ['plan'], { cwd })).stdout, /^No changes\./, 'still recognised by its recorded email');

    // The review's base is guests/ before the edit, as plan.yml passes it.
    cpSync(join(cwd, 'guests'), join(cwd, 'base'), { recursive: true });
    writeFileSync(join(cwd, 'guests/partners.yaml'), file(EDITED));
    await emu.resetLog();
    const edited = await guestops(emu, ['plan', '--format', 'json', '--base-dir', 'base', '--out', 'reviewed.json'], { cwd });
    assert.equal(edited.code, 1, edited.stderr);
    const g = (JSON.parse(edited.stdout) as JsonPlan).guests.find((x) => x.key === EDITED)!;
    assert.equal(g.blocked?.code, 'invited-guest-undeclared');
    assert.ok(g.blocked!.reason.includes(`declare \`id: ${id}\` here`), g.blocked!.reason);

    // Without the base the old address is unknown (README, known limits): the plan would invite.
    const blind = JSON.parse((await guestops(emu, ['plan', '--format', 'json'], { cwd })).stdout) as JsonPlan;
    assert.deepEqual(blind.guests.find((x) => x.key === EDITED)!.actions.map((a) => a.type), ['invite']);
    // The reviewed plan is what runs: apply --plan refuses, nothing is invited.
    const refused = await guestops(emu, ['apply', '--plan', 'reviewed.json'], { cwd });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /error plan-stale-tenant/);
    assert.deepEqual((await emu.requests()).filter(isWrite), []);
  } finally {
    await emu.close();
  }
});
