/**
 * A generated tenant (bench/tenant-generator.ts) served by a fresh emulator, with its guests/
 * tree in a scratch folder, for tests that drive `guestops plan` at some scale. Both are removed
 * however the test ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateScenario, type Scenario, type ScenarioOptions } from '../../bench/tenant-generator.js';
import { writeGuestTree } from '../../bench/guest-tree.js';
import { withEmulator, type TestEmulator } from './emulator.js';
import { runCli, type CliResult } from './cli.js';

export interface ScenarioRun {
  readonly scenario: Scenario;
  /** The folder holding guests/ and the policy: plan's working directory. */
  readonly root: string;
  readonly emu: TestEmulator;
  /** `guestops plan --graph-url … --format json` in `root` with the scenario's token, plus `env` and `args`. */
  plan(env?: Record<string, string>, args?: readonly string[]): Promise<CliResult>;
}

export async function usingScenario(options: ScenarioOptions, fn: (run: ScenarioRun) => Promise<void>): Promise<void> {
  const scenario = generateScenario(options);
  const root = writeGuestTree(mkdtempSync(join(tmpdir(), 'guestops-scenario-')), scenario.files);
  const emu = await withEmulator({ throttle: false, seed: scenario.seed });
  try {
    await fn({
      scenario,
      root,
      emu,
      plan: (env = {}, args = ['--format', 'json']) => runCli(['plan', '--graph-url', emu.url, ...args], { cwd: root, env: { GUESTOPS_TOKEN: scenario.planToken, ...env } }),
    });
  } finally {
    await emu.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** A JSON plan as printed, without its `createdAt`: two runs over the same state compare equal. */
export function planWithoutTimestamp(stdout: string): Record<string, unknown> {
  const plan = JSON.parse(stdout) as Record<string, unknown>;
  delete plan['createdAt'];
  return plan;
}
