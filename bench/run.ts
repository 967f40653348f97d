/**
 * `npm run bench`: plan vs the per-guest baseline at 1,000 / 10,000 / 50,000 guests, validation
 * of 10,000 guests in 200 files, and apply of 1,000 resets under Graph's throttling — all in this
 * one process run, each against the in-process emulator. Prints a table and writes
 * bench/results.json. Options (for the smoke test and for experiments):
 *   --sizes 1000,10000,50000   plan sizes
 *   --baseline-max N           run the per-guest baseline only up to N guests (default: all sizes)
 *   --validate 10000/200       guests/files for the validation measurement
 *   --apply 1000/10000         resets / managed guests in the apply tenant
 *   --repeat N                 runs of each plan and validate measurement; the median is reported (default 3)
 *   --out FILE                 results file (default bench/results.json)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureApply, measurePlan, measureValidate } from './phases.js';
import { machineInfo, renderReport, type BenchResults, type PlanNotes, type PlanResult } from './results.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function pair(raw: string, name: string): [number, number] {
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  if (!m) throw new Error(`--${name} must be N/M, got ${raw}`);
  return [Number(m[1]), Number(m[2])];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000,10000,50000' },
      'baseline-max': { type: 'string' },
      validate: { type: 'string', default: '10000/200' },
      apply: { type: 'string', default: '1000/10000' },
      repeat: { type: 'string', default: '3' },
      out: { type: 'string', default: join(repoRoot, 'bench', 'results.json') },
    },
  });
  const sizes = values.sizes!.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 10)) throw new Error(`--sizes must be integers >= 10, got ${values.sizes}`);
  const baselineMax = values['baseline-max'] === undefined ? Infinity : Number(values['baseline-max']);
  const [validateGuests, validateFiles] = pair(values.validate!, 'validate');
  const [applyResets, applyTenant] = pair(values.apply!, 'apply');
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a positive integer, got ${values.repeat}`);
  const t0 = performance.now();
  const log = (s: string) => process.stderr.write(`bench [${((performance.now() - t0) / 1000).toFixed(1)} s] ${s}\n`);

  const plan: PlanResult[] = [];
  const planNotes: PlanNotes[] = [];
  for (const n of sizes) {
    log(`plan at ${n.toLocaleString('en-US')} guests${n <= baselineMax ? ' + per-guest baseline' : ''}`);
    const { result, notes } = await measurePlan(n, { baseline: n <= baselineMax, repeat });
    plan.push(result);
    planNotes.push(notes);
  }
  log(`validate ${validateGuests.toLocaleString('en-US')} guests in ${validateFiles} files`);
  const validate = await measureValidate(validateGuests, validateFiles, repeat);
  log(`apply ${applyResets.toLocaleString('en-US')} resets under throttling`);
  const { result: apply, notes: applyNotes } = await measureApply(applyResets, applyTenant);

  const results: BenchResults = { machine: machineInfo(), plan, validate, apply };
  const out = resolve(values.out!);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(renderReport(results, planNotes, applyNotes));
  log(`done; wrote ${out}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
