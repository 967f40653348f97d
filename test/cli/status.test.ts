/** `guestops status` through the CLI against the emulator. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEmulator, type Seed } from '../helpers/emulator.js';
import { GRACE, MARKER, guestops, isWrite, topLevel, workdir } from '../apply/support.js';

const HENRY = '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6ab0';
const DAY = 86_400_000;

interface JsonStatus {
  signInActivity: { available: boolean; reason?: string };
  declared: number;
  guests: { email: string; id: string; state: string; stateDays: number; accountEnabled: boolean; sponsors: string[]; expires: string | null; expiresInDays: number | null; lastSignIn?: string | null; resend?: { change: string; file: string; line: number; generation: number } }[];
}

/** Grace pending for 20 days, Henry's access ending in 10 days, sign-ins relative to now. */
function relativeSeed(s: Seed): Seed {
  const ago = (d: number) => new Date(Date.now() - d * DAY).toISOString();
  return {
    ...s,
    users: s.users.map((u) =>
      u.id === GRACE ? { ...u, externalUserStateChangeDateTime: ago(20) } : u.id === HENRY ? { ...u, signInActivity: { lastSuccessfulSignInDateTime: ago(100), lastSignInDateTime: ago(100) } } : u,
    ),
  };
}

function guests(): string {
  const inTen = new Date(Date.now() + 10 * DAY).toISOString().slice(0, 10);
  return `guests:
  - id: ${GRACE}
    email: grace.kim@fourthcoffee.example
    generation: 2
  - id: ${HENRY}
    email: henry.park@tailspin.example
    expires: ${inTen}
    sponsors: [erin@contoso.onmicrosoft.com]
`;
}

test('status: redemption since when, resend change for a pending guest, sponsors, expiry, last sign-in; filters; never writes', async () => {
  const emu = await withEmulator({ throttle: false, seedPatch: relativeSeed });
  try {
    const cwd = workdir({ 'guests/g.yaml': guests() });
    const r = await guestops(emu, ['status', '--format', 'json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as JsonStatus;
    assert.equal(s.signInActivity.available, true);
    const grace = s.guests.find((g) => g.id === GRACE)!;
    assert.equal(grace.state, 'PendingAcceptance');
    assert.equal(grace.stateDays, 20);
    assert.deepEqual(grace.resend, { generation: 3, file: 'guests/g.yaml', line: 4, change: 'generation: 2 → 3' });
    const henry = s.guests.find((g) => g.id === HENRY)!;
    assert.deepEqual(henry.sponsors, ['erin@contoso.onmicrosoft.com']);
    assert.equal(henry.expiresInDays, 10);
    assert.equal(henry.accountEnabled, true);
    assert.ok(henry.lastSignIn);

    const pending = JSON.parse((await guestops(emu, ['status', '--format', 'json', '--pending-over', '14d'], { cwd })).stdout) as JsonStatus;
    assert.deepEqual(pending.guests.map((g) => g.id), [GRACE]);
    assert.deepEqual((JSON.parse((await guestops(emu, ['status', '--format', 'json', '--pending-over', '21d'], { cwd })).stdout) as JsonStatus).guests, []);
    const expiring = JSON.parse((await guestops(emu, ['status', '--format', 'json', '--expiring-within', '30d'], { cwd })).stdout) as JsonStatus;
    assert.deepEqual(expiring.guests.map((g) => g.id), [HENRY]);
    const inactive = JSON.parse((await guestops(emu, ['status', '--format', 'json', '--inactive-over', '90d'], { cwd })).stdout) as JsonStatus;
    assert.deepEqual(inactive.guests.map((g) => g.id).sort(), [GRACE, HENRY].sort(), 'Grace never signed in, Henry 100 days ago');

    const text = await guestops(emu, ['status'], { cwd });
    assert.match(text.stdout, /redemption: PendingAcceptance since \d{4}-\d{2}-\d{2} \(20 days\)/);
    assert.match(text.stdout, /to re-send the invitation: generation: 2 → 3 at guests\/g\.yaml:4, then apply/);
    const md = await guestops(emu, ['status', '--format', 'markdown', '--pending-over', '14d'], { cwd });
    assert.match(md.stdout, /\*\*1 guest has not redeemed\.\*\*/);
    assert.match(md.stdout, /`guests\/g\.yaml:4` `generation: 2 → 3`/);

    const log = await emu.requests();
    assert.deepEqual(log.filter(isWrite), [], 'status never writes');
  } finally {
    await emu.close();
  }
});

test('status without AuditLog.Read.All says so once and still reports; --inactive-over then refuses; bad durations are usage errors', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const cwd = workdir({ 'guests/g.yaml': guests() });
    const plan = { token: 'demo-plan', env: { GUESTOPS_MARKER_PROPERTY: MARKER } };
    const r = await guestops(emu, ['status'], { cwd, ...plan });
    assert.equal(r.code, 0, r.stderr);
    const notes = r.stdout.split('\n').filter((l) => /Sign-in activity is not available/.test(l));
    assert.equal(notes.length, 1);
    assert.match(notes[0]!, /Authorization_RequestDenied: Calling principal does not have required MSGraph permissions AuditLog\.Read\.All/);
    assert.doesNotMatch(r.stdout, /last sign-in|never signed in/);
    const inactive = await guestops(emu, ['status', '--inactive-over', '90d'], { cwd, ...plan });
    assert.equal(inactive.code, 1);
    assert.match(inactive.stderr, /^guestops status: error sign-in-activity-unavailable: --inactive-over needs sign-in activity/m);
    const bad = await guestops(emu, ['status', '--pending-over', '2w'], { cwd });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--pending-over must be a number of days such as 14d, got '2w'/);
  } finally {
    await emu.close();
  }
});

test('status reads N guests in list pages plus a few requests, and prints hostile tenant text inert', async () => {
  const emu = await withEmulator({
    throttle: false,
    seedPatch: (s) => ({ ...s, users: s.users.map((u) => (u.id === GRACE ? { ...u, userPrincipalName: 'x\u001b[31m::error::pwn|`<b>#EXT#@contoso.onmicrosoft.com' } : u)) }),
  });
  try {
    const cwd = workdir({ 'guests/g.yaml': guests() });
    const r = await guestops(emu, ['status'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /\u001b/);
    const md = await guestops(emu, ['status', '--format', 'markdown'], { cwd });
    assert.doesNotMatch(md.stdout, /<b>/);
    await emu.resetLog();
    await guestops(emu, ['status', '--format', 'json'], { cwd });
    const log = topLevel(await emu.requests());
    // /me, marker discovery, one guest list page (sponsors expanded), one $batch of sponsor look-ups, one sign-in page.
    assert.ok(log.length <= 6, log.map((e) => `${e.method} ${e.path}?${e.query}`).join('\n'));
  } finally {
    await emu.close();
  }
});
