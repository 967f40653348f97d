import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEmulator } from '../helpers/emulator.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import {
  ALICE, CAROL, DAVE, ERIN, FRANK, JOHN, demoWorkdir, guestops, isWrite, topLevel, withManyGuests, workdir,
} from '../apply/support.js';

interface JsonPlan {
  summary: { resets: number; profileUpdates: number; adoptions: number; blocked: number; unchanged: number };
  caller: { kind: string };
  guests: { id: string | null; key: string; file: string; line: number; actions: { type: string; reason?: string }[]; blocked?: { code: string; reason: string } }[];
}

test('plan on the demo tenant shows every kind of change, exits 2 with --detailed-exitcode, and sends no write', async () => {
  const emu = await withEmulator();
  try {
    const cwd = demoWorkdir();
    const r = await guestops(emu, ['plan', '--format', 'json', '--detailed-exitcode'], { cwd });
    assert.equal(r.code, 2, r.stderr);
    const plan = JSON.parse(r.stdout) as JsonPlan;
    assert.deepEqual(plan.summary, { ...plan.summary, resets: 2, profileUpdates: 2, adoptions: 1, blocked: 0, unchanged: 1 });
    const byId = new Map(plan.guests.map((g) => [g.id, g]));
    assert.deepEqual(byId.get(JOHN)!.actions.map((a) => a.type), ['update-profile', 'reset-redemption']);
    assert.equal(byId.get(JOHN)!.actions[1]!.reason, 'email-changed');
    assert.deepEqual(byId.get(ALICE)!.actions.map((a) => a.type), ['reset-redemption']);
    assert.equal(byId.get(ALICE)!.actions[0]!.reason, 'generation-bumped');
    assert.deepEqual(byId.get(DAVE)!.actions.map((a) => a.type), ['update-profile']);
    assert.deepEqual(byId.get(CAROL)!.actions.map((a) => a.type), ['adopt']);
    assert.equal(byId.get(JOHN)!.file, 'guests/fabrikam.yaml');

    const log = await emu.requests();
    assert.ok(log.length > 0);
    assert.deepEqual(log.filter(isWrite), [], 'plan must not write');
    // $batch bodies only ever carry GETs.
    for (const e of log.filter((x) => x.batch)) assert.equal(e.method, 'GET');
    const before = await emu.state();
    assert.equal((before.users.find((u) => u['id'] === JOHN) as unknown as { mail: string }).mail, 'john.doe@fabrikam.example');
  } finally {
    await emu.close();
  }
});

test('plan without changes exits 0 even with --detailed-exitcode; text output names file:line', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({ 'guests/bob.yaml': 'guests:\n  - upn: bob.smith_litware.example#EXT#@contoso.onmicrosoft.com\n    email: bob.smith@litware.example\n' });
    const r = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /No changes/);
    assert.doesNotMatch(r.stdout, /\u001b\[/, 'no colour when not a TTY');
  } finally {
    await emu.close();
  }
});

test('invalid guests/ is reported with file:line and exit 1 before any request reaches Graph', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({ 'guests/bad.yaml': 'guests:\n  - id: 6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10\n    email: not-an-email\n    colour: blue\n' });
    const r = await guestops(emu, ['plan'], { cwd });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /guests\/bad\.yaml:\d+:\d+: error/);
    assert.deepEqual(await emu.requests(), [], 'validation runs first: zero Graph requests');
  } finally {
    await emu.close();
  }
});

test('member, not-found and (app-only) role holder are blocked with their reasons; exit 1', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({
      'guests/blocked.yaml': `guests:
  - id: ${ERIN}
    email: erin@contoso.example
  - id: 11111111-2222-4333-8444-555555555555
    email: ghost@nowhere.example
  - id: ${FRANK}
    email: frank.ortiz@new-employer.example
`,
    });
    const r = await guestops(emu, ['plan', '--format', 'json'], { cwd });
    assert.equal(r.code, 1, r.stderr);
    const plan = JSON.parse(r.stdout) as JsonPlan;
    assert.equal(plan.caller.kind, 'app');
    const codes = Object.fromEntries(plan.guests.map((g) => [g.key, g.blocked?.code]));
    assert.deepEqual(codes, {
      [ERIN]: 'not-a-guest',
      '11111111-2222-4333-8444-555555555555': 'not-found',
      [FRANK]: 'role-holder-app-only',
    });
    assert.match(plan.guests.find((g) => g.key === ERIN)!.blocked!.reason, /convert an internal account/);
    assert.deepEqual((await emu.requests()).filter(isWrite), []);
  } finally {
    await emu.close();
  }
});

test('a delegated caller may reset a role holder: planned, not blocked', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({ 'guests/frank.yaml': `guests:\n  - id: ${FRANK}\n    email: frank.ortiz@proseware.example\n    generation: 1\n` });
    // Frank has no marker yet: adopt first, then bump.
    const adopt = await guestops(emu, ['apply'], { cwd, token: 'demo-admin' });
    assert.equal(adopt.code, 0, adopt.stderr);
    const r = await guestops(emu, ['plan', '--format', 'json'], { cwd, token: 'demo-admin' });
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as JsonPlan;
    assert.equal(plan.caller.kind, 'delegated');
    // The adoption recorded generation 1 as baseline, so nothing is left; bump to 2 and re-plan.
    assert.equal(plan.guests.length, 0);
    const cwd2 = workdir({ 'guests/frank.yaml': `guests:\n  - id: ${FRANK}\n    email: frank.ortiz@proseware.example\n    generation: 2\n` });
    const r2 = await guestops(emu, ['plan', '--format', 'json'], { cwd: cwd2, token: 'demo-admin' });
    const plan2 = JSON.parse(r2.stdout) as JsonPlan;
    assert.equal(plan2.guests[0]!.blocked, undefined);
    assert.deepEqual(plan2.guests[0]!.actions.map((a) => a.type), ['reset-redemption']);
    const app = await guestops(emu, ['plan', '--format', 'json'], { cwd: cwd2, token: 'demo-apply' });
    assert.equal(app.code, 1);
    assert.equal((JSON.parse(app.stdout) as JsonPlan).guests[0]!.blocked?.code, 'role-holder-app-only');
  } finally {
    await emu.close();
  }
});

test('observing N guests costs ceil(N/999) list pages plus a few requests', async () => {
  const extra = 2_500;
  const emu = await withEmulator({ seedPatch: withManyGuests(extra), throttle: false });
  try {
    const r = await guestops(emu, ['plan', '--format', 'json'], { cwd: demoWorkdir() });
    assert.equal(r.code, 0, r.stderr);
    const log = topLevel(await emu.requests());
    const lists = log.filter((e) => e.method === 'GET' && e.path === '/v1.0/users');
    const guests = extra + 7; // demo seed guests
    assert.equal(lists.length, Math.ceil(guests / 999));
    assert.ok(lists.every((e) => /\$top=999/.test(e.query) && /\$select=/.test(decodeURIComponent(e.query))));
    // /me, extension discovery, role assignments (app-only), and one $batch reading the
    // extensionAttributes of the declared guests the directory extension shows unmarked (the
    // demo's adoption): the "few".
    assert.ok(log.length <= lists.length + 5, `${log.length} requests: ${log.map((e) => `${e.method} ${e.path}`).join(', ')}`);
  } finally {
    await emu.close();
  }
});

test('email-only lookups go through $batch with the OData string escaped', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({ 'guests/new.yaml': "guests:\n  - email: \"o'brien@new.example\"\n" });
    const r = await guestops(emu, ['plan', '--format', 'json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as JsonPlan;
    assert.deepEqual(plan.guests[0]!.actions.map((a) => a.type), ['invite']);
    const inner = (await emu.requests()).filter((e) => e.batch && e.path === '/v1.0/users');
    const filters = inner.map((e) => new URLSearchParams(e.query).get('$filter')).sort();
    assert.deepEqual(filters, ["mail eq 'o''brien@new.example'", "otherMails/any(m:m eq 'o''brien@new.example')"]);
  } finally {
    await emu.close();
  }
});

test('plan --emulator works from a fresh clone with the bundled guests/', async () => {
  const r = await runCli(['plan', '--emulator'], { cwd: repoRoot });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /local Graph emulator/);
  assert.match(r.stdout, /john\.doe@northwind\.example/);
});

test('apply --emulator on the demo tenant (no lag) releases its lock at once: no window is waited out without a window set', async () => {
  // '' leaves the consistency window unset, as on a fresh machine (the test helper sets 0).
  const r = await runCli(['apply', '--emulator', '--auto-approve'], { cwd: demoWorkdir(), env: { GUESTOPS_CONSISTENCY_WINDOW_SECONDS: '' } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Apply finished .*2 reset\(s\)/);
  assert.doesNotMatch(r.stderr, /holding the apply lock/, 'the Entra ID default window was waited out against a strongly consistent emulator');
});

test('plan --out saves a JSON plan; unknown flags and bad values are usage errors', async () => {
  const emu = await withEmulator();
  try {
    const cwd = demoWorkdir();
    const r = await guestops(emu, ['plan', '--out', 'plan.json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const { readFileSync } = await import('node:fs');
    const saved = JSON.parse(readFileSync(`${cwd}/plan.json`, 'utf8')) as { graphUrl: string; desiredDigest: string; formatVersion: number };
    assert.equal(saved.formatVersion, 1);
    assert.equal(saved.graphUrl, emu.url);
    const bad = await guestops(emu, ['plan', '--frobnicate'], { cwd });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Unknown option '--frobnicate'.*guestops plan --help/);
    const fmt = await guestops(emu, ['plan', '--format', 'yaml'], { cwd });
    assert.equal(fmt.code, 1);
    assert.match(fmt.stderr, /--format must be one of text, markdown, json/);
  } finally {
    await emu.close();
  }
});

test('a static token is never sent to Microsoft Graph', async () => {
  const r = await runCli(['plan', '--graph-url', 'https://graph.microsoft.com'], {
    cwd: demoWorkdir(),
    env: { GUESTOPS_TOKEN: 'secret-token-value-123' },
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /static-token-refused/);
  assert.doesNotMatch(r.stderr + r.stdout, /secret-token-value-123/);
});

test('plan works with a read-only identity when the marker property is named', async () => {
  const emu = await withEmulator();
  try {
    const cwd = demoWorkdir();
    const denied = await guestops(emu, ['plan'], { cwd, token: 'demo-plan' });
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /marker-property-discovery-denied.*GUESTOPS_MARKER_PROPERTY/);
    const r = await guestops(emu, ['plan', '--detailed-exitcode'], {
      cwd,
      token: 'demo-plan',
      env: { GUESTOPS_MARKER_PROPERTY: 'extension_8c3f2a105b7e4d2c9a613e0f7b9d2c41_guestopsState' },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual((await emu.requests()).filter(isWrite), []);
  } finally {
    await emu.close();
  }
});
