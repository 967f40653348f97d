/**
 * Plan blocks an apply must never get past: an email change or an invitation to an address that
 * another user already carries (guest or member, declared or not), and — for app-only callers — a
 * profile change Graph refuses on a directory role holder. Judged from the emulator's request log:
 * apply exits 1 with zero writes, and the reason names the other user (and where it is declared).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEmulator } from '../helpers/emulator.js';
import { ALICE, ERIN, FRANK, JOHN, guestops, isWrite, workdir } from './support.js';

const UNDECLARED = '44444444-4444-4444-8444-444444444444';

/** A guest nobody declares, carrying `address` only in otherMails. */
function withUndeclaredGuest(address: string) {
  return (seed: Record<string, unknown>) => ({
    ...seed,
    users: [
      ...(seed['users'] as unknown[]),
      {
        id: UNDECLARED,
        displayName: 'Mallory',
        userPrincipalName: 'mallory_evil.example#EXT#@contoso.onmicrosoft.com',
        mail: 'mallory@evil.example',
        otherMails: ['mallory@evil.example', address],
        userType: 'Guest',
        creationType: 'Invitation',
        externalUserState: 'Accepted',
        externalUserStateChangeDateTime: '2026-03-02T10:15:00Z',
        identities: [],
      },
    ],
  });
}

async function assertBlockedWithoutWrites(
  files: Record<string, string>,
  expect: { code: string; names: RegExp[] },
  opts: { seedPatch?: (s: Record<string, unknown>) => Record<string, unknown>; token?: string } = {},
): Promise<void> {
  const emu = await withEmulator(opts.seedPatch ? { seedPatch: opts.seedPatch as never } : {});
  try {
    const cwd = workdir(files);
    const plan = await guestops(emu, ['plan', '--format', 'json'], { cwd, ...(opts.token ? { token: opts.token } : {}) });
    const blocked = (JSON.parse(plan.stdout) as { guests: { blocked?: { code: string; reason: string } }[] }).guests.map((g) => g.blocked).filter((b) => b !== undefined);
    assert.equal(blocked.length, 1, plan.stdout);
    assert.equal(blocked[0]!.code, expect.code);
    for (const n of expect.names) assert.match(blocked[0]!.reason, n);

    await emu.resetLog();
    const r = await guestops(emu, ['apply'], { cwd, ...(opts.token ? { token: opts.token } : {}) });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`blocked ${expect.code}`));
    for (const n of expect.names) assert.match(r.stderr, n);
    const writes = (await emu.requests()).filter(isWrite);
    assert.deepEqual(writes.map((e) => `${e.method} ${e.path}`), [], 'a blocked plan writes nothing');
  } finally {
    await emu.close();
  }
}

test('an email change to an address an undeclared guest carries in otherMails is blocked, naming that guest', async () => {
  await assertBlockedWithoutWrites(
    { 'guests/a.yaml': `guests:\n  - id: ${JOHN}\n    email: taken@partner.example\n` },
    { code: 'email-in-use', names: [new RegExp(UNDECLARED), /mallory_evil\.example#EXT#/, /not declared/] },
    { seedPatch: withUndeclaredGuest('Taken@Partner.example') },
  );
});

test("an email change to a member's mail is blocked, naming the member (found by a targeted lookup)", async () => {
  await assertBlockedWithoutWrites(
    { 'guests/a.yaml': `guests:\n  - id: ${JOHN}\n    email: erin@contoso.example\n` },
    { code: 'email-in-use', names: [new RegExp(ERIN)] },
  );
});

/** Alice (declared in guests/b.yaml) also carries alice.alt@tailspin.example in otherMails. */
const aliceAlt = (seed: Record<string, unknown>) => ({
  ...seed,
  users: (seed['users'] as Record<string, unknown>[]).map((u) => (u['id'] === ALICE ? { ...u, otherMails: ['alice.wong@tailspin.example', 'alice.alt@tailspin.example'] } : u)),
});
const ALICE_FILE = `# Alice\nguests:\n  - id: ${ALICE}\n    email: alice.wong@tailspin.example\n`;

test("an email change to an address a declared guest carries names that guest's file:line", async () => {
  await assertBlockedWithoutWrites(
    { 'guests/a.yaml': `guests:\n  - id: ${JOHN}\n    email: alice.alt@tailspin.example\n`, 'guests/b.yaml': ALICE_FILE },
    { code: 'email-in-use', names: [new RegExp(ALICE), /guests\/b\.yaml:3/] },
    { seedPatch: aliceAlt },
  );
});

test("an invitation to an address a declared guest carries names that guest's file:line", async () => {
  await assertBlockedWithoutWrites(
    { 'guests/a.yaml': `guests:\n  - email: alice.alt@tailspin.example\n`, 'guests/b.yaml': ALICE_FILE },
    { code: 'email-in-use', names: [new RegExp(ALICE), /guests\/b\.yaml:3/] },
    { seedPatch: aliceAlt },
  );
});

test('app-only: an otherMails change on a directory role holder is blocked before any write', async () => {
  await assertBlockedWithoutWrites(
    { 'guests/a.yaml': `guests:\n  - id: ${FRANK}\n    email: frank.ortiz@proseware.example\n    otherMails: [frank@ortiz-family.example]\n` },
    { code: 'role-holder-app-only', names: [new RegExp(FRANK), /otherMails/] },
  );
});
