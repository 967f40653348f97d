/**
 * What the Actions runner gives a step, as files and environment variables: GITHUB_STEP_SUMMARY,
 * GITHUB_OUTPUT, GITHUB_EVENT_PATH, RUNNER_TEMP. Plus readers for what a step writes back:
 * the outputs file and the `::command ...::` lines on stdout.
 */
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunnerFiles {
  readonly dir: string;
  readonly env: Record<string, string>;
  summary(): Promise<string>;
  outputs(): Promise<Record<string, string>>;
}

export interface RunnerOptions {
  readonly workspace: string;
  readonly repository?: string;
  readonly eventName?: string;
  readonly payload?: unknown;
}

export async function runnerFiles(options: RunnerOptions): Promise<RunnerFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'guestops-runner-'));
  const summary = join(dir, 'step_summary.md');
  const output = join(dir, 'output.txt');
  const event = join(dir, 'event.json');
  const temp = join(dir, 'runner_temp');
  await mkdir(temp);
  await writeFile(summary, '');
  await writeFile(output, '');
  await writeFile(event, JSON.stringify(options.payload ?? {}));
  const env: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: options.repository ?? 'contoso/guests',
    GITHUB_EVENT_NAME: options.eventName ?? 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '4242',
    RUNNER_TEMP: temp,
  };
  return {
    dir,
    env,
    summary: () => readFile(summary, 'utf8'),
    outputs: async () => parseOutputFile(await readFile(output, 'utf8')),
  };
}

/** GITHUB_OUTPUT holds `name=value` lines or `name<<DELIM` … `DELIM` blocks (what @actions/core writes). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]!);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

export interface WorkflowCommand {
  readonly command: string;
  readonly properties: Record<string, string>;
  readonly message: string;
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
function unescapeProperty(s: string): string {
  return unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');
}

/** Every `::command k=v,...::message` line of a step's stdout. */
export function workflowCommands(stdout: string): WorkflowCommand[] {
  const out: WorkflowCommand[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = kv.indexOf('=');
      properties[kv.slice(0, eq)] = unescapeProperty(kv.slice(eq + 1));
    }
    out.push({ command: m[1]!, properties, message: unescapeData(m[3] ?? '') });
  }
  return out;
}
