/**
 * The lifecycle observation cost (issue 16): at N guests whose files declare sponsors, what
 * `guestops plan` and `guestops status` cost in requests and wall time, against the in-process
 * emulator on loopback. Status runs twice: with an identity that may read sign-in activity
 * (AuditLog.Read.All, a P1 tenant) and with one that may not (the emulator answers 403 and status
 * says so once). Every run is checked before it is reported: the plan's summary against the
 * generator's, the status report's guest count and sign-in availability.
 *
 * The budget the issue sets: ceil(N/999) plus a few where Graph lets a list select the data, and
 * `$batch` (20 per request) where it does not. Sponsors are a relationship, not a property: a list
 * can only expand them, at most 100 users a page and 20 sponsors a user (observe-lifecycle.ts), so
 * their budget is the `$batch` one, ceil(N/20). Sign-in activity can be selected in the list, but
 * Graph serves such a list 120 users a page (user-list.md), so ceil(N/999) cannot hold for it:
 * its floor is ceil(T/120) for T guests in the tenant, which the result states next to the count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../src/emulator/index.js';
import { operations, requestLog, resetLog, topLevel, writes, type LoggedRequest } from './emulator-log.js';
import { writeGuestTree } from './guest-tree.js';
import { runGuestops, type ChildRun } from './run-child.js';
import { generateScenario, realisticMix } from './tenant-generator.js';
import { checkPlanOutput } from './phases.js';

export interface RequestBreakdown {
  /** Top-level requests of the median run. */
  readonly requests: number;
  /**
   * Requests outside `$batch` plus inner requests: what Graph's throttling counts, the same in
   * every run (the `$batch` envelopes can differ by one or two, early-lookups.ts).
   */
  readonly operations: number;
  /** Top-level `GET /users` pages (the guest list, its partitions, the sign-in list). */
  readonly listPages: number;
  readonly batches: number;
  readonly wallMs: number;
}

export interface LifecycleResult {
  readonly guests: number;
  /** Guests in the tenant (declared or not): what a guest list pages through. */
  readonly tenantGuests: number;
  readonly distinctSponsorRefs: number;
  /** Declared guests with more than 20 sponsors (read in full past the expansion). */
  readonly manySponsorGuests: number;
  readonly plan: RequestBreakdown;
  readonly statusWithSignIn: RequestBreakdown & { readonly signInPages: number };
  readonly statusWithoutSignIn: RequestBreakdown;
}

function breakdown(log: readonly LoggedRequest[], wallMs: number): RequestBreakdown {
  const top = topLevel(log);
  return {
    requests: top.length,
    operations: operations(log),
    listPages: top.filter((e) => e.method === 'GET' && /\/users$/.test(e.path)).length,
    batches: top.filter((e) => /\/\$batch$/.test(e.path)).length,
    wallMs,
  };
}

interface StatusJson {
  declared?: number;
  guests?: unknown[];
  signInActivity?: { available?: boolean };
}

function checkStatus(run: ChildRun, guests: number, signIn: boolean, what: string): void {
  let s: StatusJson;
  try {
    s = JSON.parse(run.stdout) as StatusJson;
  } catch {
    throw new Error(`${what}: guestops status exited ${run.code} without a JSON report:\n${run.stderr.slice(-2000)}`);
  }
  if (run.code !== 0 || s.declared !== guests || s.guests?.length !== guests || s.signInActivity?.available !== signIn) {
    throw new Error(`${what}: expected ${guests} guests, sign-in activity ${signIn ? 'available' : 'not available'}; got exit ${run.code}, ${s.guests?.length} guests, available ${String(s.signInActivity?.available)}\n${run.stderr.slice(-2000)}`);
  }
}

/** Median by wall time of `repeat` runs; every run is checked and must cost the same Graph operations. */
async function measured(emuUrl: string, repeat: number, what: string, once: () => Promise<ChildRun>, check: (r: ChildRun) => void): Promise<{ log: LoggedRequest[]; wallMs: number }> {
  const runs: { log: LoggedRequest[]; wallMs: number }[] = [];
  for (let i = 0; i < repeat; i++) {
    await resetLog(emuUrl);
    const run = await once();
    check(run);
    const log = await requestLog(emuUrl);
    const written = writes(log);
    if (written.length > 0) throw new Error(`${what} sent ${written.length} write(s), e.g. ${written[0]!.method} ${written[0]!.path}`);
    runs.push({ log, wallMs: run.wallMs });
  }
  const counts = runs.map((r) => operations(r.log));
  if (counts.some((c) => c !== counts[0])) throw new Error(`${what} made ${counts.join(' / ')} Graph operations in repeated runs`);
  return [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)]!;
}

export async function measureLifecycle(guests: number, repeat: number): Promise<LifecycleResult> {
  const scenario = generateScenario({ guests, mix: realisticMix(guests), lifecycle: true });
  const root = writeGuestTree(mkdtempSync(join(tmpdir(), `guestops-bench-lifecycle-${guests}-`)), scenario.files);
  const emu = await startEmulator({ seed: scenario.seed, throttle: false });
  const timeoutMs = 600_000;
  try {
    const cli = (args: string[], token: string) => runGuestops([...args, '--graph-url', emu.url, '--format', 'json'], { cwd: root, env: { GUESTOPS_TOKEN: token }, timeoutMs });
    const plan = await measured(emu.url, repeat, `plan with sponsors at ${guests} guests`, () => cli(['plan'], scenario.planToken), (r) => checkPlanOutput(r, scenario.expected, `plan with sponsors at ${guests} guests`));
    const withSignIn = await measured(emu.url, repeat, `status at ${guests} guests`, () => cli(['status'], scenario.statusToken), (r) => checkStatus(r, guests, true, `status at ${guests} guests`));
    const withoutSignIn = await measured(emu.url, repeat, `status without sign-in activity at ${guests} guests`, () => cli(['status'], scenario.planToken), (r) =>
      checkStatus(r, guests, false, `status without sign-in activity at ${guests} guests`),
    );
    const refs = new Set<string>();
    for (const f of scenario.files) for (const m of f.text.matchAll(/sponsors: \[([^\]]*)\]/g)) for (const ref of m[1]!.split(',')) refs.add(ref.trim().toLowerCase());
    const signInPages = topLevel(withSignIn.log).filter((e) => e.method === 'GET' && /\/users$/.test(e.path) && /signInActivity/.test(decodeURIComponent(e.query ?? ''))).length;
    return {
      guests,
      tenantGuests: scenario.seed.users.filter((u) => u.userType === 'Guest').length,
      distinctSponsorRefs: refs.size,
      manySponsorGuests: scenario.files.reduce((n, f) => n + (f.text.match(/^ {4}sponsors: /gm)?.length ?? 0), 0),
      plan: breakdown(plan.log, plan.wallMs),
      statusWithSignIn: { ...breakdown(withSignIn.log, withSignIn.wallMs), signInPages },
      statusWithoutSignIn: breakdown(withoutSignIn.log, withoutSignIn.wallMs),
    };
  } finally {
    await emu.close();
    rmSync(root, { recursive: true, force: true });
  }
}
