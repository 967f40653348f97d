import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './helpers/cli.js';

test('guestops --help lists every command and exits 0', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0, r.stderr);
  for (const name of ['validate', 'plan', 'apply', 'setup', 'import', 'snapshot', 'emulator']) {
    assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'));
  }
});

test('an unknown command is a clear error with exit 1', async () => {
  const r = await runCli(['frobnicate']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test('guestops --version prints the package version (found from dist/ through the package root)', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { repoRoot } = await import('./helpers/paths.js');
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  const r = await runCli(['--version']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${pkg.version}\n`);
});
