/**
 * `guestops init` as a user runs it: into an empty folder (every file, the schema the example
 * points at, the next steps), into a folder that already has some of the files (nothing
 * overwritten, the skipped ones listed), and with bad options (one-line error, nothing written).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

const SCAFFOLD = [
  '.github/CODEOWNERS',
  '.github/workflows/apply.yml',
  '.github/workflows/ci.yml',
  '.github/workflows/drift.yml',
  '.github/workflows/plan.yml',
  'README.md',
  'guestops.policy.yaml',
  'guests/example.yaml',
  'schemas/guests.schema.json',
  'schemas/policy.schema.json',
];
const SHA = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

async function tree(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await tree(dir, p)));
    else out.push(p);
  }
  return out.sort();
}

test('init into an empty folder: the scaffold, the schema the example references, next steps', async () => {
  const parent = await mkdtemp(join(tmpdir(), 'guestops-init-'));
  const r = await runCli(
    ['init', 'my-guests', '--repo', 'contoso/guests', '--tenant-id', '0A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9', '--apply-client-id', 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e', '--action-ref', `contoso/guestops@${SHA}`],
    { cwd: parent },
  );
  assert.equal(r.code, 0, r.stderr);
  const dir = join(parent, 'my-guests');
  assert.deepEqual(await tree(dir), SCAFFOLD);
  for (const f of SCAFFOLD) assert.match(r.stdout, new RegExp(`^  \\+ ${f.replace(/\./g, '\\.')}$`, 'm'));
  assert.doesNotMatch(r.stdout, /skipped/);
  assert.match(r.stdout, /^Next steps:$/m);
  assert.match(r.stdout, new RegExp(`cd my-guests && npx guestops@${version.replace(/\./g, '\\.')} validate`));

  // The editor's schema reference resolves inside the new repository, to guestops' schema.
  const example = await readFile(join(dir, 'guests', 'example.yaml'), 'utf8');
  const ref = /^# yaml-language-server: \$schema=(\S+)$/m.exec(example)?.[1];
  assert.ok(ref, 'schema comment');
  const schema = resolve(dir, 'guests', ref);
  assert.ok(schema.startsWith(dir + '/'), 'inside the repository, not the tool');
  assert.equal(await readFile(schema, 'utf8'), readFileSync(join(repoRoot, 'schemas', 'guests.schema.json'), 'utf8'));

  // Workflows use the action at the given commit; the README carries the ids and the repository.
  for (const w of ['plan', 'apply', 'drift', 'ci']) {
    const text = await readFile(join(dir, '.github', 'workflows', `${w}.yml`), 'utf8');
    assert.match(text, new RegExp(`uses: contoso/guestops@${SHA} # v${version.replace(/\./g, '\\.')}$`, 'm'), w);
    assert.doesNotMatch(text, /%%/, `${w}: no placeholder left`);
  }
  const readme = await readFile(join(dir, 'README.md'), 'utf8');
  assert.match(readme, /gh variable set AZURE_TENANT_ID --body "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9"/);
  assert.match(readme, /gh variable set AZURE_APPLY_CLIENT_ID --body "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"/);
  assert.match(readme, /gh variable set AZURE_PLAN_CLIENT_ID --body "<guestops-plan client id>"/);
  assert.match(readme, /repo:contoso\/guests:environment:guestops-apply/);
  const owners = await readFile(join(dir, '.github', 'CODEOWNERS'), 'utf8');
  for (const path of ['/guests/', '/guestops.policy.yaml', '/.github/']) {
    assert.match(owners, new RegExp(`^${path.replace(/\./g, '\\.')} +@contoso/guest-admins$`, 'm'), `CODEOWNERS covers ${path}`);
  }

  // The policy file: safe defaults, its schema reference resolves to the copied policy schema.
  const policy = await readFile(join(dir, 'guestops.policy.yaml'), 'utf8');
  assert.match(policy, /^allowConsumerDomains: false$/m);
  assert.match(policy, /^maxEmailChanges: 10$/m);
  const policyRef = /^# yaml-language-server: \$schema=(\S+)$/m.exec(policy)?.[1];
  assert.ok(policyRef, 'policy schema comment');
  assert.equal(await readFile(resolve(dir, policyRef), 'utf8'), readFileSync(join(repoRoot, 'schemas', 'policy.schema.json'), 'utf8'));

  // The scaffold is valid as it is, and declares nobody: merging it changes nothing.
  const v = await runCli(['validate'], { cwd: dir });
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /1 file, 0 guests: valid; policy guestops\.policy\.yaml: valid/);
});

test('init without --action-ref pins the commit this guestops was built from, in its own repository', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'guestops-init-'));
  const release = JSON.parse(readFileSync(join(repoRoot, 'dist', 'release.json'), 'utf8')) as { commit: string | null };
  const r = await runCli(['init'], { cwd: dir });
  if (release.commit === null) {
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^guestops init: error action-ref-unknown: /m);
    return;
  }
  assert.equal(r.code, 0, r.stderr);
  const plan = await readFile(join(dir, '.github', 'workflows', 'plan.yml'), 'utf8');
  assert.match(plan, new RegExp(`uses: guestops/guestops@${release.commit} # v`));
});

test('init into a folder with some of the files: nothing is overwritten, the skipped files are listed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'guestops-init-'));
  const mine: Record<string, string> = {
    'README.md': '# our guests\n',
    '.github/workflows/ci.yml': 'name: our own ci\n',
    'guests/example.yaml': 'guests:\n  - email: kept@partner.example\n',
  };
  for (const [f, text] of Object.entries(mine)) {
    await mkdir(dirname(join(dir, f)), { recursive: true });
    await writeFile(join(dir, f), text);
  }
  const r = await runCli(['init', '.', '--action-ref', `contoso/guestops@${SHA}`], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  for (const [f, text] of Object.entries(mine)) assert.equal(await readFile(join(dir, f), 'utf8'), text, `${f} untouched`);
  const skipped = r.stdout.split('\n').filter((l) => l.startsWith('  = ')).map((l) => l.slice(4)).sort();
  assert.deepEqual(skipped, Object.keys(mine).sort());
  const written = r.stdout.split('\n').filter((l) => l.startsWith('  + ')).map((l) => l.slice(4)).sort();
  assert.deepEqual(written, SCAFFOLD.filter((f) => !(f in mine)).sort());
  assert.match(r.stdout, /^skipped 3 file\(s\) that already exist \(left as they are\):$/m);
  assert.deepEqual(await tree(dir), SCAFFOLD);
});

test('init refuses bad options with one line, before writing anything', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'guestops-init-'));
  const cases: Array<[string[], RegExp]> = [
    [['--tenant-id', 'contoso'], /^guestops init: error usage: --tenant-id must be a GUID .*got 'contoso'$/],
    [['--action-ref', 'contoso/guestops@v1'], /^guestops init: error action-ref-invalid: --action-ref must be OWNER\/REPO@<40-hex commit sha>/],
    [['--repo', 'not a repo'], /^guestops init: error usage: --repo must be OWNER\/REPO/],
    [['a', 'b'], /^guestops init: error usage: unexpected argument 'b'/],
    [['--force'], /^guestops init: error usage: Unknown option '--force'/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(['init', ...args], { cwd: dir });
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.match(r.stderr.trim(), message);
  }
  assert.equal(existsSync(join(dir, 'guests')), false, 'nothing written');
  assert.deepEqual(await readdir(dir), []);
});
