/**
 * Real npm, the way a user runs it: `npm pack` of this repository and `npm install` of the
 * tarball into a fresh folder. Dependencies resolve from the registry as on a user's machine
 * (`--prefer-offline` lets npm answer from its cache what it already has, so the test stays fast).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, type CliResult } from '../../helpers/cli.js';
import { repoRoot } from '../../helpers/paths.js';

/** A clean environment without the npm_* variables `npm test` sets for its scripts. */
export function npmEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env = cleanEnv(extra);
  for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
  return env;
}

export function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = npmEnv(), timeoutMs = 240_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface Packed {
  readonly tarball: string;
  /** Paths inside the package, e.g. `dist/src/cli/main.js`. */
  readonly files: string[];
}

/**
 * `npm pack` of the already built repository. `--ignore-scripts`: `npm test` built dist/ a moment
 * ago, and `prepare` would rebuild it under the feet of the tests running from it.
 */
export async function packRepository(): Promise<Packed> {
  const dest = await mkdtemp(join(tmpdir(), 'guestops-pack-'));
  const r = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], repoRoot);
  if (r.code !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
  const [info] = JSON.parse(r.stdout) as [{ filename: string; files: { path: string }[] }];
  return { tarball: join(dest, info.filename), files: info.files.map((f) => f.path).sort() };
}

/** Installs `spec` into a fresh folder as a user would; returns the folder. */
export async function installInFreshFolder(spec: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'guestops-user-'));
  // What `npm init -y` leaves; without it npm would look for a project in the parent folders.
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true }) + '\n');
  const r = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', spec], dir);
  if (r.code !== 0) throw new Error(`npm install ${spec} failed (${r.code}): ${r.stderr}`);
  return dir;
}
