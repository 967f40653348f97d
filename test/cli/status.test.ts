/** `guestops status` through the CLI against the emulator. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEmulator, type Seed } from '../helpers/emulator.js';
import { GRACE, MARKER, guestops, isWrite, topLevel, workdir } from '../apply/support.js';
import { runnerFiles, workflowCommands } from '../github/support/actions-runner.js';

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

test('status in GitHub Actions: the report in the job summary, a warning at the line to change per guest pending --warn-pending-over or longer, capped at 50 with one notice', async () => {
  // 55 guests invited on 1 September and still pending; the drift job runs on 1 October.
  const ids = Array.from({ length: 55 }, (_, i) => `9e5d0000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);
  const emu = await withEmulator({
    throttle: false,
    seedPatch: (s) => ({
      ...s,
      users: [
        ...s.users,
        ...ids.map((id, i) => ({
          id, userPrincipalName: `p${i + 1}_partner.example#EXT#@contoso.onmicrosoft.com`, displayName: `P ${i + 1}`, mail: `p${i + 1}@partner.example`,
          userType: 'Guest', creationType: 'Invitation', externalUserState: 'PendingAcceptance', externalUserStateChangeDateTime: '2026-09-01T08:00:00Z',
        })),
      ],
    }),
  });
  try {
    const yaml = `guests:\n${ids.map((id, i) => `  - id: ${id}\n    email: p${i + 1}@partner.example\n${i === 0 ? '    generation: 4\n' : ''}`).join('')}`;
    const cwd = workdir({ 'guests/pending.yaml': yaml });
    const runner = await runnerFiles({ workspace: cwd, eventName: 'schedule' });
    const r = await guestops(emu, ['status', '--warn-pending-over', '30d'], { cwd, env: { ...runner.env, GUESTOPS_NOW: '2026-10-01T09:00:00Z' } });
    assert.equal(r.code, 0, r.stderr);
    const commands = workflowCommands(r.stdout);
    const warnings = commands.filter((c) => c.command === 'warning');
    assert.equal(warnings.length, 50, 'capped like the plan annotations');
    // The first guest has a generation line: the warning sits on it, naming the bump.
    assert.deepEqual([warnings[0]!.properties['file'], warnings[0]!.properties['line']], ['guests/pending.yaml', '4']);
    assert.match(warnings[0]!.message, /To re-send it: generation: 4 → 5 at guests\/pending\.yaml:4 in a pull request, then apply\./);
    // The others have none: the warning is on the guest's entry, saying which line to add.
    assert.deepEqual([warnings[1]!.properties['file'], warnings[1]!.properties['line']], ['guests/pending.yaml', '5']);
    assert.match(warnings[1]!.message, /To re-send it: add generation: 1 at guests\/pending\.yaml:5/);
    assert.equal(warnings[0]!.properties['title'], 'guestops: p1@partner.example pending acceptance for 30 days');
    assert.deepEqual(commands.filter((c) => c.command === 'notice').map((c) => c.message), ['5 more pending guest(s) not annotated (at most 50); the job summary lists every one.']);
    assert.equal((await runner.outputs())['pending'], '55');
    const summary = await runner.summary();
    assert.match(summary, /### guestops status/);
    assert.equal(summary.match(/^> - `p\d+@partner\.example` pending 30 days/gm)?.length, 55, 'the summary lists every pending guest');
    assert.match(summary, /_55 guests pending acceptance for 30 days or more are flagged as warnings on their lines\._/);
    // One day more of threshold: nobody is flagged, the summary still reports.
    const later = await runnerFiles({ workspace: cwd, eventName: 'schedule' });
    const none = await guestops(emu, ['status', '--warn-pending-over', '31d'], { cwd, env: { ...later.env, GUESTOPS_NOW: '2026-10-01T09:00:00Z' } });
    assert.deepEqual(workflowCommands(none.stdout).filter((c) => c.command === 'warning' || c.command === 'notice'), []);
    assert.equal((await later.outputs())['pending'], '0');
    // Outside Actions nothing is annotated, and a bad threshold is a usage error.
    const plain = await guestops(emu, ['status', '--warn-pending-over', '30d'], { cwd, env: { GUESTOPS_NOW: '2026-10-01T09:00:00Z' } });
    assert.deepEqual(workflowCommands(plain.stdout), []);
    const bad = await guestops(emu, ['status', '--warn-pending-over', '2w'], { cwd });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^guestops status: error usage: --warn-pending-over must be a number of days such as 14d, got '2w'/m);
  } finally {
    await emu.close();
  }
});

type Emulator = Awaited<ReturnType<typeof withEmulator>>;

/** The demo tenant with `fault` in force and guests() in a working directory, then `body`. */
async function withFault(fault: Parameters<Emulator['addFault']>[0], body: (emu: Emulator, cwd: string) => Promise<void>): Promise<void> {
  const emu = await withEmulator({ throttle: false });
  try {
    await emu.addFault(fault);
    await body(emu, workdir({ 'guests/g.yaml': guests() }));
  } finally {
    await emu.close();
  }
}

test('status reads the sign-in list beside the observation, not after it', async () => {
  // Every list page is held 300 ms: the observation's sponsor $batch can only go once its guest
  // list has answered, so a sign-in page read after the observation would come after it.
  await withFault({ method: 'GET', path: '/v1.0/users', latencyMs: 300, times: 100 }, async (emu, cwd) => {
    const r = await guestops(emu, ['status', '--format', 'json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as JsonStatus).signInActivity.available, true);
    const log = topLevel(await emu.requests()).sort((a, b) => a.seq - b.seq);
    const signInPage = log.find((e) => e.path === '/v1.0/users' && /signInActivity/.test(decodeURIComponent(e.query ?? '')));
    const sponsorBatch = log.find((e) => e.path === '/v1.0/$batch');
    assert.ok(signInPage && sponsorBatch, log.map((e) => `${e.seq} ${e.method} ${e.path}`).join('\n'));
    assert.ok(signInPage.seq < sponsorBatch.seq, `the sign-in page (seq ${signInPage.seq}) came after the observation's $batch (seq ${sponsorBatch.seq})`);
  });
});

test('status: when the observation fails beside the sign-in list, the one-line error is the observation\'s', async () => {
  await withFault({ method: 'GET', path: '/v1.0/me', status: 401, times: 10 }, async (emu, cwd) => {
    const r = await guestops(emu, ['status'], { cwd });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^guestops status: error graph-error: Graph GET \/me\S* failed: HTTP 401 /);
  });
});
