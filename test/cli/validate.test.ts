/** `guestops validate` as a user runs it: a child process, its exit code, its exact output. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('the demo guests validate: exit 0 and a one-line count', async () => {
  const r = await runCli(['validate']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '4 files, 7 guests: valid\n');
  assert.equal(r.stderr, '');
});

test('--dir points at another folder; -d is its short form', async () => {
  for (const flag of ['--dir', '-d']) {
    const r = await runCli(['validate', flag, 'valid'], { cwd: fixture('desired') });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '3 files, 3 guests: valid\n');
  }
});

test('an unknown key is an error at that key, with a suggestion, and exit 1', async () => {
  const r = await runCli(['validate', '--dir', 'unknown-key'], { cwd: fixture('desired') });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    'unknown-key/guests.yaml:4:5: error schema-unknown-key: unknown key "otherMail" in a guest; did you mean "otherMails"? (allowed: id, upn, email, otherMails, generation, invitation, acknowledgeDomainChange, sponsors, expires, enabled)\n' +
      '1 error: not valid\n',
  );
});

test('every problem of every file is reported at once, in file and line order', async () => {
  const r = await runCli(['validate', '--dir', 'duplicates'], { cwd: fixture('desired') });
  assert.equal(r.code, 1);
  // Ids, UPNs and emails compare case-insensitively; each problem names the first declaration.
  assert.equal(
    r.stderr,
    'duplicates/sub/two.yml:2:9: error duplicate-guest: guest with id "6F1C2D4E-0B8A-4C3E-9D1F-2A7B5C9E8D10" is already declared at duplicates/one.yaml:2:9\n' +
      'duplicates/sub/two.yml:4:10: error duplicate-guest: guest with upn "BOB.SMITH_litware.example#EXT#@contoso.onmicrosoft.com" is already declared at duplicates/one.yaml:4:10\n' +
      'duplicates/sub/two.yml:6:12: error duplicate-email: email "JOHN@northwind.example" is already declared for another guest at duplicates/one.yaml:3:12\n' +
      '3 errors: not valid\n',
  );
});

test('under GitHub Actions each problem is also an annotation on its file and line', async () => {
  const r = await runCli(['validate', '--dir', 'unknown-key'], { cwd: fixture('desired'), env: { GITHUB_ACTIONS: 'true' } });
  assert.equal(r.code, 1);
  assert.equal(
    r.stdout,
    '::error title=schema-unknown-key,file=unknown-key/guests.yaml,line=4,col=5::unknown key "otherMail" in a guest; did you mean "otherMails"? (allowed: id, upn, email, otherMails, generation, invitation, acknowledgeDomainChange, sponsors, expires, enabled)\n',
  );
  assert.match(r.stderr, /^unknown-key\/guests\.yaml:4:5: error schema-unknown-key: /);
});

test('an annotation keeps a non-ASCII file name as written, so GitHub attaches it to the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'guestops-annot-'));
  mkdirSync(join(dir, 'guests'));
  writeFileSync(join(dir, 'guests', 'müller.yaml'), 'guests:\n  - email: a@b.example\n    otherMail: []\n');
  const r = await runCli(['validate'], { cwd: dir, env: { GITHUB_ACTIONS: 'true' } });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^::error title=schema-unknown-key,file=guests\/müller\.yaml,line=3,col=5::/m);
});

test('warnings become warning annotations and do not fail', async () => {
  const r = await runCli(['validate', '--dir', 'guests'], { cwd: fixture('hostile', 'file-empty'), env: { GITHUB_ACTIONS: 'true' } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^::warning title=file-empty,file=guests\/a\.yaml,line=1,col=1::the file declares no guests/m);
  assert.match(r.stdout, /^2 files, 0 guests: valid \(2 warnings\)$/m);
});

test('without GITHUB_ACTIONS=true no workflow command is printed', async () => {
  const r = await runCli(['validate', '--dir', 'unknown-key'], { cwd: fixture('desired'), env: { GITHUB_ACTIONS: 'false' } });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
});

test('an unknown flag or a stray argument is a clear usage error with exit 1', async () => {
  const r = await runCli(['validate', '--frobnicate']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^guestops validate: error usage: Unknown option '--frobnicate'/);
  assert.match(r.stderr, /guestops validate --help/);
  const stray = await runCli(['validate', 'guests']);
  assert.equal(stray.code, 1);
  assert.match(stray.stderr, /error usage: .*positional argument/i);
  const empty = await runCli(['validate', '--dir']);
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /error usage: Option '-d, --dir <value>' argument missing/);
});

test('a missing directory is a clear error with exit 1', async () => {
  const r = await runCli(['validate', '--dir', 'nowhere'], { cwd: fixture('desired') });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'guestops validate: error desired-dir-not-found: guest directory "nowhere" does not exist (use --dir to point at it)\n');
});

test('--help explains the command with examples and exits 0', async () => {
  const r = await runCli(['validate', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: guestops validate \[--dir <folder>\] \[--policy FILE\]$/m);
  assert.match(r.stdout, /^Examples:$/m);
  assert.match(r.stdout, /FILE:LINE:COL: error CODE: message/);
});
