/** Runs the real `guestops` binary as a child process, the way a user or CI does. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cliPath, repoRoot } from './paths.js';

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  /** Added to a clean environment (no GITHUB_* or GUESTOPS_* leaking in from the host). */
  readonly env?: Record<string, string | undefined>;
  readonly input?: string;
  readonly timeoutMs?: number;
}

export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('GITHUB_') || k.startsWith('GUESTOPS_') || k.startsWith('AZURE_') || k.startsWith('RUNNER_') || k.startsWith('ACTIONS_')) continue;
    env[k] = v;
  }
  env['NO_COLOR'] = '1';
  // The emulator without replication lag is strongly consistent: no consistency window to wait
  // out. Tests that turn lag on set the window to cover it.
  env['GUESTOPS_CONSISTENCY_WINDOW_SECONDS'] = '0';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs the real `guestops` binary to completion. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return runNode(cliPath, args, options);
}

/** Runs a compiled Node script (the CLI, a test driver, the benchmark) to completion. */
export function runNode(script: string, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The real `guestops` binary as a running child, for tests that act on it while it runs: close
 * its pipes early, send it signals, answer its prompt.
 */
export function spawnCli(args: readonly string[], options: Omit<CliOptions, 'input' | 'timeoutMs'> = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [cliPath, ...args], { cwd: options.cwd ?? repoRoot, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
}

export interface EmulatorProcess {
  readonly url: string;
  /** Sends the signal and resolves once the process exited, with everything it printed. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * `guestops emulator ARGS` as a user starts it: resolves once its first stdout line is exactly
 * `Graph emulator listening on http://127.0.0.1:PORT`; rejects on any other first line or an exit.
 */
export function startEmulatorProcess(args: readonly string[], options: { cwd?: string } = {}): Promise<EmulatorProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'emulator', ...args], { cwd: options.cwd ?? repoRoot, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let listening = false;
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (listening || nl === -1) return;
      listening = true;
      const first = stdout.slice(0, nl);
      const m = /^Graph emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first);
      if (!m) {
        child.kill('SIGKILL');
        reject(new Error(`unexpected first line: ${first}`));
        return;
      }
      resolve({
        url: m[1]!,
        stop: async (signal = 'SIGTERM') => {
          child.kill(signal);
          const code = await exited;
          return { code, stdout, stderr };
        },
      });
    });
    setTimeout(() => reject(new Error(`no listening line; stderr: ${stderr}`)), 20_000).unref();
    void exited.then((code) => reject(new Error(`exited early with ${code}: ${stderr}`)));
  });
}
