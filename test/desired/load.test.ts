/** loadDesiredState on fixture trees: resolution, normalisation, order, freezing, digest. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, repoRoot } from '../helpers/paths.js';
import { createHash } from 'node:crypto';
import { loadDesiredState } from '../../src/desired/load.js';
import { canonicalJson } from '../../src/desired/canonical-json.js';
import { formatProblem } from '../../src/desired/problem-format.js';
import type { DesiredState } from '../../src/desired/types.js';

async function loadOk(dir: string, cwd: string): Promise<DesiredState> {
  const r = await loadDesiredState(dir, { cwd });
  assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
  return r.state;
}

test('a nested tree loads in file order with resolved invitations and normalised ids', async () => {
  const state = await loadOk('valid', fixture('desired'));
  assert.deepEqual(state.files, ['valid/contoso.yaml', 'valid/nested/deeper/new-guests.yml', 'valid/nested/empty-list.yaml']);
  const [john, bob, fresh] = state.guests;
  assert.equal(state.guests.length, 3);
  assert.deepEqual(
    { ...john, source: undefined, fields: undefined },
    {
      id: '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10',
      email: 'John.Doe@Northwind.example',
      otherMails: ['John.Doe@Northwind.example', 'jd@northwind.example'],
      generation: 2,
      invitation: {
        redirectUrl: 'https://apps.contoso.example/welcome',
        sendMessage: false,
        messageLanguage: 'fr-FR',
        ccRecipients: ['helpdesk@contoso.example'],
        customizedMessageBody: 'Welcome back.',
      },
      source: undefined,
      fields: undefined,
    },
  );
  assert.deepEqual(john!.source, { file: 'valid/contoso.yaml', line: 9, column: 5 });
  assert.deepEqual(john!.fields.email, { file: 'valid/contoso.yaml', line: 10, column: 5 });
  assert.deepEqual(john!.fields.invitation, { file: 'valid/contoso.yaml', line: 13, column: 5 });
  assert.equal(bob!.upn, 'bob.smith_litware.example#EXT#@contoso.onmicrosoft.com');
  assert.equal(bob!.id, '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f80');
  assert.equal(bob!.generation, 0);
  assert.equal(bob!.otherMails, undefined);
  assert.equal(bob!.invitation.sendMessage, true);
  // A new guest: only an email; built-in defaults where the file says nothing.
  assert.equal(fresh!.id, undefined);
  assert.equal(fresh!.upn, undefined);
  assert.deepEqual(fresh!.invitation, { redirectUrl: 'https://myapps.microsoft.com', sendMessage: false, ccRecipients: [] });
  assert.deepEqual(fresh!.source, { file: 'valid/nested/deeper/new-guests.yml', line: 2, column: 5 });
});

test('the desired state is deeply frozen', async () => {
  const state = await loadOk('valid', fixture('desired'));
  assert.ok(Object.isFrozen(state));
  assert.ok(Object.isFrozen(state.guests));
  assert.ok(Object.isFrozen(state.guests[0]!.invitation.ccRecipients));
  assert.ok(Object.isFrozen(state.guests[0]!.source));
  assert.throws(() => {
    (state.guests[0] as { email: string }).email = 'x@y.example';
  }, TypeError);
});

test('locations are relative to options.cwd, or to the process working directory', async () => {
  const fromRepo = await loadOk('test/fixtures/desired/valid', repoRoot);
  assert.equal(fromRepo.guests[0]!.source.file, 'test/fixtures/desired/valid/contoso.yaml');
  const prior = process.cwd();
  process.chdir(fixture('desired', 'valid'));
  try {
    const here = await loadDesiredState('.');
    assert.ok(here.ok);
    if (here.ok) assert.equal(here.state.guests[0]!.source.file, 'contoso.yaml');
  } finally {
    process.chdir(prior);
  }
});

test('the digest depends on meaning only: not on key order, comments, quoting or location', async () => {
  const base = mkdtempSync(join(tmpdir(), 'guestops-digest-'));
  try {
    cpSync(fixture('desired', 'valid'), join(base, 'a'), { recursive: true });
    cpSync(fixture('desired', 'valid'), join(base, 'b'), { recursive: true });
    writeFileSync(
      join(base, 'b', 'contoso.yaml'),
      [
        '# reordered, requoted, recommented',
        'guests:',
        '  - email: "John.Doe@Northwind.example"',
        '    generation: 2',
        "    id: '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10'",
        '    invitation: {customizedMessageBody: Welcome back., sendMessage: false}',
        '    otherMails:',
        '      - John.Doe@Northwind.example',
        '      - jd@northwind.example',
        '',
        '  - email: bob.smith@litware.example',
        '    id: 1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f80',
        '    upn: bob.smith_litware.example#EXT#@contoso.onmicrosoft.com',
        'defaults:',
        '  invitation:',
        '    ccRecipients: [ helpdesk@contoso.example ]',
        '    messageLanguage: fr-FR',
        '    sendMessage: true',
        '    redirectUrl: "https://apps.contoso.example/welcome"',
        '',
      ].join('\n'),
    );
    const a = await loadOk('a', base);
    const b = await loadOk('b', base);
    assert.match(a.digest, /^[0-9a-f]{64}$/);
    assert.equal(b.digest, a.digest);
    // ...and it changes when the meaning changes.
    writeFileSync(join(base, 'b', 'nested', 'empty-list.yaml'), 'guests:\n  - email: someone@else.example\n');
    const c = await loadOk('b', base);
    assert.notEqual(c.digest, a.digest);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('the digest is sha256 over the canonical JSON of every guest field but the locations', async () => {
  // Every key a guest can carry, so a field the digest's key list missed would change the result.
  const base = mkdtempSync(join(tmpdir(), 'guestops-digest-fields-'));
  try {
    writeFileSync(
      join(base, 'all.yaml'),
      [
        'defaults:',
        '  acknowledgeDomainChange: fabrikam.example -> northwind.example',
        '  gracePeriod: 14d',
        '  sponsors: [ada@contoso.example]',
        '  invitation: {sendMessage: true, messageLanguage: de-DE, ccRecipients: [desk@contoso.example]}',
        'guests:',
        '  - id: 6F1C2D4E-0B8A-4C3E-9D1F-2A7B5C9E8D10',
        '    upn: john.doe_fabrikam.example#EXT#@contoso.onmicrosoft.com',
        '    email: john.doe@northwind.example',
        '    otherMails: [jd@northwind.example]',
        '    generation: 3',
        '    acknowledgeDomainChange: fabrikam.example -> northwind.example',
        '    sponsors: [1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f80]',
        '    expires: 2027-01-31',
        '    enabled: true',
        '    invitation: {customizedMessageBody: Welcome back., redirectUrl: "https://apps.contoso.example/"}',
        '  - email: new.guest@litware.example',
        '',
      ].join('\n'),
    );
    const state = await loadOk('.', base);
    const first = state.guests[0]!;
    for (const key of ['id', 'upn', 'otherMails', 'domainChangeAcks', 'sponsors', 'expires', 'enabled', 'gracePeriodDays']) {
      assert.notEqual((first as unknown as Record<string, unknown>)[key], undefined, `the test tree sets ${key}`);
    }
    const generic = `[${state.guests.map(({ source: _s, fields: _f, ...meaning }) => canonicalJson(meaning)).join(',')}]`;
    assert.equal(state.digest, createHash('sha256').update(generic).digest('hex'));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('the same guest or email declared in two files is reported at the second, naming the first', async () => {
  const r = await loadDesiredState('duplicates', { cwd: fixture('desired') });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(r.problems.map(formatProblem), [
    'duplicates/sub/two.yml:2:9: error duplicate-guest: guest with id "6F1C2D4E-0B8A-4C3E-9D1F-2A7B5C9E8D10" is already declared at duplicates/one.yaml:2:9',
    'duplicates/sub/two.yml:4:10: error duplicate-guest: guest with upn "BOB.SMITH_litware.example#EXT#@contoso.onmicrosoft.com" is already declared at duplicates/one.yaml:4:10',
    'duplicates/sub/two.yml:6:12: error duplicate-email: email "JOHN@northwind.example" is already declared for another guest at duplicates/one.yaml:3:12',
  ]);
});

test('the demo guests/ validate and match the demo tenant seed', async () => {
  const state = await loadOk('guests', repoRoot);
  assert.equal(state.files.length, 4);
  const tenant = JSON.parse(readFileSync(join(repoRoot, 'src', 'emulator', 'demo', 'tenant.json'), 'utf8')) as {
    users: { id: string; userPrincipalName: string; userType: string }[];
  };
  for (const g of state.guests) {
    const user = tenant.users.find((u) => (g.id !== undefined && u.id === g.id) || (g.upn !== undefined && u.userPrincipalName.toLowerCase() === g.upn.toLowerCase()));
    assert.ok(user, `${g.email} (${g.source.file}:${g.source.line}) is not in the demo tenant`);
    assert.equal(user.userType, 'Guest', `${g.email} must be a guest in the demo tenant`);
    if (g.id !== undefined && g.upn !== undefined) assert.equal(user.userPrincipalName.toLowerCase(), g.upn.toLowerCase());
  }
});

test('a missing directory or a file given as the directory is a typed error', async () => {
  await assert.rejects(loadDesiredState('no-such-dir', { cwd: fixture('desired') }), { code: 'desired-dir-not-found' });
  await assert.rejects(loadDesiredState('unknown-key/guests.yaml', { cwd: fixture('desired') }), { code: 'desired-dir-not-a-directory' });
});
