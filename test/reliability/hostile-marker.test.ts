/**
 * A state marker is written by guestops but readable and writable by anyone who may edit the
 * user's extension property. A marker whose pending run id carries `##[stop-commands]…` and a
 * `::error title=Forged::…` line once made apply print a forged annotation. Its fields are now
 * validated when parsed: such a marker blocks the guest with a reason, and the raw value is
 * never printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEmulator, type Seed } from '../helpers/emulator.js';
import { assertRunClean } from '../helpers/inert-output.js';
import { ALICE, MARKER, demoWorkdir, guestops, isWrite, markerOf } from '../apply/support.js';
import { runnerFiles } from '../github/support/actions-runner.js';
import { parseMarker } from '../../src/plan/marker.js';

const FORGED_RUN_ID = '##[stop-commands]x\n::error title=Forged::forged annotation';

function forgedMarker(seed: Seed): Seed {
  const users = seed.users.map((u) => {
    if (u.id !== ALICE) return u;
    const p = { g: 1, e: '0123456789abcdef', t: new Date().toISOString(), r: FORGED_RUN_ID, b: u['externalUserStateChangeDateTime'], s: 'Accepted' };
    return { ...u, [MARKER]: JSON.stringify({ v: 1, g: 0, e: '0123456789abcdef', t: '2026-01-01T00:00:00Z', p }) };
  });
  return { ...seed, users };
}

test('a marker with a forged run id blocks its guest in plan and apply, writes nothing to it, prints nothing of it', async () => {
  const emu = await withEmulator({ throttle: false, seedPatch: forgedMarker });
  try {
    const cwd = demoWorkdir();
    const env = { GUESTOPS_MARKER_PROPERTY: MARKER };
    const plan = await guestops(emu, ['plan'], { cwd, env });
    assert.equal(plan.code, 1, plan.stderr);
    assert.match(plan.stdout, /x alice\.wong@tailspin\.example[\s\S]*?\[marker-unreadable\]\n\s+state marker unreadable: pending intent run id is not a token/);
    assertRunClean('plan', plan, false);
    assert.doesNotMatch(plan.stdout + plan.stderr, /Forged|stop-commands/, 'the raw run id is never quoted');

    const runner = await runnerFiles({ workspace: cwd, eventName: 'push' });
    const before = markerOf(await emu.state(), ALICE);
    const apply = await guestops(emu, ['apply'], { cwd, env: { ...runner.env, ...env, GUESTOPS_RUN_ID: 'apply-1' } });
    assert.equal(apply.code, 1, apply.stderr);
    assert.match(apply.stderr, /0b7e4c1a|alice/);
    assert.match(apply.stderr, /blocked marker-unreadable: state marker unreadable: pending intent run id/);
    assertRunClean('apply', apply, true);
    assert.doesNotMatch(apply.stdout + apply.stderr + (await runner.summary()), /Forged/);
    const writesToAlice = (await emu.requests()).filter(isWrite).filter((e) => e.path.includes(ALICE) || JSON.stringify(e.requestBody ?? '').includes(ALICE));
    assert.deepEqual(writesToAlice, []);
    assert.deepEqual(markerOf(await emu.state(), ALICE), before);
  } finally {
    await emu.close();
  }
});

test('every marker field is validated when parsed; the reason names the field, never the value', () => {
  const good = { v: 1, g: 2, e: '0123456789abcdef', t: '2026-11-26T03:37:00.000Z', c: '4f1e2d3c4b5a' };
  const pending = { g: 3, e: 'fedcba9876543210', t: '2026-11-26T03:38:00Z', r: 'gh-4242', b: '2026-03-02T10:15:00.1234567Z', s: 'PendingAcceptance' };
  assert.equal(parseMarker(JSON.stringify({ ...good, p: pending })).kind, 'ok');
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...good, v: '1\u001b' }, /version/],
    [{ ...good, g: 2 ** 53 }, /generation/],
    [{ ...good, g: -1 }, /generation/],
    [{ ...good, e: 'ABCDEF0123456789' }, /email hash/],
    [{ ...good, t: 'yesterday\n::error::x' }, /time/],
    [{ ...good, t: '2026-13-45T99:99:99Z' }, /time/],
    [{ ...good, c: 'main; rm -rf' }, /commit/],
    [{ ...good, p: { ...pending, r: 'run id with spaces' } }, /run id/],
    [{ ...good, p: { ...pending, r: 'x'.repeat(41) } }, /run id/],
    [{ ...good, p: { ...pending, r: '##[stop-commands]t' } }, /run id/],
    [{ ...good, p: { ...pending, g: 1.5 } }, /pending intent generation/],
    [{ ...good, p: { ...pending, e: 'zz' } }, /pending intent email hash/],
    [{ ...good, p: { ...pending, t: 'soon' } }, /pending intent time/],
    [{ ...good, p: { ...pending, b: '\u009b31m' } }, /change time/],
    [{ ...good, p: { ...pending, s: 'Accepted\n::warning::x' } }, /user state/],
    [{ ...good, p: [] }, /pending intent is not an object/],
  ];
  for (const [data, reason] of cases) {
    const parsed = parseMarker(JSON.stringify(data));
    assert.equal(parsed.kind, 'unreadable', JSON.stringify(data));
    if (parsed.kind !== 'unreadable') continue;
    assert.match(parsed.reason, reason);
    assert.match(parsed.reason, /^[ -~]+$/, 'the reason is plain ASCII text');
    assert.doesNotMatch(parsed.reason, /::|##\[|rm -rf|spaces|soon|yesterday/, 'the value is not quoted');
  }
});

test('apply refuses a GUESTOPS_RUN_ID the marker parser would refuse, before any request', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const r = await guestops(emu, ['apply'], { cwd: demoWorkdir(), env: { GUESTOPS_RUN_ID: 'run\n::error title=Forged::x' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^guestops apply: error usage: GUESTOPS_RUN_ID must be 1 to 40 letters, digits/m);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.deepEqual(await emu.requests(), []);
  } finally {
    await emu.close();
  }
});
