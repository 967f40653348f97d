/**
 * Runs the built guestops CLI as a child process, exactly as a user or CI job would, and measures
 * it: wall time from spawn to exit (parent clock), and the child's own CPU time and peak RSS
 * (reported by the preloaded child-usage module). Asynchronous on purpose: the emulator the child
 * talks to lives in this process and must keep answering while the child runs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/bench → dist/src/cli/main.js */
export const cliPath = join(here, '..', 'src', 'cli', 'main.js');
const usageModule = pathToFileURL(join(here, 'child-usage.js')).href;

export interface ChildRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  /** User + system CPU of the child. */
  readonly cpuMs: number;
  readonly peakRssMb: number;
  /** Minor page faults of the child: memory it touched for the first time (memory-touch.ts). */
  readonly pageFaults: number;
}

/** The environment a CI job would give guestops: no GitHub/Azure variables leaking in from here. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(GITHUB_|GUESTOPS_|AZURE_|RUNNER_|ACTIONS_)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

export interface ChildOptions {
  readonly cwd: string;
  readonly env: Record<string, string>;
  readonly timeoutMs?: number;
}

/** The guestops CLI as a child: `guestops <args>`. */
export function runGuestops(args: readonly string[], options: ChildOptions): Promise<ChildRun> {
  return runMeasured(cliPath, args, options);
}

/** Any Node entry point as a measured child. */
export async function runMeasured(entry: string, args: readonly string[], options: ChildOptions): Promise<ChildRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'guestops-bench-usage-'));
  const usageFile = join(scratch, 'usage.json');
  try {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', usageModule, entry, ...args], {
      cwd: options.cwd,
      env: childEnv({ ...options.env, BENCH_USAGE_FILE: usageFile }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c) => resolve(c));
    });
    const wallMs = performance.now() - t0;
    clearTimeout(timer);
    const stdout = Buffer.concat(out).toString('utf8');
    const stderr = Buffer.concat(err).toString('utf8');
    let usage: { userCpuMicros: number; systemCpuMicros: number; maxRssKb: number; minorPageFaults: number };
    try {
      usage = JSON.parse(readFileSync(usageFile, 'utf8')) as typeof usage;
    } catch {
      throw new Error(`${entry} ${args[0] ?? ''} exited (${code}) without reporting its resource usage:\n${stderr.slice(-2000)}`);
    }
    return {
      code,
      stdout,
      stderr,
      wallMs,
      cpuMs: (usage.userCpuMicros + usage.systemCpuMicros) / 1000,
      peakRssMb: usage.maxRssKb / 1024,
      pageFaults: usage.minorPageFaults,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
