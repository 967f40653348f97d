/**
 * `guestops upgrade` on a repository made by an older init: a diff of what this version changes
 * in the managed workflows and the schema, nothing written without --write, exactly this
 * version's files with it, and the repository's own files left alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const OLD = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const NEW = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

async function snapshot(dir: string, files: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of files) out[f] = await readFile(join(dir, f), 'utf8');
  return out;
}

test('upgrade shows the diff, writes only with --write, and then matches a fresh init', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'guestops-upgrade-'));
  const init = await runCli(['init', '.', '--action-ref', `contoso/guestops@${OLD}`], { cwd: dir });
  assert.equal(init.code, 0, init.stderr);
  // What an older version would have left: another commit, a workflow that lost a step, no drift.yml.
  const ci = join(dir, '.github', 'workflows', 'ci.yml');
  await writeFile(ci, (await readFile(ci, 'utf8')).replace(/      - uses: actions\/checkout@.*\n        with:\n          persist-credentials: false\n/, ''));
  await rm(join(dir, '.github', 'workflows', 'drift.yml'));
  const schema = join(dir, 'schemas', 'guests.schema.json');
  await writeFile(schema, '{"old": true}\n');
  const guests = join(dir, 'guests', 'example.yaml');
  await writeFile(guests, 'guests:\n  - email: ours@partner.example\n');
  const files = ['.github/workflows/plan.yml', '.github/workflows/ci.yml', 'schemas/guests.schema.json', 'guests/example.yaml', 'README.md'];
  const before = await snapshot(dir, files);

  const dry = await runCli(['upgrade', '--action-ref', `contoso/guestops@${NEW}`], { cwd: dir });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^--- a\/\.github\/workflows\/plan\.yml$/m);
  assert.match(dry.stdout, new RegExp(`^-        uses: contoso/guestops@${OLD} # v`, 'm'));
  assert.match(dry.stdout, new RegExp(`^\\+        uses: contoso/guestops@${NEW} # v`, 'm'));
  assert.match(dry.stdout, /^\+      - uses: actions\/checkout@[0-9a-f]{40} # v/m, 'the lost step comes back');
  assert.match(dry.stdout, /^\+\+\+ b\/\.github\/workflows\/drift\.yml$/m, 'the missing workflow is shown as new');
  assert.match(dry.stdout, /^-\{"old": true\}$/m);
  assert.doesNotMatch(dry.stdout, /example\.yaml|README/, 'guests and README are not upgrade\'s');
  assert.match(dry.stdout, /5 file\(s\) would change \(shown above\); run again with --write/);
  assert.deepEqual(await snapshot(dir, files), before, 'nothing written without --write');

  const write = await runCli(['upgrade', '--write', '--action-ref', `contoso/guestops@${NEW}`], { cwd: dir });
  assert.equal(write.code, 0, write.stderr);
  const fresh = await mkdtemp(join(tmpdir(), 'guestops-upgrade-fresh-'));
  assert.equal((await runCli(['init', '.', '--action-ref', `contoso/guestops@${NEW}`], { cwd: fresh })).code, 0);
  for (const f of ['plan.yml', 'apply.yml', 'drift.yml', 'ci.yml']) {
    assert.equal(await readFile(join(dir, '.github', 'workflows', f), 'utf8'), await readFile(join(fresh, '.github', 'workflows', f), 'utf8'), f);
  }
  assert.equal(await readFile(schema, 'utf8'), readFileSync(join(fresh, 'schemas', 'guests.schema.json'), 'utf8'));
  assert.equal(await readFile(guests, 'utf8'), before['guests/example.yaml']);
  assert.equal(await readFile(join(dir, 'README.md'), 'utf8'), before['README.md']);

  const again = await runCli(['upgrade', '--action-ref', `contoso/guestops@${NEW}`], { cwd: dir });
  assert.equal(again.code, 0);
  assert.match(again.stdout, /nothing to change/);
});

test("upgrade leaves a workflow without guestops' header alone, and refuses a folder init never made", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'guestops-upgrade-'));
  const own = 'name: our own ci\non: push\n';
  await runCli(['init', '.', '--action-ref', `contoso/guestops@${OLD}`], { cwd: dir });
  await writeFile(join(dir, '.github', 'workflows', 'ci.yml'), own);
  const r = await runCli(['upgrade', '--write', '--action-ref', `contoso/guestops@${NEW}`], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await readFile(join(dir, '.github', 'workflows', 'ci.yml'), 'utf8'), own);
  assert.match(r.stderr, /\.github\/workflows\/ci\.yml has no "Managed by guestops" header: it is the repository's own, left alone/);
  assert.match(await readFile(join(dir, '.github', 'workflows', 'plan.yml'), 'utf8'), new RegExp(NEW));

  const empty = await mkdtemp(join(tmpdir(), 'guestops-upgrade-'));
  const no = await runCli(['upgrade'], { cwd: empty });
  assert.equal(no.code, 1);
  assert.match(no.stderr, /^guestops upgrade: error upgrade-not-scaffolded: .* run 'guestops init' there first\n$/);
});
