/**
 * `npm run bench`: plan at 10,000 / 50,000 / 100,000 guests on loopback (vs the per-guest
 * baseline up to --baseline-max) and under the emulator's latency model (partitioned listing vs
 * the sequential pager, same run), validation of 10,000 guests in 200 files, and apply of a
 * partner's domain migration (2,000 resets) under Graph's throttling, 1,000 such resets under the
 * same throttling plus a 1 s replication lag (issue 11), and the lifecycle observation cost (plan
 * with sponsors, status with and without sign-in activity) — all in this one process
 * run, each against the in-process emulator. Prints a table and writes bench/results.json.
 * Options (for the smoke test and for experiments):
 *   --sizes 10000,50000,100000   plan sizes
 *   --baseline-max N             run the per-guest baseline only up to N guests (default 10000)
 *   --latency SPEC               latency model run at every size (default graph; '' for none)
 *   --latency-alt SPEC@SIZES     a second setting at some sizes (default graph,scale=2@10000)
 *   --validate 10000/200         guests/files for the validation measurement
 *   --apply 2000/10000           resets / other managed guests in the apply tenant
 *   --lifecycle 10000            guests for the lifecycle observation cost (issue 16: plan with
 *                                sponsors, status with and without sign-in activity); '' skips it
 *   --apply-lagged 1000/10000    resets / other managed guests in the lagged apply tenant
 *   --lag 1000                   replication lag (ms) of the lagged apply; guestops' window is lag + 1 s
 *   --time-scale 0.5             throttling windows multiplied by this in the apply runs
 *   --repeat N                   runs of each loopback plan and validate; the median is reported (default 3)
 *   --out FILE                   results file (default bench/results.json)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureApply, measurePlan, measureValidate } from './phases.js';
import { measureLifecycle } from './lifecycle-phase.js';
import { setLatency } from './latency-control.js';
import { startEmulator } from '../src/emulator/index.js';
import { measureMemoryTouch } from './memory-touch.js';
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
      sizes: { type: 'string', default: '10000,50000,100000' },
      'baseline-max': { type: 'string', default: '10000' },
      latency: { type: 'string', default: 'graph' },
      'latency-alt': { type: 'string', default: 'graph,scale=2@10000' },
      validate: { type: 'string', default: '10000/200' },
      apply: { type: 'string', default: '2000/10000' },
      'apply-lagged': { type: 'string', default: '1000/10000' },
      lag: { type: 'string', default: '1000' },
      'time-scale': { type: 'string', default: '0.5' },
      repeat: { type: 'string', default: '3' },
      lifecycle: { type: 'string', default: '10000' },
      out: { type: 'string', default: join(repoRoot, 'bench', 'results.json') },
    },
  });
  const sizes = values.sizes!.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 10)) throw new Error(`--sizes must be integers >= 10, got ${values.sizes}`);
  const baselineMax = Number(values['baseline-max']);
  const timeScale = Number(values['time-scale']);
  if (!(timeScale > 0 && timeScale <= 1)) throw new Error(`--time-scale must be in (0, 1], got ${values['time-scale']}`);
  const mainSpec = values.latency!.trim();
  const [altSpec, altSizesRaw] = values['latency-alt']!.includes('@') ? values['latency-alt']!.split('@') as [string, string] : [values['latency-alt']!, ''];
  const altSizes = new Set(altSizesRaw.split(',').filter((x) => x.trim() !== '').map(Number));
  const latencyAt = (n: number): string[] => [...(mainSpec ? [mainSpec] : []), ...(altSpec.trim() && altSizes.has(n) ? [altSpec.trim()] : [])];
  // Every figure of each model, as the emulator parsed it (and refuses a bad spec before any run).
  const latencyModels: { spec: string; description: string }[] = [];
  {
    const probe = await startEmulator({ throttle: false });
    try {
      for (const spec of new Set(sizes.flatMap(latencyAt))) latencyModels.push({ spec, description: await setLatency(probe.url, spec) });
    } finally {
      await probe.close();
    }
  }
  const [validateGuests, validateFiles] = pair(values.validate!, 'validate');
  const [applyResets, applyTenant] = pair(values.apply!, 'apply');
  const [laggedResets, laggedTenant] = pair(values['apply-lagged']!, 'apply-lagged');
  const lagMs = Number(values.lag);
  if (!Number.isInteger(lagMs) || lagMs < 1) throw new Error(`--lag must be a positive number of ms, got ${values.lag}`);
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a positive integer, got ${values.repeat}`);
  const lifecycleGuests = values.lifecycle!.trim() === '' ? 0 : Number(values.lifecycle);
  if (!Number.isInteger(lifecycleGuests) || (lifecycleGuests !== 0 && lifecycleGuests < 10)) throw new Error(`--lifecycle must be an integer >= 10 or '', got ${values.lifecycle}`);
  const touch = measureMemoryTouch();
  const t0 = performance.now();
  const log = (s: string) => process.stderr.write(`bench [${((performance.now() - t0) / 1000).toFixed(1)} s] ${s}\n`);

  const plan: PlanResult[] = [];
  const planNotes: PlanNotes[] = [];
  for (const n of sizes) {
    log(`plan at ${n.toLocaleString('en-US')} guests${n <= baselineMax ? ' + per-guest baseline' : ''}${latencyAt(n).length ? ` + under latency ${latencyAt(n).join(' / ')}` : ''}`);
    const { result, notes } = await measurePlan(n, { baseline: n <= baselineMax, repeat, latency: latencyAt(n) });
    plan.push(result);
    planNotes.push(notes);
  }
  log(`validate ${validateGuests.toLocaleString('en-US')} guests in ${validateFiles} files`);
  const validate = await measureValidate(validateGuests, validateFiles, repeat);
  log(`apply: domain migration of ${applyResets.toLocaleString('en-US')} resets under throttling (windows x${timeScale})`);
  const { result: apply, notes: applyNotes } = await measureApply(applyResets, applyTenant, timeScale);
  // The window guestops is told: the lag plus a second (a real tenant keeps the 30 s default).
  const lag = { replicationLagMs: lagMs, changeTimeRule: 'on-state-change' as const, consistencyWindowSeconds: lagMs / 1000 + 1 };
  log(`apply: ${laggedResets.toLocaleString('en-US')} resets under throttling and a ${lagMs} ms replication lag (window ${lag.consistencyWindowSeconds} s)`);
  const { result: applyLagged, notes: laggedNotes } = await measureApply(laggedResets, laggedTenant, timeScale, lag);

  let lifecycle;
  if (lifecycleGuests > 0) {
    log(`lifecycle: plan with sponsors and status (with and without sign-in activity) at ${lifecycleGuests.toLocaleString('en-US')} guests`);
    lifecycle = await measureLifecycle(lifecycleGuests, repeat);
  }
  const results: BenchResults = { machine: machineInfo(), latencyModels, plan, validate, apply, applyLagged, ...(lifecycle ? { lifecycle } : {}) };
  const out = resolve(values.out!);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(renderReport(results, planNotes, applyNotes, laggedNotes, touch));
  log(`done; wrote ${out}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
