/**
 * The shape of bench/results.json (issue 6) and the table printed from it. Goals are printed next
 * to the measured values; nothing here adjusts a measurement.
 */
import { cpus, totalmem, release } from 'node:os';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly os: string;
}

export interface PlanResult {
  readonly guests: number;
  /** Top-level Graph requests guestops plan made (emulator log; a $batch counts once). */
  readonly requests: number;
  /** Requests the per-guest script made for the same guests. */
  readonly baselineRequests: number;
  /** Spawn to exit of `guestops plan` (node start-up included). */
  readonly wallMs: number;
  readonly baselineWallMs: number;
  /** User + system CPU of the guestops process. */
  readonly cpuMs: number;
  readonly peakRssMb: number;
}

export interface ValidateResult {
  readonly guests: number;
  readonly files: number;
  readonly wallMs: number;
}

export interface ApplyResult {
  readonly resets: number;
  readonly elapsedMs: number;
  readonly lowerBoundMs: number;
  /** 429 answers the emulator's throttling gave during the apply. */
  readonly throttled: number;
  /** Guests the apply report lists as failed. */
  readonly failed: number;
  /** Users that received more than one accepted reset. */
  readonly duplicated: number;
}

export interface BenchResults {
  readonly machine: MachineInfo;
  readonly plan: PlanResult[];
  readonly validate: ValidateResult;
  readonly apply: ApplyResult;
}

/** Extra observations printed in the table but kept out of results.json (its shape is fixed). */
export interface PlanNotes {
  readonly guests: number;
  /** CPU the in-process emulator spent answering plan (this process, during the child's run). */
  readonly emulatorCpuMs: number;
  readonly files: number;
}

export interface ApplyNotes {
  readonly naiveLowerBoundMs: number;
  readonly invitationPosts: number;
  /** PATCH /users (profile + intent, final marker). */
  readonly writes: number;
  readonly totalRequests: number;
  readonly converged: boolean;
}

/** Least time `requests` one-RU reads take through an 8,000 RU / 10 s bucket that starts full. */
export function budgetFloorMs(requests: number, perTenSeconds = 8_000): number {
  return (Math.max(0, requests - perTenSeconds) * 10_000) / perTenSeconds;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: (list[0]?.model ?? 'unknown').trim(),
    cores: list.length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${process.platform} ${release()} ${process.arch}`,
  };
}

const r0 = (n: number) => Math.round(n);
const fmt = (n: number) => r0(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mark = (ok: boolean) => (ok ? 'ok  ' : 'MISS');

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

/** The goals of issue 6, evaluated against a result set. */
export function goalChecks(r: BenchResults): { goal: string; measured: string; ok: boolean }[] {
  const out: { goal: string; measured: string; ok: boolean }[] = [];
  const p10 = r.plan.find((p) => p.guests === 10_000);
  const p50 = r.plan.find((p) => p.guests === 50_000);
  if (p10) {
    out.push({ goal: 'plan 10k: <= 15 Graph requests', measured: String(p10.requests), ok: p10.requests <= 15 });
    out.push({ goal: 'plan 10k: < 2 s wall', measured: secs(p10.wallMs), ok: p10.wallMs < 2000 });
    out.push({ goal: 'plan 10k: peak RSS < 200 MB', measured: `${p10.peakRssMb.toFixed(0)} MB`, ok: p10.peakRssMb < 200 });
    const ratio = p10.baselineRequests / p10.requests;
    out.push({ goal: 'plan 10k: >= 500x fewer requests than baseline', measured: `${ratio.toFixed(0)}x`, ok: ratio >= 500 });
  }
  if (p10 && p50) {
    const ratio = p50.wallMs / p10.wallMs;
    out.push({ goal: 'plan 50k: <= 6x the 10k wall time', measured: `${ratio.toFixed(2)}x`, ok: ratio <= 6 });
  }
  const a = r.apply;
  out.push({ goal: `apply ${fmt(a.resets)} resets: <= 1.2x lower bound`, measured: `${(a.elapsedMs / a.lowerBoundMs).toFixed(2)}x`, ok: a.elapsedMs <= 1.2 * a.lowerBoundMs });
  out.push({ goal: 'apply: 0 failed, 0 duplicated', measured: `${a.failed} failed, ${a.duplicated} duplicated`, ok: a.failed === 0 && a.duplicated === 0 });
  out.push({ goal: `validate ${fmt(r.validate.guests)} guests / ${r.validate.files} files: < 1 s`, measured: secs(r.validate.wallMs), ok: r.validate.wallMs < 1000 });
  return out;
}

export function renderReport(r: BenchResults, planNotes: readonly PlanNotes[], applyNotes: ApplyNotes): string {
  const m = r.machine;
  const parts: string[] = [];
  parts.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ${m.os}`);
  parts.push('');
  parts.push('plan (guestops CLI as a child process, median of runs) vs a per-guest script (2 GETs per guest, 8 in flight, own process); emulator on loopback, throttling off');
  parts.push(
    table(
      ['guests', 'files', 'requests', 'baseline req', 'fewer', 'plan wall', 'plan CPU', 'peak RSS', 'emulator CPU', 'baseline wall', 'baseline floor*'],
      r.plan.map((p) => {
        const n = planNotes.find((x) => x.guests === p.guests);
        return [
          fmt(p.guests),
          fmt(n?.files ?? 0),
          fmt(p.requests),
          fmt(p.baselineRequests),
          `${(p.baselineRequests / Math.max(1, p.requests)).toFixed(0)}x`,
          secs(p.wallMs),
          secs(p.cpuMs),
          `${p.peakRssMb.toFixed(0)} MB`,
          n ? secs(n.emulatorCpuMs) : '-',
          secs(p.baselineWallMs),
          secs(budgetFloorMs(p.baselineRequests)),
        ];
      }),
    ),
  );
  parts.push('* least time the per-guest script needs under Graph\'s 8,000 resource units per 10 s (1 RU per GET), from a full bucket;');
  parts.push(`  guestops' plan spends one RU per request (${r.plan.map((p) => fmt(p.requests)).join(' / ')}), never near the budget.`);
  parts.push('');
  parts.push(`validate: ${fmt(r.validate.guests)} guests in ${r.validate.files} files: ${secs(r.validate.wallMs)} (guestops validate, child process, median of runs)`);
  parts.push('');
  const a = r.apply;
  parts.push('apply under throttling (8,000 RU/10 s, 3,000 writes/150 s, invitations 150/5 s)');
  parts.push(
    table(
      ['resets', 'elapsed', 'lower bound', 'ratio', 'naive bound', '429s', 'failed', 'duplicated', 'POST /invitations', 'PATCH /users', 'requests', 're-plan clean'],
      [[
        fmt(a.resets), secs(a.elapsedMs), secs(a.lowerBoundMs), `${(a.elapsedMs / a.lowerBoundMs).toFixed(2)}x`, secs(applyNotes.naiveLowerBoundMs),
        fmt(a.throttled), fmt(a.failed), fmt(a.duplicated), fmt(applyNotes.invitationPosts), fmt(applyNotes.writes), fmt(applyNotes.totalRequests),
        applyNotes.converged ? 'yes' : 'NO',
      ]],
    ),
  );
  parts.push('');
  parts.push('Goals (issue 6)');
  for (const g of goalChecks(r)) parts.push(`  [${mark(g.ok)}] ${g.goal}: ${g.measured}`);
  return parts.join('\n') + '\n';
}
