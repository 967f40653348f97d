/**
 * A guest whose mail holds `+` can be adopted and updated (no invitation is sent), while a reset
 * or invitation to such an address, which Graph refuses, is blocked by the plan with zero writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEmulator, type Seed } from '../helpers/emulator.js';
import { guestops, isWrite, markerOf, workdir } from '../apply/support.js';
import { runCli } from '../helpers/cli.js';

const SAM = '4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c70';
const MAIL = 'sam+contoso@fabrikam.example';

function withSam(seed: Seed): Seed {
  const users = [...(seed.users as unknown as Record<string, unknown>[])];
  users.push({
    id: SAM, displayName: 'Sam', userPrincipalName: 'sam+contoso_fabrikam.example#EXT#@contoso.onmicrosoft.com',
    mail: MAIL, otherMails: [MAIL], userType: 'Guest', creationType: 'Invitation',
    externalUserState: 'Accepted', externalUserStateChangeDateTime: '2026-03-02T10:15:00Z', identities: [],
  });
  return { ...seed, users } as unknown as Seed;
}

test('a guest whose mail contains + is adopted (no invitation); a reset or invitation to a + address is blocked', async () => {
  const emu = await withEmulator({ seedPatch: withSam });
  try {
    const cwd = workdir({ 'guests/sam.yaml': `guests:\n  - id: ${SAM}\n    email: ${MAIL}\n    otherMails: [${MAIL}, sam@home.example]\n` });
    const valid = await runCli(['validate'], { cwd });
    assert.equal(valid.code, 0, valid.stderr);
    const apply = await guestops(emu, ['apply'], { cwd });
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(apply.stdout, /1 profile update\(s\), 1 adoption\(s\)/);
    const state = await emu.state();
    assert.equal(markerOf(state, SAM)!.g, 0);
    assert.deepEqual(state.users.find((u) => u['id'] === SAM)!['otherMails'], [MAIL, 'sam@home.example']);
    assert.equal((await emu.requests()).filter((e) => e.method === 'POST' && e.path.endsWith('/invitations')).length, 0);

    // A generation bump would reset to the + address; a new email-only guest with + would be invited.
    writeFileSync(join(cwd, 'guests/sam.yaml'), `guests:\n  - id: ${SAM}\n    email: ${MAIL}\n    generation: 1\n  - email: kim+contoso@fabrikam.example\n`);
    const before = (await emu.requests()).filter(isWrite).length;
    const plan = await guestops(emu, ['plan', '--format', 'json'], { cwd });
    assert.equal(plan.code, 1, plan.stderr);
    const guests = (JSON.parse(plan.stdout) as { guests: { key: string; blocked?: { code: string; reason: string } }[] }).guests;
    assert.deepEqual(guests.map((g) => [g.key, g.blocked?.code]), [[SAM, 'email-not-invitable'], ['kim+contoso@fabrikam.example', 'email-not-invitable']]);
    assert.match(guests[0]!.blocked!.reason, /^sam\+contoso@fabrikam\.example contains "\+", which Graph refuses in an invitation address: guestops can adopt this guest and update its profile, but cannot reset its redemption/);
    const refused = await guestops(emu, ['apply'], { cwd });
    assert.equal(refused.code, 1);
    assert.equal((await emu.requests()).filter(isWrite).length, before, 'nothing written');
  } finally {
    await emu.close();
  }
});

test('validate still refuses the other characters Graph refuses in an address', async () => {
  const cwd = workdir({ 'guests/a.yaml': 'guests:\n  - email: "a+b%c@x.example"\n' });
  const r = await runCli(['validate'], { cwd });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /guests\/a\.yaml:2:12: error email-forbidden-character: email "a\+b%c@x\.example" contains "%", which Graph refuses in an invitation address/);
});
