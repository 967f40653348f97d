/**
 * The three measurements of `npm run bench`, each against an in-process emulator seeded with a
 * generated tenant: plan vs the per-guest baseline, validate, and apply under throttling. Every
 * phase checks that guestops computed what the generator expects before reporting a time, so a
 * fast wrong answer can never pass as a result.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../src/emulator/index.js';
import { APPLY_BUDGET, applyLowerBoundMs, boundTerms, naiveLowerBoundMs } from './apply-budget.js';
import { operations, requestLog, resetLog, type LoggedRequest, resetsPerUser, throttled, topLevel, writes } from './emulator-log.js';
import { writeGuestTree } from './guest-tree.js';
import type { BaselineResult } from './per-guest-baseline.js';
import type { ApplyNotes, ApplyResult, LatencyRun, PlanNotes, PlanResult, ValidateResult } from './results.js';
import { runGuestops, runMeasured, type ChildRun } from './run-child.js';
import { generateScenario, realisticMix, resetOnlyMix, type ExpectedSummary } from './tenant-generator.js';
import { setLatency } from './latency-control.js';
import { USER_FIELDS } from '../src/graph/observe.js';

const baselineEntry = join(dirname(fileURLToPath(import.meta.url)), 'baseline-child.js');
const floorEntry = join(dirname(fileURLToPath(import.meta.url)), 'floor-child.js');

function scratch(name: string): string {
  return mkdtempSync(join(tmpdir(), `guestops-bench-${name}-`));
}

interface PlanJson {
  summary?: Record<string, number>;
}

/** Parses `plan --format json` and insists on the expected summary. */
export function checkPlanOutput(run: ChildRun, expected: ExpectedSummary, what: string): void {
  const expectedCode = expected.blocked > 0 ? 1 : 0;
  let plan: PlanJson;
  try {
    plan = JSON.parse(run.stdout) as PlanJson;
  } catch {
    throw new Error(`${what}: guestops plan exited ${run.code} without a JSON plan:\n${run.stderr.slice(-2000)}`);
  }
  const s = plan.summary ?? {};
  const wrong = (Object.keys(expected) as (keyof ExpectedSummary)[]).filter((k) => s[k] !== expected[k]);
  if (wrong.length > 0 || run.code !== expectedCode) {
    throw new Error(
      `${what}: guestops plan disagrees with the generated scenario (exit ${run.code}, expected ${expectedCode}): ` +
        wrong.map((k) => `${k} ${s[k]} ≠ ${expected[k]}`).join(', ') + `\n${run.stderr.slice(-2000)}`,
    );
  }
}

/**
 * `guestops plan` once under a latency model, with the given guest listing; checked like every
 * other run. Wall time is spawn to exit, as on loopback.
 */
async function planUnderLatency(emuUrl: string, root: string, scenario: ReturnType<typeof generateScenario>, listing: 'partitioned' | 'sequential'): Promise<{ wallMs: number; requests: number }> {
  await resetLog(emuUrl);
  const run = await runGuestops(['plan', '--graph-url', emuUrl, '--format', 'json'], {
    cwd: root,
    env: { GUESTOPS_TOKEN: scenario.planToken, GUESTOPS_GUEST_LISTING: listing },
    timeoutMs: 600_000,
  });
  checkPlanOutput(run, scenario.expected, `plan (${listing}) at ${scenario.guests} guests under latency`);
  return { wallMs: run.wallMs, requests: topLevel(await requestLog(emuUrl)).length };
}

export async function measurePlan(
  guests: number,
  options: { baseline: boolean; repeat: number; latency: readonly string[] },
): Promise<{ result: PlanResult; notes: PlanNotes }> {
  const scenario = generateScenario({ guests, mix: realisticMix(guests) });
  const root = writeGuestTree(scratch(`plan-${guests}`), scenario.files);
  const emu = await startEmulator({ seed: scenario.seed, throttle: false });
  try {
    // Each plan runs `repeat` times and the median (by wall time) is reported: the machine may be
    // shared, and one run can land on someone else's burst. Every run is checked, and every run
    // must cost the same Graph operations (requests outside $batch plus inner requests, which is
    // what throttling counts). The $batch envelopes may differ by a few: the partitioned listing
    // sends queued lookups as its partitions finish, in whatever order they do (early-lookups.ts).
    const runs: { run: ChildRun; emulatorCpuMs: number; requests: number; operations: number }[] = [];
    for (let i = 0; i < options.repeat; i++) {
      await resetLog(emu.url);
      // This process does nothing but serve the emulator while the child runs: its CPU is the emulator's.
      const cpu0 = process.cpuUsage();
      const run = await runGuestops(['plan', '--graph-url', emu.url, '--format', 'json'], { cwd: root, env: { GUESTOPS_TOKEN: scenario.planToken } });
      const cpu = process.cpuUsage(cpu0);
      checkPlanOutput(run, scenario.expected, `plan at ${guests} guests`);
      const log = await requestLog(emu.url);
      const written = writes(log);
      if (written.length > 0) throw new Error(`plan at ${guests} guests sent ${written.length} write(s), e.g. ${written[0]!.method} ${written[0]!.path}`);
      runs.push({ run, emulatorCpuMs: (cpu.user + cpu.system) / 1000, requests: topLevel(log).length, operations: operations(log) });
    }
    if (runs.some((r) => r.operations !== runs[0]!.operations)) {
      throw new Error(`plan at ${guests} guests made ${runs.map((r) => r.operations).join(' / ')} Graph operations in repeated runs`);
    }
    const median = [...runs].sort((a, b) => a.run.wallMs - b.run.wallMs)[Math.floor(runs.length / 2)]!;
    const { run, requests } = median;
    const requestCounts = runs.map((r) => r.requests);

    const floor = await measureFloor(emu.url, root, scenario, options.repeat);

    let baselineRequests = NaN;
    let baselineWallMs = NaN;
    if (options.baseline) {
      await resetLog(emu.url);
      const identities = join(root, 'identities.json');
      writeFileSync(identities, JSON.stringify(scenario.declared));
      const child = await runMeasured(baselineEntry, [emu.url, identities, scenario.markerProperty], {
        cwd: root,
        env: { BENCH_TOKEN: scenario.planToken },
        timeoutMs: 600_000,
      });
      if (child.code !== 0) throw new Error(`baseline at ${guests} guests failed (exit ${child.code}):\n${child.stderr.slice(-2000)}`);
      const base = JSON.parse(child.stdout) as BaselineResult;
      const expectedMissing = realisticMix(guests).blockedNotFound;
      if (base.notFound !== expectedMissing) throw new Error(`baseline at ${guests}: ${base.notFound} users not found, expected ${expectedMissing}`);
      baselineRequests = topLevel(await requestLog(emu.url)).length;
      baselineWallMs = child.wallMs; // spawn to exit, like the plan figure
      await resetLog(emu.url);
    }

    // The same tenant behind a latency model: the partitioned listing and the sequential pager,
    // one after the other in this run, for each setting asked for at this size.
    const latency: LatencyRun[] = [];
    for (const spec of options.latency) {
      await setLatency(emu.url, spec);
      const partitioned = await planUnderLatency(emu.url, root, scenario, 'partitioned');
      const sequential = await planUnderLatency(emu.url, root, scenario, 'sequential');
      latency.push({ spec, partitionedWallMs: partitioned.wallMs, partitionedRequests: partitioned.requests, sequentialWallMs: sequential.wallMs, sequentialRequests: sequential.requests });
      await setLatency(emu.url, undefined);
    }
    return {
      result: { guests, requests, requestsMin: Math.min(...requestCounts), requestsMax: Math.max(...requestCounts), baselineRequests, wallMs: run.wallMs, floorWallMs: floor.wallMs, baselineWallMs, cpuMs: run.cpuMs, peakRssMb: run.peakRssMb, latency },
      notes: { guests, emulatorCpuMs: median.emulatorCpuMs, files: scenario.files.length, pageFaults: run.pageFaults, floorPageFaults: floor.pageFaults },
    };
  } finally {
    await emu.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The floor of the same plan (floor-child.ts): `repeat` runs, the median by wall (spawn to exit,
 * like guestops' own figure). Each run must have parsed every declared guest and listed every
 * guest user of the tenant, so a floor that skipped work can never pass as one.
 */
async function measureFloor(emuUrl: string, root: string, scenario: ReturnType<typeof generateScenario>, repeat: number): Promise<ChildRun> {
  const guestUsers = scenario.seed.users.filter((u) => u['userType'] === 'Guest').length;
  const select = [...USER_FIELDS, scenario.markerProperty].join(',');
  const runs: ChildRun[] = [];
  for (let i = 0; i < repeat; i++) {
    const child = await runMeasured(floorEntry, [emuUrl, join(root, 'guests'), select], { cwd: root, env: { BENCH_TOKEN: scenario.planToken } });
    if (child.code !== 0) throw new Error(`floor at ${scenario.guests} guests failed (exit ${child.code}):\n${child.stderr.slice(-2000)}`);
    const counted = JSON.parse(child.stdout) as { guests: number; users: number };
    if (counted.guests !== scenario.guests || counted.users !== guestUsers) {
      throw new Error(`floor at ${scenario.guests} guests parsed ${counted.guests} guests and listed ${counted.users} users, expected ${scenario.guests} and ${guestUsers}`);
    }
    runs.push(child);
  }
  return runs.sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)]!;
}

export async function measureValidate(guests: number, files: number, repeat: number): Promise<ValidateResult> {
  const scenario = generateScenario({ guests, mix: realisticMix(guests), guestsPerFile: Math.ceil(guests / files) });
  const root = writeGuestTree(scratch(`validate-${guests}`), scenario.files);
  try {
    const walls: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const run = await runGuestops(['validate', '--dir', 'guests'], { cwd: root, env: {} });
      const m = /(\d+) files?, (\d+) guests?: valid/.exec(run.stdout);
      if (run.code !== 0 || !m || Number(m[1]) !== scenario.files.length || Number(m[2]) !== guests) {
        throw new Error(`validate: expected "${scenario.files.length} files, ${guests} guests: valid", got exit ${run.code}: ${run.stdout}${run.stderr.slice(-2000)}`);
      }
      walls.push(run.wallMs);
    }
    // Median of the runs, as for plan.
    return { guests, files: scenario.files.length, wallMs: walls.sort((a, b) => a - b)[Math.floor(walls.length / 2)]! };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Replication lag for the lagged apply run, and the consistency window guestops is given for it. */
export interface ApplyLag {
  readonly replicationLagMs: number;
  readonly changeTimeRule: 'always' | 'on-state-change';
  readonly consistencyWindowSeconds: number;
}

/** Stale answers the emulator gave so far (`GET /_emulator/state`): proof the lag was exercised. */
async function emulatorStaleReads(url: string): Promise<number> {
  const r = await fetch(`${url}/_emulator/state`);
  if (!r.ok) throw new Error(`emulator state: HTTP ${r.status}`);
  return ((await r.json()) as { staleReads: number }).staleReads;
}

interface ApplyReportJson {
  summary?: { failed?: number; resets?: number; blocked?: number };
}

/**
 * A partner renamed its email domain: `guestops apply` of `resets` redemption resets of that
 * partner's guests (each also a profile update) in a tenant of `tenantGuests` more managed guests,
 * with the emulator enforcing Graph's documented budgets time-scaled by `timeScale` (and
 * guestops' invitation pacer told the same scaled rate). Afterwards a fresh plan must show no
 * change left, and the log must hold exactly one accepted reset per guest. With `lag`, the
 * emulator also hides every write from readers for that long and guestops is given the matching
 * consistency window; the stale reads the emulator served are counted (proof the lag was met).
 */
export async function measureApply(resets: number, tenantGuests: number, timeScale: number, lag?: ApplyLag): Promise<{ result: ApplyResult; notes: ApplyNotes }> {
  const scenario = generateScenario({ guests: tenantGuests, mix: resetOnlyMix(0), partnerMigration: resets, guestsPerFile: 50 });
  const root = writeGuestTree(scratch(`apply-${resets}`), scenario.files);
  const emu = await startEmulator({
    seed: scenario.seed,
    throttle: { ...APPLY_BUDGET, timeScale },
    ...(lag ? { replicationLagMs: lag.replicationLagMs, changeTimeRule: lag.changeTimeRule } : {}),
  });
  try {
    await resetLog(emu.url);
    const reportPath = join(root, 'report.json');
    const run = await runGuestops(['apply', '--graph-url', emu.url, '--max-resets', String(resets), '--report', reportPath], {
      cwd: root,
      env: {
        GUESTOPS_TOKEN: scenario.applyToken,
        GUESTOPS_RUN_ID: lag ? 'bench-apply-lagged' : 'bench-apply',
        GUESTOPS_INVITATION_RATE: `${APPLY_BUDGET.invitationsPer5s}/${5_000 * timeScale}ms`,
        // Without lag the emulator is strongly consistent: no window to wait out.
        GUESTOPS_CONSISTENCY_WINDOW_SECONDS: String(lag ? lag.consistencyWindowSeconds : 0),
      },
      timeoutMs: 600_000,
    });
    // Read before the re-plan below adds its own (stale or not) reads.
    const staleReads = lag ? await emulatorStaleReads(emu.url) : 0;
    let report: ApplyReportJson;
    try {
      report = JSON.parse(readFileSync(reportPath, 'utf8')) as ApplyReportJson;
    } catch {
      throw new Error(`apply exited ${run.code} without a report:\n${run.stderr.slice(-3000)}`);
    }
    const log = await requestLog(emu.url);
    // Where the time went, on the emulator's clock from guestops' first request.
    const at = (e: LoggedRequest | undefined) => (e && log[0] ? (Date.parse(e.time) - Date.parse(log[0].time)) / 1000 : NaN);
    const resetPosts = log.filter((e) => e.method === 'POST' && /\/invitations$/i.test(e.path));
    const timeline = {
      firstWriteS: at(log.find((e) => e.method === 'PATCH' && /\/users\//i.test(e.path))),
      firstResetS: at(resetPosts[0]),
      lastResetS: at(resetPosts.at(-1)),
      lastRequestS: at(log.at(-1)),
    };
    const perUser = resetsPerUser(log);
    const duplicated = [...perUser.values()].filter((n) => n > 1).length;
    const failed = report.summary?.failed ?? NaN;
    if (perUser.size !== resets - (Number.isNaN(failed) ? 0 : failed)) {
      process.stderr.write(`bench: warning: ${perUser.size} guests were reset, ${resets} planned (${failed} failed)\n`);
    }
    const ok = (e: { status: number }) => e.status >= 200 && e.status < 300;
    const invitationPosts = log.filter((e) => e.method === 'POST' && /\/invitations$/i.test(e.path)).length;
    // Writes to users only: the apply lock's own requests (a few per run) are not per-reset costs.
    const userPatch = (e: { method: string; path: string }) => e.method === 'PATCH' && /\/users\//i.test(e.path);
    const patches = log.filter(userPatch).length;
    const acceptedPatches = log.filter((e) => userPatch(e) && ok(e)).length;
    const reads = log.filter((e) => e.method === 'GET' && e.batch === undefined).length;
    const writesPerReset = acceptedPatches / Math.max(1, perUser.size);
    const guestopsCost = { invitations: 1, writes: Math.ceil(writesPerReset), resourceUnits: Math.ceil(writesPerReset) + 1 };
    const notesBase = {
      naiveLowerBoundMs: naiveLowerBoundMs(resets, timeScale),
      invitationPosts,
      writes: patches,
      totalRequests: topLevel(log).length,
      reads,
      boundTerms: boundTerms(resets, undefined, timeScale),
      guestopsTerms: boundTerms(resets, guestopsCost, timeScale),
      // If Graph also counted POST /invitations as an identity write (it documents the invitation
      // manager's limit separately; the emulator does not count it), and if the final marker write
      // were dropped for a reset that moved Accepted → PendingAcceptance.
      ifInvitationIsWrite: boundTerms(resets, { ...guestopsCost, writes: guestopsCost.writes + 1 }, timeScale),
      timeline,
      ifInvitationIsWriteNoFinal: boundTerms(resets, { ...guestopsCost, writes: guestopsCost.writes }, timeScale),
    };

    // Level-triggered check: after apply, plan must find nothing left to do — once the replicas
    // caught up (a plan inside the lag would see the old values of the last writes).
    if (lag) await new Promise((r) => setTimeout(r, lag.replicationLagMs + 200));
    const again = await runGuestops(['plan', '--graph-url', emu.url, '--format', 'json'], { cwd: root, env: { GUESTOPS_TOKEN: scenario.planToken } });
    let converged = false;
    try {
      checkPlanOutput(again, { resets: 0, profileUpdates: 0, adoptions: 0, blocked: 0, unchanged: scenario.guests }, 'plan after apply');
      converged = true;
    } catch (e) {
      process.stderr.write(`bench: ${(e as Error).message}\n`);
    }
    return {
      result: {
        resets,
        elapsedMs: run.wallMs,
        lowerBoundMs: applyLowerBoundMs(resets, timeScale),
        throttled: throttled(log),
        failed,
        duplicated,
        timeScale,
        writesPerReset,
        ...(lag ? { replicationLagMs: lag.replicationLagMs, changeTimeRule: lag.changeTimeRule, consistencyWindowSeconds: lag.consistencyWindowSeconds, staleReads } : {}),
      },
      notes: { ...notesBase, converged },
    };
  } finally {
    await emu.close();
    rmSync(root, { recursive: true, force: true });
  }
}
