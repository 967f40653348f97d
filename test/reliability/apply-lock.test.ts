/**
 * The tenant-wide apply lock (src/graph/apply-lock.ts), driven through the CLI against the
 * emulator, whose uniqueName arbitration decides on the true state even under replication lag.
 *
 * - Two applies started at the same instant on a few hundred email changes, under a 3 s lag:
 *   one takes the lock, the other waits for it (--lock-timeout), plans after the first released
 *   it — which the first does only once its last write has had the consistency window to
 *   replicate — and finds nothing left. No guest is reset twice.
 * - A live lock of another run refuses apply before any write to a user, naming the run and the
 *   command that removes it; `guestops unlock` shows it, refuses a wrong id, removes the right one.
 * - A lock whose lease ended, and a released lock still in deleted items, do not stop an apply.
 * - An identity that may not create the lock is told which permission it lacks; nothing is written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEmulator, graphFetch, type TestEmulator } from '../helpers/emulator.js';
import { guestops, isLockRequest, isWrite, resetsDone, userOf, workdir } from '../apply/support.js';
import { generatedGuests, guestUser, tenantOf } from '../adopt/support.js';

const LOCK_PATH = `/v1.0/applications(uniqueName='guestops-apply-lock')`;
const GUESTS = generatedGuests(200);
const newEmail = (i: number) => `moved${i}@contoso-partner.example`;

function movedWorkdir(count = GUESTS.length): string {
  const lines = GUESTS.slice(0, count)
    .map((g, i) => `  - id: ${g.id}\n    email: ${newEmail(i)}\n    acknowledgeDomainChange: ${g.mail!.split('@')[1]} -> contoso-partner.example\n`)
    .join('');
  return workdir({
    'guests/moved.yaml': `guests:\n${lines}`,
    'guestops.policy.yaml': `formatVersion: 1\nmaxEmailChanges: ${GUESTS.length}\n`,
  });
}

async function lockObjects(emu: TestEmulator) {
  return (await emu.state()).applications.filter((a) => a.uniqueName?.toLowerCase() === 'guestops-apply-lock');
}

/** Creates the lock as another apply run would hold it, with its holder record. */
async function holdLock(emu: TestEmulator, run: string, until: Date): Promise<string> {
  const created = await graphFetch(emu.url, LOCK_PATH, { method: 'PATCH', headers: { prefer: 'create-if-missing' }, body: { displayName: 'guestops apply lock' } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id as string;
  const notes = JSON.stringify({ guestopsApplyLock: 1, run, until: until.toISOString() });
  assert.equal((await graphFetch(emu.url, `/v1.0/applications/${id}`, { method: 'PATCH', body: { notes } })).status, 204);
  return id;
}

test('two applies started at the same instant on 200 email changes under a 3 s lag: the lock lets one plan at a time, no guest reset twice', async () => {
  const emu = await withEmulator({ throttle: false, replicationLagMs: 3_000, seedPatch: tenantOf(GUESTS.map((g) => guestUser(g))) });
  try {
    const cwd = movedWorkdir();
    // The lag is longer than a waiting run's poll interval (2 s), so a release that did not wait out
    // the window would let the second run plan from replicas without the first run's last writes.
    const env = { GUESTOPS_CONSISTENCY_WINDOW_SECONDS: '4' };
    const args = ['apply', '--max-resets', '200', '--concurrency', '40', '--lock-timeout', '300'];
    const [a, b] = await Promise.all([
      guestops(emu, args, { cwd, env: { ...env, GUESTOPS_RUN_ID: 'same-instant-A' } }),
      guestops(emu, args, { cwd, env: { ...env, GUESTOPS_RUN_ID: 'same-instant-B' } }),
    ]);
    assert.equal(a.code, 0, a.stderr.slice(-2000));
    assert.equal(b.code, 0, b.stderr.slice(-2000));

    const log = await emu.requests();
    // Exactly one run created the lock; the other's create-or-update was answered 204 and it waited.
    const upserts = log.filter((e) => e.method === 'PATCH' && e.path === LOCK_PATH);
    assert.equal(upserts.filter((e) => e.status === 201).length, 2, 'each run held the lock once, one after the other');
    assert.ok(upserts.some((e) => e.status === 204), 'the two runs never raced for the lock');
    const waited = [a, b].filter((r) => /waiting up to 300s for the apply lock/.test(r.stderr));
    assert.equal(waited.length, 1, `exactly one run waited for the other:\nA: ${a.stderr.slice(-1500)}\nB: ${b.stderr.slice(-1500)}`);
    // The lag was exercised: the lock's own reads and the guests' read-backs met stale replicas.
    assert.ok(((await emu.state()) as unknown as { staleReads: number }).staleReads > 0, 'no read met the lag');

    // The first holder released the lock only once its last user write was a window (4 s) old,
    // so the next holder could not plan from a replica missing it.
    const release = log.find((e) => e.method === 'DELETE' && /^\/v1\.0\/applications\/[^/]+$/.test(e.path) && e.status === 204)!;
    const lastWrite = log.filter((e) => isWrite(e) && e.seq < release.seq).pop()!;
    const heldFor = Date.parse(release.time) - Date.parse(lastWrite.time);
    assert.ok(heldFor >= 3_950, `the lock was released ${heldFor} ms after the holder's last write`);

    const twice = GUESTS.filter((g) => resetsDone(log, g.id) !== 1);
    assert.deepEqual(twice.map((g) => `${g.id}: ${resetsDone(log, g.id)}`), [], 'every guest reset exactly once');
    const state = await emu.state();
    GUESTS.forEach((g, i) => assert.equal(userOf(state, g.id)['mail'], newEmail(i)));
    // The run that waited planned after the other's writes had replicated: nothing was left to do.
    const later = waited[0]!;
    assert.match(later.stdout, /0 reset\(s\), 0 profile update\(s\)/);
    assert.deepEqual(await lockObjects(emu), [], 'the lock was removed for good (deleted items too)');

    await new Promise((r) => setTimeout(r, 3_200));
    const plan = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd });
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  } finally {
    await emu.close();
  }
});

test('a live lock of another run refuses apply before any user write; guestops unlock shows it, refuses a wrong id, removes the right one', async () => {
  const emu = await withEmulator({ throttle: false, seedPatch: tenantOf(GUESTS.slice(0, 3).map((g) => guestUser(g))) });
  try {
    const cwd = movedWorkdir(3);
    const id = await holdLock(emu, 'ci-run-41', new Date(Date.now() + 600_000));

    const refused = await guestops(emu, ['apply'], { cwd, env: { GUESTOPS_RUN_ID: 'ci-run-42' } });
    assert.equal(refused.code, 1);
    const line = refused.stderr.trim().split('\n').pop()!;
    assert.match(line, new RegExp(`^guestops apply: error apply-locked: another apply holds the tenant's apply lock: run ci-run-41 since \\S+, lease until \\S+ \\(lock id ${id}\\); nothing was written\\. .*guestops unlock ${id}$`));
    assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
    assert.equal((await emu.requests()).filter(isWrite).length, 0, 'no write to any user');

    const shown = await guestops(emu, ['unlock'], { cwd });
    assert.equal(shown.code, 1, 'a held lock: exit 1');
    assert.match(shown.stdout, new RegExp(`held by run ci-run-41 since .*\\(lock id ${id}\\)`));
    assert.match(shown.stdout, new RegExp(`remove it with: guestops unlock ${id}`));

    const wrong = await guestops(emu, ['unlock', '00000000-0000-4000-8000-0000000000ff'], { cwd });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /lock-id-mismatch.*Nothing was removed/);
    assert.equal((await lockObjects(emu)).length, 1);

    const removed = await guestops(emu, ['unlock', id], { cwd });
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /Removed the apply lock of run ci-run-41/);
    assert.deepEqual(await lockObjects(emu), [], 'deleted and purged');

    const applied = await guestops(emu, ['apply'], { cwd, env: { GUESTOPS_RUN_ID: 'ci-run-42' } });
    assert.equal(applied.code, 0, applied.stderr);
    for (const g of GUESTS.slice(0, 3)) assert.equal(resetsDone(await emu.requests(), g.id), 1);
    assert.equal((await guestops(emu, ['unlock'], { cwd })).stdout, 'No apply lock is held.\n');
  } finally {
    await emu.close();
  }
});

test('a lock whose lease ended is removed with a line saying whose it was; a released lock left in deleted items is purged', async () => {
  const emu = await withEmulator({ throttle: false, seedPatch: tenantOf(GUESTS.slice(0, 2).map((g) => guestUser(g))) });
  try {
    const cwd = movedWorkdir(1);
    await holdLock(emu, 'died-at-dawn', new Date(Date.now() - 1_000));
    const first = await guestops(emu, ['apply'], { cwd, env: { GUESTOPS_RUN_ID: 'next-run' } });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /removing a stale apply lock: run died-at-dawn since \S+, lease until \S+ \(lock id [0-9a-f-]{36}\)/);
    assert.equal(resetsDone(await emu.requests(), GUESTS[0]!.id), 1);

    // A run died between deleting its lock and purging it: the name stays reserved in deleted items.
    const id = await holdLock(emu, 'released', new Date(Date.now() + 600_000));
    assert.equal((await graphFetch(emu.url, `/v1.0/applications/${id}`, { method: 'DELETE' })).status, 204);
    const second = await guestops(emu, ['apply'], { cwd: movedWorkdir(2), env: { GUESTOPS_RUN_ID: 'after-release' } });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, new RegExp(`purged a released apply lock from deleted items \\(lock id ${id}\\)`));
    assert.equal(resetsDone(await emu.requests(), GUESTS[1]!.id), 1);
    assert.deepEqual(await lockObjects(emu), []);
  } finally {
    await emu.close();
  }
});

test('an identity that may not create the lock gets one line naming the permission; nothing is written', async () => {
  const emu = await withEmulator({
    throttle: false,
    seedPatch: (s) => ({
      ...tenantOf(GUESTS.slice(0, 1).map((g) => guestUser(g)))(s),
      tokens: { ...s.tokens, 'no-apps': { kind: 'app', appId: '0f0f0f0f-0000-4000-8000-0000000000aa', permissions: ['User.ReadWrite.All', 'User.Invite.All', 'RoleManagement.Read.Directory'] } },
    }),
  });
  try {
    const cwd = movedWorkdir(1);
    const r = await guestops(emu, ['apply'], { cwd, token: 'no-apps' });
    assert.equal(r.code, 1);
    assert.match(r.stderr.trim(), /^guestops apply: error apply-lock-denied: .*Application\.ReadWrite\.OwnedBy .*--no-lock/m);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const log = await emu.requests();
    assert.equal(log.filter(isWrite).length, 0);
    assert.equal(log.filter(isLockRequest).length, 1, 'one attempt at the lock, refused');
  } finally {
    await emu.close();
  }
});

test('a run holding the lock renews its lease while it works: a run arriving after the first lease would have ended is still refused', async () => {
  const emu = await withEmulator({ throttle: false, seedPatch: tenantOf(GUESTS.slice(0, 1).map((g) => guestUser(g))) });
  try {
    const cwd = movedWorkdir(1);
    // The reset takes 6 s; the lease is 3 s, renewed every second.
    await emu.addFault({ method: 'POST', path: '/v1.0/invitations', latencyMs: 6_000, times: 1 });
    const env = { GUESTOPS_LEASE_SECONDS: '3' };
    const first = guestops(emu, ['apply'], { cwd, env: { ...env, GUESTOPS_RUN_ID: 'long-run' } });
    const deadline = Date.now() + 20_000;
    // The log records a request once answered: wait for the intent PATCH, which the held reset follows.
    while (!(await emu.requests()).some((e) => e.method === 'PATCH' && e.path === `/v1.0/users/${GUESTS[0]!.id}`)) {
      if (Date.now() > deadline) throw new Error('the first apply never reached its reset');
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 3_500)); // past the first lease's end
    const second = await guestops(emu, ['apply'], { cwd, env: { ...env, GUESTOPS_RUN_ID: 'late-run' } });
    assert.equal(second.code, 1, second.stdout + second.stderr);
    assert.match(second.stderr, /error apply-locked: another apply holds the tenant's apply lock: run long-run/);
    assert.doesNotMatch(second.stderr, /removing a stale apply lock/);
    const a = await first;
    assert.equal(a.code, 0, a.stderr);
    const renewals = (await emu.requests()).filter((e) => e.method === 'PATCH' && /^\/v1\.0\/applications\/[^/(]+$/.test(e.path));
    assert.ok(renewals.length >= 3, `the holder recorded itself and renewed: ${renewals.length} writes of its notes`);
    assert.equal(resetsDone(await emu.requests(), GUESTS[0]!.id), 1);
  } finally {
    await emu.close();
  }
});

test('a lock that reads as gone right after the create-or-update met it is tried again, and the refusal still names its holder', async () => {
  const emu = await withEmulator({ throttle: false, seedPatch: tenantOf(GUESTS.slice(0, 1).map((g) => guestUser(g))) });
  try {
    const cwd = movedWorkdir(1);
    await holdLock(emu, 'still-here', new Date(Date.now() + 600_000));
    // The first read of the lock answers 404, as when its holder released it in between.
    await emu.addFault({ method: 'GET', path: LOCK_PATH, status: 404, times: 1 });
    const r = await guestops(emu, ['apply'], { cwd, env: { GUESTOPS_RUN_ID: 'comes-later' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error apply-locked: another apply holds the tenant's apply lock: run still-here/);
    // holdLock's own create answered 201; apply's two attempts met the lock (204).
    const upserts = (await emu.requests()).filter((e) => e.method === 'PATCH' && e.path === LOCK_PATH && e.status === 204);
    assert.equal(upserts.length, 2, 'the create-or-update was sent again after the lock read as gone');
    assert.equal((await emu.requests()).filter(isWrite).length, 0);
  } finally {
    await emu.close();
  }
});
