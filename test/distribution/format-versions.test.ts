/**
 * The files guestops writes and reads back carry their own `formatVersion`, independent of the
 * package version (CHANGELOG.md): the saved plan, the apply report, and the emulator seed that
 * `snapshot` writes and `emulator --seed` reads. A seed of another version is refused by name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { demoSeedPath } from '../../src/emulator/index.js';

async function demoRepo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'guestops-formats-'));
  await cp(join(repoRoot, 'guests'), join(dir, 'guests'), { recursive: true });
  await cp(join(repoRoot, 'schemas'), join(dir, 'schemas'), { recursive: true });
  return dir;
}

test('plan --out, apply --report and snapshot write formatVersion 1; the demo seed says 1 too', async () => {
  const dir = await demoRepo();
  const plan = await runCli(['plan', '--emulator', '--out', 'plan.json'], { cwd: dir });
  assert.equal(plan.code, 0, plan.stderr);
  assert.equal(JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')).formatVersion, 1);
  const apply = await runCli(['apply', '--emulator', '--report', 'report.json'], { cwd: dir });
  assert.equal(apply.code, 0, apply.stderr);
  assert.equal(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')).formatVersion, 1);
  const snap = await runCli(['snapshot', '--emulator', '--out', 'tenant.json'], { cwd: dir });
  assert.equal(snap.code, 0, snap.stderr);
  const seed = JSON.parse(await readFile(join(dir, 'tenant.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(seed['formatVersion'], 1);
  // What snapshot wrote is a seed the emulator reads.
  const again = await runCli(['plan', '--emulator', 'tenant.json', '--format', 'json'], { cwd: dir, env: { GUESTOPS_TOKEN: 'rehearsal-plan' } });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(await readFile(demoSeedPath, 'utf8')).formatVersion, 1);
});

test('a seed of another formatVersion is refused in one line naming the field', async () => {
  const dir = await demoRepo();
  const seed = JSON.parse(await readFile(demoSeedPath, 'utf8')) as Record<string, unknown>;
  await writeFile(join(dir, 'future.json'), JSON.stringify({ ...seed, formatVersion: 2 }));
  const r = await runCli(['plan', '--emulator', 'future.json'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /error emulator-seed-invalid: future\.json: \(root\)\.formatVersion: must be 1 \(the seed format this guestops reads\), got 2/);
  // Hand-written seeds without the field are still read as version 1.
  const { formatVersion: _, ...unversioned } = seed;
  await writeFile(join(dir, 'plain.json'), JSON.stringify(unversioned));
  const ok = await runCli(['plan', '--emulator', 'plain.json'], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
});
