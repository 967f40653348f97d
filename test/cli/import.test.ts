/**
 * `guestops import` end to end, as a user runs it: the CLI as a child process against the Graph
 * emulator over HTTP, then validate, plan and apply on what it wrote.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEmulator } from '../helpers/emulator.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { JOHN, guestops, isWrite, topLevel, workdir } from '../apply/support.js';
import { DOMAINS, generatedGuests, guestId, guestUser, tenantOf } from '../adopt/support.js';

interface JsonPlan {
  summary: Record<string, number>;
  guests: { id: string | null; actions: { type: string }[]; blocked?: unknown }[];
}

test('500 guests: import → validate → plan shows only adoptions → apply → plan shows nothing', async () => {
  const guests = generatedGuests(500);
  const noMail = guestUser({ id: guestId(900), mail: null, otherMails: [] });
  const member = { ...guestUser({ id: guestId(901), mail: 'staff@contoso.example', otherMails: [] }), userType: 'Member' };
  const emu = await withEmulator({ seedPatch: tenantOf([...guests.map((g) => guestUser(g)), noMail, member]) });
  try {
    const cwd = workdir({});
    mkdirSync(join(cwd, 'schemas'));
    copyFileSync(join(repoRoot, 'schemas', 'guests.schema.json'), join(cwd, 'schemas', 'guests.schema.json'));

    const imp = await guestops(emu, ['import'], { cwd });
    assert.equal(imp.code, 0, imp.stderr);
    // Progress: count / total (Graph's $count with ConsistencyLevel: eventual) and a rate.
    assert.match(imp.stderr, /guestops import: 501\/501 guests read \([\d,]+\/s\)/);
    // The guest without mail is named, with why it was left out.
    assert.match(imp.stderr, /skipped 1 guest\(s\) without mail \(guestops declares each guest by the email it redeems with/);
    assert.match(imp.stderr, new RegExp(guestId(900)));
    assert.doesNotMatch(imp.stdout + imp.stderr, /staff@contoso/, 'members are not imported');
    assert.match(imp.stdout, /Imported 500 of 501 guest\(s\) into 5 file\(s\); skipped 1\./);

    const files = readdirSync(join(cwd, 'guests')).sort();
    assert.deepEqual(files, [...DOMAINS].sort().map((d) => `${d}.yaml`));
    const fabrikam = readFileSync(join(cwd, 'guests', 'fabrikam.example.yaml'), 'utf8');
    assert.match(fabrikam, /^# yaml-language-server: \$schema=\.\.\/schemas\/guests\.schema\.json\n/);
    assert.match(fabrikam, new RegExp(`  - id: ${guestId(0)}   # user0_fabrikam\\.example#EXT#@contoso\\.onmicrosoft\\.com\\n    email: user0@fabrikam\\.example\\n    otherMails: \\[user0@fabrikam\\.example, user0\\.home@personal\\.example\\]\\n    generation: 0\\n`));
    // Sorted by email: user0, user10, user100, ...
    const emails = [...fabrikam.matchAll(/email: (\S+)/g)].map((m) => m[1]!);
    assert.equal(emails.length, 100);
    assert.deepEqual(emails, [...emails].sort());
    // One list request for 501 guests ($top=999), with $select and $count.
    const lists = topLevel(await emu.requests()).filter((e) => e.method === 'GET' && e.path === '/v1.0/users');
    assert.equal(lists.length, 1);
    assert.match(decodeURIComponent(lists[0]!.query), /\$top=999/);
    assert.match(decodeURIComponent(lists[0]!.query), /\$select=id,userPrincipalName,mail,otherMails,userType,extension_/);
    assert.deepEqual((await emu.requests()).filter(isWrite), [], 'import only reads');

    const val = await runCli(['validate'], { cwd });
    assert.equal(val.code, 0, val.stderr);
    assert.equal(val.stdout, '5 files, 500 guests: valid\n');

    const plan = await guestops(emu, ['plan', '--format', 'json', '--detailed-exitcode'], { cwd });
    assert.equal(plan.code, 2, plan.stderr);
    const p = JSON.parse(plan.stdout) as JsonPlan;
    assert.deepEqual(p.summary, { resets: 0, profileUpdates: 0, adoptions: 500, invites: 0, markerRecords: 0, blocked: 0, unchanged: 0 });
    assert.ok(p.guests.every((g) => g.actions.length === 1 && g.actions[0]!.type === 'adopt'));

    const apply = await guestops(emu, ['apply', '--concurrency', '8'], { cwd, timeoutMs: 120_000 });
    assert.equal(apply.code, 0, apply.stderr.slice(-2000));
    assert.match(apply.stdout, /0 reset\(s\), 0 profile update\(s\), 500 adoption\(s\)/);
    const resets = (await emu.requests()).filter((e) => e.method === 'POST' && e.path.endsWith('/invitations'));
    assert.equal(resets.length, 0, 'adoption resets nobody');

    const again = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /No changes/);

    // Import again after apply: every guest now carries a marker and is still declared as is.
    const reimport = await guestops(emu, ['import', '--out', 'again', '--dir', 'none'], { cwd });
    assert.equal(reimport.code, 0, reimport.stderr);
    assert.match(reimport.stdout, /Imported 500 of 501 guest\(s\) into 5 file\(s\) \(500 already managed by guestops\)/);
    assert.equal(readFileSync(join(cwd, 'again', 'fabrikam.example.yaml'), 'utf8'), fabrikam);
  } finally {
    await emu.close();
  }
});

test('import never overwrites a file without --force, and writes nothing at all when one exists', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({ 'guests/litware.example.yaml': '# mine\nguests: []\n' });
    const r = await guestops(emu, ['import'], { cwd });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error import-would-overwrite: refusing to overwrite 1 existing file\(s\): guests\/litware\.example\.yaml\. Nothing was written/);
    assert.deepEqual(readdirSync(join(cwd, 'guests')), ['litware.example.yaml'], 'no other file written either');
    assert.equal(readFileSync(join(cwd, 'guests/litware.example.yaml'), 'utf8'), '# mine\nguests: []\n');

    const forced = await guestops(emu, ['import', '--force'], { cwd });
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(join(cwd, 'guests/litware.example.yaml'), 'utf8'), /email: bob\.smith@litware\.example/);
    assert.equal(readdirSync(join(cwd, 'guests')).length, 7);
    assert.equal(readdirSync(join(cwd, 'guests')).filter((f) => f.endsWith('.tmp')).length, 0);

    // --force replaces files, never a directory in the way: refused before any file is written.
    mkdirSync(join(cwd, 'adopted', 'litware.example.yaml'), { recursive: true });
    const blocked = await guestops(emu, ['import', '--force', '--dir', 'none', '--out', 'adopted'], { cwd });
    assert.equal(blocked.code, 1);
    assert.match(blocked.stderr, /error import-would-overwrite: adopted\/litware\.example\.yaml: not a regular file.*Nothing was written/);
    assert.deepEqual(readdirSync(join(cwd, 'adopted')), ['litware.example.yaml']);
  } finally {
    await emu.close();
  }
});

test('a guest already declared in guests/ is refused with its file:line; --skip-declared imports the others', async () => {
  const emu = await withEmulator();
  try {
    const team = `guests:\n  - email: someone.new@example.org\n  - id: ${JOHN.toUpperCase()}\n    email: john.doe@northwind.example\n`;
    const cwd = workdir({ 'guests/team.yaml': team });
    const r = await guestops(emu, ['import'], { cwd });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${JOHN} \\(john\\.doe_fabrikam\\.example#EXT#@contoso\\.onmicrosoft\\.com\\) <john\\.doe@fabrikam\\.example>: declared by id at guests/team\\.yaml:3:5`));
    assert.match(r.stderr, /error import-already-declared: refusing to declare 1 guest\(s\) a second time .*--skip-declared/);
    assert.deepEqual(readdirSync(join(cwd, 'guests')), ['team.yaml']);

    const skip = await guestops(emu, ['import', '--skip-declared'], { cwd });
    assert.equal(skip.code, 0, skip.stderr);
    assert.match(skip.stderr, /left out 1 guest\(s\) already declared in guests \(--skip-declared\)/);
    assert.ok(!existsSync(join(cwd, 'guests/fabrikam.example.yaml')), 'John was not imported');
    const val = await runCli(['validate'], { cwd });
    assert.equal(val.code, 0, val.stderr);
    assert.equal(val.stdout, '7 files, 9 guests: valid\n');
  } finally {
    await emu.close();
  }
});

test('--group-by none and --filter: one file with only the matching guests', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({});
    const r = await guestops(emu, ['import', '--group-by', 'none', '--filter', "startswith(mail,'a') or startswith(mail,'c')", '--out', 'adopted'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(join(cwd, 'adopted')), ['imported.yaml']);
    const text = readFileSync(join(cwd, 'adopted', 'imported.yaml'), 'utf8');
    assert.deepEqual([...text.matchAll(/email: (\S+)/g)].map((m) => m[1]), ['alice.wong@tailspin.example', 'carol.diaz@woodgrove.example']);
    const filterSent = topLevel(await emu.requests()).find((e) => e.path === '/v1.0/users')!;
    assert.match(decodeURIComponent(filterSent.query), /\$filter=userType eq 'Guest' and \(startswith\(mail,'a'\) or startswith\(mail,'c'\)\)/);

    const bad = await guestops(emu, ['import', '--filter', 'mail eq', '--out', 'x'], { cwd });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /error graph-error: Graph GET \/users\?.* failed: HTTP 400/);
    assert.ok(!existsSync(join(cwd, 'x')));
  } finally {
    await emu.close();
  }
});

test('an invalid guests/ tree stops import before any Graph request', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({ 'guests/bad.yaml': 'guests:\n  - email: nope\n' });
    const r = await guestops(emu, ['import', '--out', 'new'], { cwd });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /guests\/bad\.yaml:2:\d+: error/);
    assert.match(r.stderr, /error import-tree-invalid/);
    assert.deepEqual(await emu.requests(), []);
  } finally {
    await emu.close();
  }
});
