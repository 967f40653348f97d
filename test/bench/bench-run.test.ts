/**
 * Smoke test of `npm run bench`: the same entry point and code path (generator → emulator →
 * the built CLI as a child → emulator log → results.json) at a tiny size. It checks the shape of
 * results.json and the facts the benchmark must get right (request counts from the emulator,
 * one reset per guest, no failure) — never timings: speed goals live in the benchmark itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNode, type CliResult } from '../helpers/cli.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { generateScenario, realisticMix, resetOnlyMix } from '../../bench/tenant-generator.js';
import { applyLowerBoundMs } from '../../bench/apply-budget.js';

const benchEntry = join(repoRoot, 'dist', 'bench', 'run.js');

function runBench(args: string[]): Promise<CliResult> {
  return runNode(benchEntry, args, { timeoutMs: 120_000 });
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

test('the bench runs end to end at a tiny size and writes results.json in the issue 6 shape', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'guestops-bench-test-'));
  try {
    const out = join(dir, 'results.json');
    const r = await runBench(['--sizes', '120,300', '--validate', '300/6', '--apply', '40/300', '--repeat', '2', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(results).sort(), ['apply', 'machine', 'plan', 'validate']);

    const machine = results['machine'] as Record<string, unknown>;
    assert.equal(typeof machine['cpu'], 'string');
    assert.ok(isNum(machine['cores']) && machine['cores'] >= 1);
    assert.ok(isNum(machine['memoryGb']) && machine['memoryGb'] > 0);
    assert.equal(machine['node'], process.version);

    const plan = results['plan'] as Record<string, unknown>[];
    assert.deepEqual(plan.map((p) => p['guests']), [120, 300]);
    for (const p of plan) {
      assert.deepEqual(Object.keys(p).sort(), ['baselineRequests', 'baselineWallMs', 'cpuMs', 'guests', 'peakRssMb', 'requests', 'wallMs']);
      for (const k of Object.keys(p)) assert.ok(isNum(p[k]) && (p[k] as number) > 0, `plan.${k} = ${String(p[k])}`);
      // Counted by the emulator: /me, extension discovery, one list page, one $batch for the
      // guests outside the guest list, the role assignments of an app-only caller.
      assert.equal(p['requests'], 5);
      // The per-guest script: two GETs per declared guest, one for a guest that no longer exists.
      const missing = realisticMix(p['guests'] as number).blockedNotFound;
      assert.equal(p['baselineRequests'], 2 * (p['guests'] as number) - missing);
    }

    const validate = results['validate'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(validate).sort(), ['files', 'guests', 'wallMs']);
    assert.equal(validate['guests'], 300);
    assert.equal(validate['files'], 6);
    assert.ok(isNum(validate['wallMs']) && validate['wallMs'] > 0);

    const apply = results['apply'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(apply).sort(), ['duplicated', 'elapsedMs', 'failed', 'lowerBoundMs', 'resets', 'throttled']);
    assert.equal(apply['resets'], 40);
    assert.equal(apply['failed'], 0);
    assert.equal(apply['duplicated'], 0);
    assert.equal(apply['lowerBoundMs'], applyLowerBoundMs(40));
    assert.ok(isNum(apply['elapsedMs']) && isNum(apply['throttled']));

    assert.match(r.stdout, /Goals \(issue 6\)/);
    assert.match(r.stdout, /re-plan clean/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the generator is deterministic and its tree matches the mix it was asked for', () => {
  const a = generateScenario({ guests: 500, mix: realisticMix(500) });
  const b = generateScenario({ guests: 500, mix: realisticMix(500) });
  assert.deepEqual(a.files, b.files);
  assert.deepEqual(a.seed, b.seed);
  assert.equal(a.files.length, 10);
  assert.equal(a.declared.length, 500);
  const mix = realisticMix(500);
  assert.deepEqual(a.expected, {
    resets: mix.emailChange + mix.generationBump,
    profileUpdates: mix.emailChange + mix.otherMailsDrift,
    adoptions: mix.adoption,
    blocked: mix.blockedMember + mix.blockedNotFound + mix.blockedRoleHolder,
    unchanged: 500 - mix.emailChange - mix.generationBump - mix.otherMailsDrift - mix.adoption - mix.blockedMember - mix.blockedNotFound - mix.blockedRoleHolder,
  });
  const other = generateScenario({ guests: 500, mix: realisticMix(500), seed: 7 });
  assert.notDeepEqual(other.files, a.files);
  const resets = generateScenario({ guests: 200, mix: resetOnlyMix(31) });
  assert.deepEqual(resets.expected, { resets: 31, profileUpdates: 15, adoptions: 0, blocked: 0, unchanged: 169 });
});
