/**
 * The guest lifecycle end to end through the CLI against the emulator: expiry → disable, extend →
 * enable, enabled: false, sponsors as a set, a missing sponsor blocked, located errors for bad
 * values, and plan after apply empty. Judged from the emulator's state and request log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEmulator, type Seed } from '../helpers/emulator.js';
import { runCli } from '../helpers/cli.js';
import { BOB, ERIN, guestops, isWrite, markerOf, topLevel, userOf, workdir } from '../apply/support.js';

const HENRY = '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6ab0';
/**
 * Every run is judged on 1 July 2026, the day after Henry's `expires: 2026-06-30`: the tests hold
 * whatever day they run on (GUESTOPS_NOW, cli/lifecycle-clock.ts).
 */
const AT = { GUESTOPS_NOW: '2026-07-01T09:00:00Z' };

interface JsonPlan {
  summary: Record<string, number>;
  guests: { id: string | null; file: string; line: number; actions: Record<string, unknown>[]; blocked?: { code: string; reason: string } }[];
}

function files(henry: string, bob = 'sponsors: [erin@contoso.onmicrosoft.com]'): Record<string, string> {
  return {
    'guests/people.yaml': `guests:
  - id: ${HENRY}
    email: henry.park@tailspin.example
${henry}
  - upn: bob.smith_litware.example#EXT#@contoso.onmicrosoft.com
    email: bob.smith@litware.example
    ${bob}
`,
  };
}

test('lifecycle loop: expired → disable (date and file:line) and sponsor added; plan after apply is empty; extending re-enables', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const cwd = workdir(files('    expires: 2026-06-30'));
    const p = await guestops(emu, ['plan', '--format', 'json'], { cwd, env: AT });
    assert.equal(p.code, 0, p.stderr);
    const plan = JSON.parse(p.stdout) as JsonPlan;
    const henry = plan.guests.find((g) => g.id === HENRY)!;
    assert.deepEqual(henry.actions, [{ type: 'disable', why: 'expired', reason: 'access expired on 2026-06-30', expires: '2026-06-30', declaredAt: { file: 'guests/people.yaml', line: 4 } }]);
    const bob = plan.guests.find((g) => g.id === BOB)!;
    assert.deepEqual(bob.actions.map((a) => a['type']), ['update-sponsors']);
    assert.deepEqual(bob.actions[0]!['add'], [{ ref: 'erin@contoso.onmicrosoft.com', id: ERIN }]);
    assert.equal(plan.summary['disables'], 1);
    assert.equal(plan.summary['sponsorUpdates'], 1);
    const text = await guestops(emu, ['plan'], { cwd, env: AT });
    assert.match(text.stdout, /- disable account: access expired on 2026-06-30 \(guests\/people\.yaml:4\)/);
    assert.match(text.stdout, /\+ sponsor erin@contoso\.onmicrosoft\.com \(e1f2a3b4/);
    assert.match(text.stdout, /1 to disable, 1 sponsor update/);
    const md = await guestops(emu, ['plan', '--format', 'markdown'], { cwd, env: AT });
    assert.match(md.stdout, /> \*\*Read first: 1 risk\.\*\* A disabled guest can no longer sign in\./);
    assert.match(md.stdout, /> - \*\*account disabled\*\* `henry\.park@tailspin\.example`, declared at `guests\/people\.yaml:4`: `access expired on 2026-06-30: the guest can no longer sign in \(nothing is deleted\)`/);
    assert.match(md.stdout, /_1 guest account disabled \(the policy, built-in policy, allows 10 per apply\)\._/);
    assert.match(text.stdout, /Risks, read these first \(1\):\n  ! account disabled: henry\.park@tailspin\.example  guests\/people\.yaml:4\n/);
    assert.deepEqual((await emu.requests()).filter(isWrite), [], 'plan never writes');

    const a = await guestops(emu, ['apply'], { cwd, env: AT });
    assert.equal(a.code, 0, a.stderr);
    const state = await emu.state();
    assert.equal(userOf(state, HENRY)['accountEnabled'], false);
    assert.match(String(markerOf(state, HENRY) && (userOf(state, HENRY)['extension_8c3f2a105b7e4d2c9a613e0f7b9d2c41_guestopsState'])), /"x":"\d{4}-\d{2}-\d{2}"/);
    assert.deepEqual(userOf(state, BOB)['sponsors'], [ERIN]);
    const writes = (await emu.requests()).filter(isWrite).map((e) => `${e.method} ${e.path}`);
    assert.deepEqual(writes.sort(), [`PATCH /v1.0/users/${HENRY}`, `POST /v1.0/users/${BOB}/sponsors/$ref`].sort());

    const again = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd, env: AT });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /No changes/);

    writeFileSync(join(cwd, 'guests/people.yaml'), files('    expires: 2099-12-31')['guests/people.yaml']!);
    const extended = JSON.parse((await guestops(emu, ['plan', '--format', 'json'], { cwd, env: AT })).stdout) as JsonPlan;
    const enable = extended.guests.find((g) => g.id === HENRY)!.actions[0]!;
    assert.equal(enable['type'], 'enable');
    assert.match(String(enable['disabledSince']), /^\d{4}-\d{2}-\d{2}$/);
    assert.equal((await guestops(emu, ['apply'], { cwd, env: AT })).code, 0);
    const after = await emu.state();
    assert.equal(userOf(after, HENRY)['accountEnabled'], true);
    assert.doesNotMatch(String(userOf(after, HENRY)['extension_8c3f2a105b7e4d2c9a613e0f7b9d2c41_guestopsState']), /"x"/);
    assert.equal((await guestops(emu, ['plan', '--detailed-exitcode'], { cwd, env: AT })).code, 0);
  } finally {
    await emu.close();
  }
});

test('enabled: false disables; an account disabled outside guestops is not re-enabled by omission', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const cwd = workdir(files('    enabled: false', 'generation: 0'));
    assert.equal((await guestops(emu, ['apply'], { cwd, env: AT })).code, 0);
    assert.equal(userOf(await emu.state(), HENRY)['accountEnabled'], false);
    // Someone disables Bob in the portal: guestops, with nothing declared, leaves it.
    const patch = await fetch(`${emu.url}/v1.0/users/${BOB}`, { method: 'PATCH', headers: { authorization: 'Bearer demo-apply', 'content-type': 'application/json' }, body: '{"accountEnabled":false}' });
    assert.equal(patch.status, 204);
    const p = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd, env: AT });
    assert.equal(p.code, 0, p.stdout);
  } finally {
    await emu.close();
  }
});

test('a sponsor that does not exist blocks the guest with the line; disabling a member is blocked; nothing is written', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const cwd = workdir({
      'guests/a.yaml': `guests:
  - id: ${HENRY}
    email: henry.park@tailspin.example
    sponsors: [nobody@contoso.onmicrosoft.com]
    enabled: false
  - id: ${ERIN}
    email: erin@contoso.example
    enabled: false
`,
    });
    const r = await guestops(emu, ['plan', '--format', 'json'], { cwd, env: AT });
    assert.equal(r.code, 1);
    const plan = JSON.parse(r.stdout) as JsonPlan;
    const henry = plan.guests.find((g) => g.id === HENRY)!;
    assert.equal(henry.blocked?.code, 'sponsor-not-found');
    assert.match(henry.blocked!.reason, /sponsor nobody@contoso\.onmicrosoft\.com \(guests\/a\.yaml:4\) is not a user in the tenant/);
    assert.equal(plan.guests.find((g) => g.id === ERIN)!.blocked?.code, 'not-a-guest');
    const a = await guestops(emu, ['apply'], { cwd, env: AT });
    assert.equal(a.code, 1);
    assert.deepEqual((await emu.requests()).filter(isWrite), []);
  } finally {
    await emu.close();
  }
});

test('bad lifecycle values are one located error each, before any request', async () => {
  const cwd = workdir({
    'guests/bad.yaml': `defaults:
  gracePeriod: 2w
  sponsors: [erin@contoso.onmicrosoft.com, ERIN@contoso.onmicrosoft.com]
guests:
  - email: a@partner.example
    expires: 2026-02-30
  - email: b@partner.example
    expires: tomorrow
    sponsors: ["not a sponsor"]
    enabled: "no"
`,
  });
  const r = await runCli(['validate'], { cwd, env: AT });
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  assert.deepEqual(lines.slice(0, -1), [
    'guests/bad.yaml:2:16: error invalid-grace-period: gracePeriod "2w" is not a number of days such as 14d',
    'guests/bad.yaml:3:44: error duplicate-sponsor: defaults.sponsors[1] "ERIN@contoso.onmicrosoft.com" repeats a sponsor already listed at line 3, column 14',
    'guests/bad.yaml:6:14: error invalid-expires: expires "2026-02-30" is not a day of the calendar',
    'guests/bad.yaml:8:14: error invalid-expires: expires "tomorrow" is not a date YYYY-MM-DD (e.g. 2026-06-30)',
    'guests/bad.yaml:9:16: error invalid-sponsor: guests[1].sponsors[0] "not a sponsor" is neither an object id (GUID) nor a user principal name (e.g. erin@contoso.onmicrosoft.com)',
    'guests/bad.yaml:10:14: error schema-type: guests[1].enabled must be true or false, not the string "no"',
  ]);
  assert.equal(lines.at(-1), '6 errors: not valid');
});

test('observing sponsors costs the list pages, one $batch of sponsor look-ups, nothing per guest', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const cwd = workdir(files('    expires: 2026-06-30'));
    assert.equal((await guestops(emu, ['plan'], { cwd, env: AT })).code, 0);
    const log = topLevel(await emu.requests());
    const lists = log.filter((e) => e.method === 'GET' && e.path === '/v1.0/users');
    assert.equal(lists.length, 1, 'one guest list page (with $expand=sponsors)');
    assert.match(decodeURIComponent(lists[0]!.query), /\$expand=sponsors\(\$select=id\)/);
    assert.equal(log.filter((e) => e.path === '/v1.0/$batch').length, 1, 'the sponsor reference look-ups');
    assert.ok(log.length <= 5, `requests: ${log.map((e) => `${e.method} ${e.path}`).join(', ')}`);
  } finally {
    await emu.close();
  }
});

test("policy maxDisables: plan says apply will refuse; apply refuses before any write; --max-disables only lowers it; the policy's gracePeriod delays a disable", async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const cwd = workdir({
      ...files('    expires: 2026-06-30', 'enabled: false'),
      'guestops.policy.yaml': 'formatVersion: 1\nmaxDisables: 1\n',
    });
    const p = await guestops(emu, ['plan', '--format', 'json'], { cwd, env: AT });
    assert.equal(p.code, 1, 'a plan apply would refuse fails the check');
    const plan = JSON.parse(p.stdout) as JsonPlan & { disables: unknown; risks: { kind: string; line: number }[] };
    assert.deepEqual(plan.disables, { count: 2, max: 1 });
    assert.deepEqual(plan.risks.filter((r) => r.kind === 'disable').map((r) => r.line), [4, 7]);
    const text = await guestops(emu, ['plan'], { cwd, env: AT });
    assert.match(text.stdout, /x apply will refuse this plan: it disables 2 guest accounts, the policy \(guestops\.policy\.yaml\) allows 1 per apply \(maxDisables\)/);
    assert.equal(text.code, 1);
    const md = await guestops(emu, ['plan', '--format', 'markdown'], { cwd });
    assert.equal(md.code, 1);
    assert.ok(md.stdout.includes('> [!CAUTION]\n> **apply will refuse this plan: it disables 2 guest accounts, the policy (guestops.policy.yaml) allows 1 per apply (maxDisables).**'), md.stdout);

    const a = await guestops(emu, ['apply'], { cwd, env: AT });
    assert.equal(a.code, 1);
    assert.match(a.stderr, /error max-disables-exceeded: the plan disables 2 guest accounts, more than the policy's maxDisables 1 \(guestops\.policy\.yaml\); nothing was written/);
    const raised = await guestops(emu, ['apply', '--max-disables', '5'], { cwd, env: AT });
    assert.equal(raised.code, 1);
    assert.match(raised.stderr, /--max-disables 5 is above the policy's maxDisables 1 \(guestops\.policy\.yaml\): the flag may only lower it/);
    assert.deepEqual((await emu.requests()).filter(isWrite), [], 'nothing written');

    // Under the policy's cap, a lower --max-disables still refuses.
    writeFileSync(join(cwd, 'guestops.policy.yaml'), 'formatVersion: 1\nmaxDisables: 2\n');
    const lowered = await guestops(emu, ['apply', '--max-disables', '1'], { cwd, env: AT });
    assert.equal(lowered.code, 1);
    assert.match(lowered.stderr, /more than --max-disables 1; nothing was written/);
    assert.deepEqual((await emu.requests()).filter(isWrite), []);

    // A grace period in the policy (no file sets one) holds Henry's disable; Bob's explicit one stays.
    writeFileSync(join(cwd, 'guestops.policy.yaml'), 'formatVersion: 1\nmaxDisables: 1\ngracePeriod: 9999d\n');
    const graced = JSON.parse((await guestops(emu, ['plan', '--format', 'json'], { cwd, env: AT })).stdout) as JsonPlan & { disables: unknown };
    assert.deepEqual(graced.disables, { count: 1, max: 1 });
    assert.equal(graced.guests.find((g) => g.id === HENRY), undefined, 'Henry is inside the grace period: nothing to do');
    assert.equal((await guestops(emu, ['apply'], { cwd, env: AT })).code, 0);
    assert.equal(userOf(await emu.state(), BOB)['accountEnabled'], false);
    assert.equal(userOf(await emu.state(), HENRY)['accountEnabled'], true);
  } finally {
    await emu.close();
  }
});

test('a bad gracePeriod or maxDisables in the policy file is one located error each, before any request', async () => {
  const cwd = workdir({ ...files('    expires: 2026-06-30'), 'guestops.policy.yaml': 'formatVersion: 1\ngracePeriod: 2w\nmaxDisables: -1\n' });
  const r = await runCli(['plan', '--graph-url', 'http://127.0.0.1:9'], { cwd, env: AT });
  assert.equal(r.code, 1);
  assert.deepEqual(r.stderr.trim().split('\n').slice(0, 2), [
    'guestops.policy.yaml:2:14: error invalid-grace-period: gracePeriod "2w" is not a number of days such as 14d',
    'guestops.policy.yaml:3:14: error schema-invalid-value: maxDisables must be >= 0',
  ]);
});

test('the expiry boundary through the CLI, on a given clock: the whole UTC day of `expires` keeps access, the next day disables; status counts from the same clock', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const cwd = workdir(files('    expires: 2026-06-30'));
    const on = (now: string) => guestops(emu, ['plan', '--format', 'json'], { cwd, env: { GUESTOPS_NOW: now } });
    const lastDay = JSON.parse((await on('2026-06-30T23:59:59Z')).stdout) as JsonPlan;
    assert.equal(lastDay.guests.find((g) => g.id === HENRY), undefined, 'nothing for Henry on his last day');
    const dayAfter = JSON.parse((await on('2026-07-01')).stdout) as JsonPlan;
    assert.deepEqual(dayAfter.guests.find((g) => g.id === HENRY)!.actions.map((a) => a['type']), ['disable']);
    // An offset is honoured: 01:30 at +02:00 is still 30 June in UTC.
    const offset = JSON.parse((await on('2026-07-01T01:30:00+02:00')).stdout) as JsonPlan;
    assert.equal(offset.guests.find((g) => g.id === HENRY), undefined);
    const status = JSON.parse((await guestops(emu, ['status', '--format', 'json'], { cwd, env: { GUESTOPS_NOW: '2026-06-20' } })).stdout) as { generatedAt: string; guests: { id: string; expiresInDays: number | null }[] };
    assert.equal(status.generatedAt, '2026-06-20T00:00:00.000Z');
    assert.equal(status.guests.find((g) => g.id === HENRY)!.expiresInDays, 10);
  } finally {
    await emu.close();
  }
});

test('a GUESTOPS_NOW that is no moment is one error line, before any request', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const cwd = workdir(files('    expires: 2026-06-30'));
    for (const [bad, command] of [['2026-02-30', 'plan'], ['next tuesday', 'status'], ['2026-07-01 09:00', 'apply']] as const) {
      const r = await guestops(emu, [command], { cwd, env: { GUESTOPS_NOW: bad } });
      assert.equal(r.code, 1);
      assert.deepEqual(r.stderr.trim().split('\n'), [
        `guestops ${command}: error invalid-now: GUESTOPS_NOW must be a day such as 2026-07-01 or a time such as 2026-07-01T09:00:00Z (it is for tests and rehearsals), got '${bad}'`,
      ]);
    }
    assert.deepEqual(await emu.requests(), [], 'not one Graph request');
  } finally {
    await emu.close();
  }
});

/** 25 members who can sponsor: sponsor01@ … sponsor25@contoso.onmicrosoft.com. */
const SPONSORS = Array.from({ length: 25 }, (_, i) => ({
  id: `5a0c0000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
  upn: `sponsor${String(i + 1).padStart(2, '0')}@contoso.onmicrosoft.com`,
}));
const withSponsorPool = (s: Seed): Seed => ({
  ...s,
  users: [...s.users, ...SPONSORS.map((p, i) => ({ id: p.id, userPrincipalName: p.upn, displayName: `Sponsor ${i + 1}`, mail: p.upn, userType: 'Member' }))],
});

test('more than 20 sponsors on a guest and more than 20 sponsor references: read in full (the expansion stops at 20), judged from the request log', async () => {
  const emu = await withEmulator({ throttle: false, seedPatch: withSponsorPool });
  try {
    // Henry: 23 sponsors; Bob: 3 more references (26 distinct in all, two look-up batches).
    const henry = (n: number) => `    sponsors: [${SPONSORS.slice(0, n).map((s) => s.upn).join(', ')}]`;
    const bob = `sponsors: [${SPONSORS.slice(23).map((s) => s.upn).join(', ')}, erin@contoso.onmicrosoft.com]`;
    const cwd = workdir(files(henry(23), bob));
    const a = await guestops(emu, ['apply'], { cwd, env: AT });
    assert.equal(a.code, 0, a.stdout + a.stderr);
    assert.equal((userOf(await emu.state(), HENRY)['sponsors'] as string[]).length, 23);

    await emu.resetLog();
    const clean = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd, env: AT });
    assert.equal(clean.code, 0, `23 sponsors in the tenant, 23 declared: no change\n${clean.stdout}`);
    const log = await emu.requests();
    const list = log.find((e) => e.method === 'GET' && e.path === '/v1.0/users' && e.batch === undefined)!;
    assert.match(decodeURIComponent(list.query), /\$expand=sponsors\(\$select=id\)/);
    const inner = log.filter((e) => e.batch !== undefined);
    // Henry shows 20 in the list, so he alone is read in full; Bob (3) is not.
    assert.deepEqual(inner.filter((e) => /\/sponsors$/.test(e.path)).map((e) => e.path), [`/v1.0/users/${HENRY}/sponsors`]);
    // Each of the 26 distinct references is looked up exactly once.
    const lookups = inner.filter((e) => /^\/v1\.0\/users\/sponsor\d\d@|^\/v1\.0\/users\/erin@/.test(e.path));
    assert.equal(lookups.length, 26);
    assert.equal(new Set(lookups.map((e) => e.path)).size, 26);
    // One $batch for the full read, two for the 26 references (at most 20 per $batch, split evenly).
    const batches = topLevel(log).filter((e) => e.path === '/v1.0/$batch');
    assert.equal(batches.length, 3, batches.map((b) => b.seq).join(','));
    const perBatch = batches.map((b) => inner.filter((e) => e.batch!.parentSeq === b.seq).length).sort((x, y) => x - y);
    assert.deepEqual(perBatch, [1, 13, 13]);

    // Declaring only the 20 the expansion shows: the full read sees the other 3 and removes them.
    writeFileSync(join(cwd, 'guests/people.yaml'), files(henry(20), bob)['guests/people.yaml']!);
    const trimmed = JSON.parse((await guestops(emu, ['plan', '--format', 'json'], { cwd, env: AT })).stdout) as JsonPlan;
    const update = trimmed.guests.find((g) => g.id === HENRY)!.actions.find((x) => x['type'] === 'update-sponsors')!;
    assert.deepEqual([...(update['remove'] as string[])].sort(), SPONSORS.slice(20, 23).map((s) => s.id).sort());
    assert.deepEqual(update['add'], []);
    assert.equal((await guestops(emu, ['apply'], { cwd, env: AT })).code, 0);
    assert.equal((userOf(await emu.state(), HENRY)['sponsors'] as string[]).length, 20);
    assert.equal((await guestops(emu, ['plan', '--detailed-exitcode'], { cwd, env: AT })).code, 0, 'exactly 20: read in full, equal, no change');
  } finally {
    await emu.close();
  }
});

test('a sponsor list longer than a page is read to its end through @odata.nextLink: 105 in the tenant, the 100 declared kept, the other 5 removed, then no change', async () => {
  const many = Array.from({ length: 105 }, (_, i) => ({ id: `5a0d0000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`, upn: `s${i + 1}@contoso.onmicrosoft.com` }));
  const emu = await withEmulator({
    throttle: false,
    seedPatch: (s) => ({
      ...s,
      users: [
        ...s.users.map((u) => (u.id === HENRY ? { ...u, sponsors: many.map((m) => m.id) } : u)),
        ...many.map((m, i) => ({ id: m.id, userPrincipalName: m.upn, displayName: `S ${i + 1}`, mail: m.upn, userType: 'Member' })),
      ],
    }),
  });
  try {
    // The first 100 (the schema's most): exactly what the first page of the relationship holds.
    const cwd = workdir(files(`    sponsors: [${many.slice(0, 100).map((m) => m.id).join(', ')}]`, 'generation: 0'));
    await emu.resetLog();
    const p = JSON.parse((await guestops(emu, ['plan', '--format', 'json'], { cwd, env: AT })).stdout) as JsonPlan;
    const update = p.guests.find((g) => g.id === HENRY)!.actions[0]!;
    assert.deepEqual([update['type'], update['add'], [...(update['remove'] as string[])].sort()], ['update-sponsors', [], many.slice(100).map((m) => m.id).sort()]);
    const reads = (await emu.requests()).filter((e) => e.method === 'GET' && e.path === `/v1.0/users/${HENRY}/sponsors`);
    // The first page inside the sponsors' $batch, the second through its nextLink.
    assert.deepEqual(reads.map((e) => [e.batch !== undefined, /\$skiptoken=/.test(e.query)]), [[true, false], [false, true]]);
    assert.equal((await guestops(emu, ['apply'], { cwd, env: AT })).code, 0);
    assert.equal((userOf(await emu.state(), HENRY)['sponsors'] as string[]).length, 100);
    assert.equal((await guestops(emu, ['plan', '--detailed-exitcode'], { cwd, env: AT })).code, 0, 'a full page, no nextLink: no change');
  } finally {
    await emu.close();
  }
});
