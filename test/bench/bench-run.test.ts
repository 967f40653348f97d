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
import { MIGRATING_PARTNER, generateScenario, realisticMix, resetOnlyMix } from '../../bench/tenant-generator.js';
import { applyLowerBoundMs } from '../../bench/apply-budget.js';
import { UPN_FIRST_CHARACTERS } from '../../src/graph/guest-partitions.js';

const benchEntry = join(repoRoot, 'dist', 'bench', 'run.js');

function runBench(args: string[]): Promise<CliResult> {
  return runNode(benchEntry, args, { timeoutMs: 400_000 });
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

const TINY_LATENCY = 'off,read=2,list=4+0.01,batch=3+0.5,write=2,jitter=0.2,seed=5';

test('the bench runs end to end at a tiny size and writes results.json in the issue 6 / 15 shape', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'guestops-bench-test-'));
  try {
    const out = join(dir, 'results.json');
    const r = await runBench([
      '--sizes', '120,300', '--baseline-max', '1000', '--latency', TINY_LATENCY, '--latency-alt', `${TINY_LATENCY},scale=2@300`,
      '--validate', '300/6', '--apply', '40/300', '--apply-lagged', '30/200', '--lag', '300', '--time-scale', '0.2', '--repeat', '2',
      '--lifecycle', '600', '--out', out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(results).sort(), ['apply', 'applyLagged', 'latencyModels', 'lifecycle', 'machine', 'plan', 'validate']);
    const models = results['latencyModels'] as { spec: string; description: string }[];
    assert.deepEqual(models.map((m) => m.spec), [TINY_LATENCY, `${TINY_LATENCY},scale=2`]);
    assert.match(models[1]!.description, /list page 4 ms \+ 0\.01 ms\/user.*scale 2, seed 5/);

    const machine = results['machine'] as Record<string, unknown>;
    assert.equal(typeof machine['cpu'], 'string');
    assert.ok(isNum(machine['cores']) && machine['cores'] >= 1);
    assert.ok(isNum(machine['memoryGb']) && machine['memoryGb'] > 0);
    assert.equal(machine['node'], process.version);

    const plan = results['plan'] as Record<string, unknown>[];
    assert.deepEqual(plan.map((p) => p['guests']), [120, 300]);
    for (const p of plan) {
      assert.deepEqual(Object.keys(p).sort(), ['baselineRequests', 'baselineWallMs', 'cpuMs', 'floorWallMs', 'guests', 'latency', 'peakRssMb', 'requests', 'requestsMax', 'requestsMin', 'wallMs']);
      assert.ok((p['requestsMin'] as number) <= (p['requests'] as number) && (p['requests'] as number) <= (p['requestsMax'] as number), JSON.stringify(p));
      for (const k of Object.keys(p)) if (k !== 'latency') assert.ok(isNum(p[k]) && (p[k] as number) > 0, `plan.${k} = ${String(p[k])}`);
      // Under latency: the sequential pager costs what the default loopback run cost (a small
      // guests/ is read sequentially); the partitioned listing one request per first character
      // plus the $count check, instead of the one list page.
      const runs = p['latency'] as Record<string, unknown>[];
      assert.deepEqual(runs.map((l) => l['spec']), p['guests'] === 300 ? [TINY_LATENCY, `${TINY_LATENCY},scale=2`] : [TINY_LATENCY]);
      for (const l of runs) {
        assert.equal(l['sequentialRequests'], p['requests']);
        assert.equal(l['partitionedRequests'], (p['requests'] as number) - 1 + UPN_FIRST_CHARACTERS.length + 1);
        assert.ok(isNum(l['partitionedWallMs']) && isNum(l['sequentialWallMs']));
      }
      // Counted by the emulator: /me, extension discovery, one list page, one $batch holding both
      // the lookups of the guests outside the guest list and the reads of the extensionAttributes
      // of the declared guests the directory extension shows unmarked (the mix's adoptions, fewer
      // than 20 inner requests in all here), and the role assignments of an app-only caller. The
      // unmarked user the lookups found (the mix's declared member) costs nothing more: its
      // lookup brought its extensionAttributes.
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
    assert.deepEqual(Object.keys(apply).sort(), ['duplicated', 'elapsedMs', 'failed', 'lowerBoundMs', 'resets', 'throttled', 'timeScale', 'writesPerReset']);
    assert.equal(apply['resets'], 40);
    assert.equal(apply['failed'], 0);
    assert.equal(apply['duplicated'], 0);
    assert.equal(apply['timeScale'], 0.2);
    assert.equal(apply['lowerBoundMs'], applyLowerBoundMs(40, 0.2));
    // Profile + intent, then the final marker: two accepted PATCHes per reset.
    assert.equal(apply['writesPerReset'], 2);
    assert.ok(isNum(apply['elapsedMs']) && isNum(apply['throttled']));

    // Issue 16: the lifecycle observation, counted by the emulator. 600 guests in 12 files (2
    // sponsors each, one by UPN, one by id) and one guest with 25 sponsors of its own.
    const life = results['lifecycle'] as Record<string, unknown> & Record<'plan' | 'statusWithSignIn' | 'statusWithoutSignIn', Record<string, number>>;
    assert.deepEqual(Object.keys(life).sort(), ['distinctSponsorRefs', 'guests', 'manySponsorGuests', 'plan', 'statusWithSignIn', 'statusWithoutSignIn', 'tenantGuests']);
    assert.equal(life['guests'], 600);
    assert.equal(life['manySponsorGuests'], 1);
    const tenantGuests = life['tenantGuests'] as number;
    const refs = life['distinctSponsorRefs'] as number;
    assert.ok(refs > 20, `more than one look-up batch of references (${refs})`);
    // /me, extension discovery, the role assignments; the guest list with sponsors expanded (100 a
    // page); one $batch for the declared users outside it, one for the guest showing 20 sponsors
    // (read in full), one per 20 sponsor references.
    assert.deepEqual(life.plan['listPages'], Math.ceil(tenantGuests / 100));
    // And, the directory extension being in use, one per 300 guests the list shows unmarked, to look
    // for markers in extensionAttributeN (the marker-elsewhere check): at most ceil(600 / 300) here.
    const lifecycleBatches = 1 + 1 + Math.ceil(refs / 20);
    const batches = life.plan['batches']!;
    assert.ok(batches >= lifecycleBatches && batches <= lifecycleBatches + 2, `${batches} $batch requests, ${lifecycleBatches} for the lifecycle reads`);
    assert.equal(life.plan['requests'], 3 + life.plan['listPages']! + life.plan['batches']!);
    // status: the same observation, plus the sign-in list (120 a page) — or one refused request.
    assert.equal(life.statusWithSignIn['signInPages'], Math.ceil(tenantGuests / 120));
    assert.equal(life.statusWithSignIn['requests'], life.plan['requests']! + Math.ceil(tenantGuests / 120));
    assert.equal(life.statusWithoutSignIn['requests'], life.plan['requests']! + 1);
    assert.equal(life.statusWithoutSignIn['operations'], life.plan['operations']! + 1);
    assert.ok(life.plan['operations']! > life.plan['requests']!, 'inner requests count as operations');
    for (const run of [life.plan, life.statusWithSignIn, life.statusWithoutSignIn]) assert.ok(isNum(run['wallMs']) && run['wallMs'] > 0);
    assert.match(r.stdout, /lifecycle observation \(issue 16\): 600 declared guests/);
    assert.match(r.stdout, /\| status, without AuditLog\.Read\.All \|/);
    assert.match(r.stdout, /\[ok  \] plan 600 with sponsors: <= ceil\(N\/20\) = 30 requests/);

    // The same migration under a replication lag: the lag was really served (stale reads), every
    // guest reset exactly once, none failed, and the row says which lag and window it ran with.
    const lagged = results['applyLagged'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(lagged).sort(), [
      'changeTimeRule', 'consistencyWindowSeconds', 'duplicated', 'elapsedMs', 'failed', 'lowerBoundMs', 'replicationLagMs', 'resets', 'staleReads', 'throttled', 'timeScale', 'writesPerReset',
    ]);
    assert.equal(lagged['resets'], 30);
    assert.equal(lagged['failed'], 0);
    assert.equal(lagged['duplicated'], 0);
    assert.equal(lagged['replicationLagMs'], 300);
    assert.equal(lagged['consistencyWindowSeconds'], 1.3);
    assert.equal(lagged['changeTimeRule'], 'on-state-change');
    assert.ok(isNum(lagged['staleReads']) && lagged['staleReads'] > 0, `stale reads: ${String(lagged['staleReads'])}`);
    assert.equal(lagged['lowerBoundMs'], applyLowerBoundMs(30, 0.2));
    assert.equal(lagged['writesPerReset'], 2);
    assert.ok(isNum(lagged['elapsedMs']));
    assert.match(r.stdout, /apply under replication lag: 30 resets/);
    assert.match(r.stdout, /\| 30 +\| +0\.30 s \|/, 'the lagged row: resets and lag');

    assert.match(r.stdout, /Goals \(issues 6, 11, 15 and 16\)/);
    assert.match(r.stdout, /re-plan clean/);
    assert.match(r.stdout, /\*\* the same guests\/ and tenant with nothing of guestops \(bench\/floor-child\.ts\)/);
    assert.match(r.stdout, /^Memory touched for the first time: \d+\.\d\d ms per MiB \(\d+\.\d µs per 4 KiB page fault\), \d+\.\d\d ms per MiB written again/m);
    // Each plan row: its page faults and the floor's, both counted by the processes themselves.
    assert.match(r.stdout, /\| page faults \(floor\) \|/);
    assert.match(r.stdout, /^\| 120 +\|.*\| +[\d,]+ \([\d,]+\) \|/m);
    assert.match(r.stdout, /latency MODEL \(assumed figures, not a measurement of Graph\)/);
    assert.match(r.stdout, /minimum cost: +invitations 150\/5 s/);
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
  // The lifecycle data comes from its own PRNG: the same guests, plus sponsors; 1 % of the
  // unchanged guests miss a sponsor in the tenant (a sponsor update instead of unchanged).
  const life = generateScenario({ guests: 500, mix: realisticMix(500), lifecycle: true });
  assert.deepEqual(life.files.map((f) => f.text.replace(/^ +sponsors: .*\n/gm, '').replace(/^defaults:\n(?=guests:)/m, '')), a.files.map((f) => f.text));
  const { sponsorUpdates, ...rest } = life.expected;
  assert.ok(sponsorUpdates !== undefined && sponsorUpdates > 0);
  assert.deepEqual({ ...rest, unchanged: rest.unchanged + sponsorUpdates }, a.expected);
  assert.equal(life.seed.entraIdP1, true);
  const resets = generateScenario({ guests: 200, mix: resetOnlyMix(31) });
  assert.deepEqual(resets.expected, { resets: 31, profileUpdates: 15, adoptions: 0, blocked: 0, unchanged: 169 });
  // A partner's domain migration: its guests in one file, every one declared at the new domain.
  const migration = generateScenario({ guests: 100, mix: resetOnlyMix(0), partnerMigration: 60 });
  assert.deepEqual(migration.expected, { resets: 60, profileUpdates: 60, adoptions: 0, blocked: 0, unchanged: 100 });
  const partner = migration.files.find((f) => f.path === MIGRATING_PARTNER.file)!;
  assert.equal(partner.text.match(/^ {4}email: /gm)?.length, 60);
  assert.equal(partner.text.match(new RegExp(`email: [^\\n]*@${MIGRATING_PARTNER.newDomain.replace(/\./g, '\\.')}$`, 'gm'))?.length, 60);
  const oldMails = migration.seed.users.filter((u) => String(u['mail']).endsWith(`@${MIGRATING_PARTNER.oldDomain}`));
  assert.equal(oldMails.length, 60);
});
