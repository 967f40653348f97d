/**
 * The npm package as a user gets it: `npm pack`, install of the tarball into an empty folder
 * (dependencies from the registry), then the installed CLI: --help, --version, init, validate
 * and plan against the bundled emulator. Fails on any file the package needs and does not ship,
 * and on development files it should not ship.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { installInFreshFolder, npmEnv, packRepository, run, type Packed } from './support/npm.js';

let packed: Packed;
let userDir: string;
let installed: string;
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
  private?: boolean;
  files: string[];
  bin: Record<string, string>;
  engines: Record<string, string>;
};

before(async () => {
  packed = await packRepository();
  userDir = await installInFreshFolder(packed.tarball);
  installed = join(userDir, 'node_modules', 'guestops');
});

after(async () => {
  await Promise.all([packed && rm(dirname(packed.tarball), { recursive: true, force: true }), userDir && rm(userDir, { recursive: true, force: true })]);
});

/** `npx guestops ARGS` in `cwd`: npm finds the installed package's bin as it does for a user. */
function npx(args: readonly string[], cwd: string) {
  return run('npx', ['--no-install', 'guestops', ...args], cwd, npmEnv({ PATH: `${dirname(process.execPath)}:${process.env['PATH']}` }));
}

/** The bin npx resolves, run directly (npx costs a second of start-up per call). */
function guestops(args: readonly string[], cwd: string) {
  return run(join(userDir, 'node_modules', '.bin', 'guestops'), args, cwd, npmEnv({ PATH: `${dirname(process.execPath)}:${process.env['PATH']}` }));
}

test('package.json: publishable, a bin, engines, no install scripts', () => {
  assert.equal(pkg.private, undefined, 'not private');
  assert.equal(pkg.bin['guestops'], 'dist/src/cli/main.js');
  assert.match(pkg.engines['node']!, /^>=20/);
  for (const s of ['preinstall', 'install', 'postinstall']) assert.equal(pkg.scripts[s], undefined, `no ${s} script`);
});

test('the tarball holds the compiled CLI and its data files, and no tests, sources or bench', () => {
  const files = packed.files;
  for (const needed of [
    'package.json',
    'README.md',
    'CHANGELOG.md',
    'LICENSE',
    'dist/src/cli/main.js',
    'dist/release.json',
    'schemas/guests.schema.json',
    'schemas/policy.schema.json',
    'src/emulator/demo/tenant.json',
    'templates/guests/example.yaml',
    'templates/workflows/apply.yml',
    'docs/setup.md',
  ]) {
    assert.ok(files.includes(needed), `ships ${needed}`);
  }
  // Every template in the repository is in the package.
  const templates = (function walk(dir: string, rel: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name), `${rel}${e.name}/`) : [`${rel}${e.name}`],
    );
  })(join(repoRoot, 'templates'), 'templates/');
  for (const t of templates) assert.ok(files.includes(t), `ships ${t}`);
  const unwanted = files.filter((f) => /^(test|bench|dist\/test|dist\/bench|scripts|\.github)\//.test(f) || /\.ts$|\.map$/.test(f));
  assert.deepEqual(unwanted, [], 'no tests, TypeScript sources, source maps, bench or scripts');
  assert.ok(!files.includes('action.yml') && !files.some((f) => f.startsWith('action/')), 'the action runs from git, not from the npm package');
});

test('every package file the compiled code reads through packagePath() is installed', () => {
  const refs = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/packagePath\(((?:\s*'[^']*'\s*,?)+)\)/g)) {
          refs.add([...m[1]!.matchAll(/'([^']*)'/g)].map((x) => x[1]).join('/'));
        }
      }
    }
  };
  walk(join(installed, 'dist', 'src'));
  assert.ok(refs.size >= 4, `found packagePath() uses: ${[...refs].join(', ')}`);
  for (const r of refs) assert.ok(existsSync(join(installed, ...r.split('/'))), `installed package has ${r}`);
});

test('npx guestops --help and --version from the installed package', async () => {
  const help = await npx(['--help'], userDir);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: guestops <command>/m);
  assert.match(help.stdout, /^ {2}init /m);
  const version = await npx(['--version'], userDir);
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout.trim(), pkg.version);
});

test('installed: init a guests repository, validate it, plan it against the bundled emulator', async () => {
  const init = await guestops(['init', 'my-guests', '--repo', 'contoso/guests'], userDir);
  assert.equal(init.code, 0, init.stderr);
  const repo = join(userDir, 'my-guests');
  assert.ok(existsSync(join(repo, '.github', 'workflows', 'plan.yml')));
  const release = JSON.parse(readFileSync(join(installed, 'dist', 'release.json'), 'utf8')) as { commit: string | null };
  if (release.commit) assert.match(init.stdout, new RegExp(`guestops/guestops@${release.commit} # v${pkg.version.replace(/\./g, '\\.')}`));

  const validate = await guestops(['validate'], repo);
  assert.equal(validate.code, 0, validate.stderr);
  assert.match(validate.stdout, /1 file, 0 guests: valid/);
  const empty = await guestops(['plan', '--emulator', '--detailed-exitcode'], repo);
  assert.equal(empty.code, 0, empty.stdout + empty.stderr);

  // From nothing to a planned change: declare a new guest.
  await writeFile(join(repo, 'guests', 'partner.yaml'), 'guests:\n  - email: ada.lovelace@partner.example\n');
  const planned = await guestops(['plan', '--emulator', '--detailed-exitcode'], repo);
  assert.equal(planned.code, 2, planned.stdout + planned.stderr);
  assert.match(planned.stdout, /ada\.lovelace@partner\.example/);
  assert.match(planned.stdout, /1 to invite/);
});
