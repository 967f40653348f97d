/**
 * Security properties of .github/workflows that actionlint does not check: no
 * pull_request_target, actions pinned by commit, least-privilege permissions per job, OIDC only
 * where a Graph identity is used, a serialised apply in a protected environment, no stored secret.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { repoRoot } from '../helpers/paths.js';

type Json = Record<string, unknown>;
interface Step extends Json {
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job extends Json {
  permissions?: unknown;
  steps?: Step[];
  environment?: unknown;
  if?: string;
  uses?: string;
}
interface Workflow extends Json {
  on: Json;
  permissions?: unknown;
  concurrency?: Json;
  jobs: Record<string, Job>;
}

const dir = join(repoRoot, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
const workflows = new Map(files.map((f) => [f, load(text.get(f)!) as Workflow]));

function wf(name: string): Workflow {
  const w = workflows.get(name);
  assert.ok(w, `${name} exists`);
  return w;
}
function steps(w: Workflow): Step[] {
  return Object.values(w.jobs).flatMap((j) => j.steps ?? []);
}
function stepRunning(w: Workflow, pattern: RegExp): Step {
  const s = steps(w).find((x) => typeof x.run === 'string' && pattern.test(x.run));
  assert.ok(s, `a step runs ${pattern}`);
  return s;
}

test('the four workflows exist and parse', () => {
  assert.deepEqual(files, ['apply.yml', 'ci.yml', 'drift.yml', 'plan.yml']);
  for (const [name, w] of workflows) {
    assert.equal(typeof w.on, 'object', `${name}: 'on' is a mapping (not YAML 1.1 true)`);
    assert.ok(Object.keys(w.jobs).length > 0, name);
  }
});

test('no workflow uses pull_request_target or a stored secret', () => {
  for (const [name, w] of workflows) {
    assert.ok(!('pull_request_target' in w.on), name);
    const code = text.get(name)!.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
    assert.doesNotMatch(code, /pull_request_target/, `${name}: not anywhere outside comments`);
    assert.doesNotMatch(text.get(name)!, /\$\{\{\s*secrets\./, `${name}: OIDC only, no long-lived secret`);
  }
});

test('every third-party action is pinned to a full commit SHA with its version in a comment', () => {
  let count = 0;
  for (const [name, src] of text) {
    for (const line of src.split('\n')) {
      const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
      if (!m) continue;
      count++;
      const ref = m[1]!;
      if (ref.startsWith('./')) continue;
      assert.match(ref, /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/, `${name}: ${ref} pinned by SHA`);
      assert.match(m[2]!, /^\s+# v\d+\.\d+\.\d+$/, `${name}: ${ref} has a '# vX.Y.Z' comment`);
    }
  }
  assert.ok(count >= 12, `found ${count} uses: lines`);
  // The parsed view agrees with the line scan (no uses: hidden in a flow mapping).
  const parsed = [...workflows.values()].flatMap((w) => steps(w).map((s) => s.uses).filter((u): u is string => typeof u === 'string'));
  assert.equal(parsed.length, count);
  // One pin per action across workflows, so an update cannot leave a stale copy behind.
  const byAction = new Map<string, Set<string>>();
  for (const u of parsed) {
    const [action, sha] = u.split('@') as [string, string];
    byAction.set(action, (byAction.get(action) ?? new Set()).add(sha));
  }
  for (const [action, shas] of byAction) assert.equal(shas.size, 1, `${action} pinned to one commit everywhere`);
});

test('permissions: none at the top, an explicit least-privilege set per job', () => {
  const allowed: Record<string, Record<string, Record<string, string>>> = {
    'ci.yml': { test: { contents: 'read' }, audit: { contents: 'read' } },
    'plan.yml': { plan: { contents: 'read', 'id-token': 'write', 'pull-requests': 'write' } },
    'apply.yml': { plan: { contents: 'read', 'id-token': 'write' }, apply: { contents: 'read', 'id-token': 'write' } },
    'drift.yml': { drift: { contents: 'read', 'id-token': 'write' } },
  };
  for (const [name, w] of workflows) {
    assert.deepEqual(w.permissions, {}, `${name}: top-level permissions: {}`);
    assert.deepEqual(Object.keys(w.jobs).sort(), Object.keys(allowed[name]!).sort(), `${name}: jobs`);
    for (const [jobName, job] of Object.entries(w.jobs)) {
      assert.equal(typeof job.permissions, 'object', `${name}/${jobName} declares permissions`);
      assert.deepEqual(job.permissions, allowed[name]![jobName], `${name}/${jobName}`);
    }
  }
});

/** The guestops action steps of a job: this repository's own action, `uses: ./…`. */
function actionSteps(job: Job): Step[] {
  return (job.steps ?? []).filter((s) => typeof s.uses === 'string' && s.uses.startsWith('./'));
}

test('id-token: write only in jobs that use a Graph identity, and those pass the right client id', () => {
  for (const [name, w] of workflows) {
    for (const [jobName, job] of Object.entries(w.jobs)) {
      const oidc = (job.permissions as Json)['id-token'] === 'write';
      const identitySteps = actionSteps(job).filter((s) => s.with?.['client-id'] !== undefined);
      assert.equal(oidc, identitySteps.length > 0, `${name}/${jobName}: id-token exactly where a client id is used`);
      for (const s of identitySteps) {
        assert.equal(s.with!['tenant-id'], '${{ vars.AZURE_TENANT_ID }}', name);
        assert.equal(s.with!['marker-property'], '${{ vars.GUESTOPS_MARKER_PROPERTY }}', name);
        const write = s.with!['command'] === 'apply';
        assert.equal(s.with!['client-id'], write ? '${{ vars.AZURE_APPLY_CLIENT_ID }}' : '${{ vars.AZURE_PLAN_CLIENT_ID }}', `${name}: ${String(s.with!['command'])} uses the ${write ? 'write' : 'read-only'} identity`);
        if (write) assert.equal(job.environment, 'guestops-apply', `${name}: the write identity only in the protected environment`);
      }
    }
  }
});

test('this repository dogfoods its action: every guestops step is `uses: ./…` with a package built in the same job', () => {
  for (const name of ['plan.yml', 'apply.yml', 'drift.yml']) {
    const w = wf(name);
    const all = steps(w);
    assert.equal(all.filter((s) => /dist\/src\/cli\/main\.js/.test(s.run ?? '')).length, 0, `${name}: no direct CLI call`);
    const uses = Object.values(w.jobs).flatMap(actionSteps);
    assert.ok(uses.length > 0, `${name} uses the action`);
    for (const s of uses) assert.ok(typeof s.with?.['package'] === 'string', `${name}: the action runs the package built here, not a released one`);
  }
});

test('checkout never leaves the token in .git/config', () => {
  for (const [name, w] of workflows) {
    for (const s of steps(w).filter((x) => x.uses?.startsWith('actions/checkout@'))) {
      assert.equal(s.with?.['persist-credentials'], false, name);
    }
  }
});

test('ci runs npm ci and npm test on every push and pull request', () => {
  const w = wf('ci.yml');
  assert.ok('push' in w.on && 'pull_request' in w.on);
  assert.equal(w.on['push'], null, 'all branches');
  assert.equal(w.on['pull_request'], null, 'all pull requests');
  stepRunning(w, /^npm ci$/);
  stepRunning(w, /^npm test$/);
});

test('plan: every pull request; guestops built from the BASE commit, only guests/ and the policy read from the head; fork-safe', () => {
  const w = wf('plan.yml');
  assert.deepEqual(Object.keys(w.on), ['pull_request']);
  assert.equal(w.on['pull_request'], null, 'no paths filter: the check runs for every pull request, so it can be required');
  const all = steps(w);
  const checkouts = all.filter((s) => s.uses?.startsWith('actions/checkout@'));
  const head = checkouts.find((s) => s.with?.['ref'] === '${{ github.event.pull_request.head.sha }}');
  const base = checkouts.find((s) => s.with?.['ref'] === '${{ github.event.pull_request.base.sha }}');
  assert.ok(head && base, 'head and base checked out by commit');
  assert.deepEqual(String(head.with?.['sparse-checkout']).trim().split('\n'), ['/guests/', '/guestops.policy.yaml'], 'nothing but guests/ and the policy of the head');
  assert.equal(head.with?.['sparse-checkout-cone-mode'], false, 'exact patterns, not cones (cone mode adds every root file)');
  const baseDir = String(base.with?.['path']);
  const build = all.find((s) => s.id === 'build');
  assert.equal(build?.['working-directory'], baseDir, 'built from the base checkout');
  const plan = all.find((s) => s.with?.['command'] === 'plan');
  assert.ok(plan, 'a plan step');
  assert.equal(plan.uses, `./${baseDir}`, "the base's action runs the base's package");
  assert.equal(plan.with?.['base-dir'], `${baseDir}/guests`);
  assert.equal(plan.with?.['base-policy'], `${baseDir}/guestops.policy.yaml`);
  assert.equal(plan.with?.['skip-if-unchanged'], 'true', 'fast when nothing guestops reads changed');
  assert.equal(plan.with?.['github-token'], '${{ github.token }}', 'token for the sticky comment');
  // Forks get no OIDC token: the plan step is skipped for them; they get validation and a summary.
  assert.equal(plan.if, 'github.event.pull_request.head.repo.full_name == github.repository');
  const forkSteps = all.filter((s) => s.if === 'github.event.pull_request.head.repo.full_name != github.repository');
  assert.ok(forkSteps.some((s) => s.with?.['command'] === 'validate' && s.uses === `./${baseDir}`), 'forks are validated by the base too');
  assert.ok(forkSteps.some((s) => /GITHUB_STEP_SUMMARY/.test(s.run ?? '')), 'fork summary step');
});

test('apply: main only, one at a time, the plan published by a read-only job before the protected apply job applies exactly it', () => {
  const w = wf('apply.yml');
  assert.deepEqual(Object.keys(w.on).sort(), ['push', 'workflow_dispatch']);
  assert.deepEqual((w.on['push'] as Json)['branches'], ['main']);
  assert.deepEqual((w.on['push'] as Json)['paths'], ['guests/**', 'guestops.policy.yaml']);
  assert.ok(w.concurrency && typeof w.concurrency['group'] === 'string');
  assert.equal(w.concurrency['cancel-in-progress'], false);
  const { plan: planJob, apply: job } = w.jobs;
  assert.ok(planJob && job);
  assert.equal(planJob.environment, undefined, 'the plan is visible before anyone approves');
  assert.equal(job.environment, 'guestops-apply');
  assert.equal(planJob.if, "github.ref == 'refs/heads/main'", 'workflow_dispatch cannot apply another branch');
  assert.equal(job.if, "github.ref == 'refs/heads/main' && needs.plan.outputs.has-changes == 'true'");
  assert.equal(job.needs, 'plan');
  assert.equal((planJob['outputs'] as Json)['has-changes'], '${{ steps.plan.outputs.has-changes }}');
  // No development dependency runs next to the write identity: no npm in the apply job at all.
  assert.deepEqual((job.steps ?? []).filter((s) => /\bnpm\b/.test(s.run ?? '')), []);
  const plan = actionSteps(planJob).find((s) => s.with?.['command'] === 'plan');
  const apply = actionSteps(job).find((s) => s.with?.['command'] === 'apply');
  assert.ok(plan && apply);
  assert.equal(plan.id, 'plan');
  const handOff = (planJob.steps ?? []).find((s) => s.uses?.startsWith('actions/upload-artifact@'));
  const receive = (job.steps ?? []).find((s) => s.uses?.startsWith('actions/download-artifact@'));
  assert.ok(handOff && receive, 'plan and package handed from the plan job to the apply job');
  assert.equal(receive.with?.['name'], handOff.with?.['name']);
  assert.equal(receive.with?.['path'], handOff.with?.['path']);
  const handOffDir = String(handOff.with?.['path']);
  assert.ok(String(plan.with?.['plan-file']).startsWith(`${handOffDir}/`), 'the saved plan is handed over');
  assert.equal(apply.with?.['plan-file'], plan.with?.['plan-file'], 'apply runs --plan with the published plan');
  assert.ok(String(apply.with?.['package']).startsWith(`${handOffDir}/`), 'apply runs the package the plan job built');
  assert.equal(apply.with?.['github-token'], '${{ github.token }}', 'apply checks that its commit is the tip of main');
  assert.equal(apply.with?.['max-resets'], '${{ vars.GUESTOPS_MAX_RESETS }}');
  const report = String(apply.with?.['report']);
  const upload = (job.steps ?? []).find((s) => s.uses?.startsWith('actions/upload-artifact@') && s.if === 'always()');
  assert.ok(upload, 'report uploaded, also after a failed apply');
  assert.equal(upload.with?.['path'], report);
});

test('drift: scheduled and on demand, the action\'s drift command', () => {
  const w = wf('drift.yml');
  assert.deepEqual(Object.keys(w.on).sort(), ['schedule', 'workflow_dispatch']);
  assert.ok(Array.isArray(w.on['schedule']) && (w.on['schedule'] as Json[])[0]!['cron']);
  const drift = steps(w).find((s) => s.with?.['command'] === 'drift');
  assert.ok(drift && drift.uses === './', 'drift through the action');
  // Then the status report, also when the drift step failed (a drift is when it matters most),
  // with the read-only identity and the 14-day threshold for a pending invitation.
  const all = steps(w);
  const status = all.find((s) => s.with?.['command'] === 'status');
  assert.ok(status && status.uses === './', 'status through the action');
  assert.ok(all.indexOf(status) > all.indexOf(drift), 'after the drift step');
  assert.equal(status.if, '${{ !cancelled() }}');
  assert.equal(status.with?.['pending-threshold'], '14d');
  assert.equal(status.with?.['client-id'], '${{ vars.AZURE_PLAN_CLIENT_ID }}');
  assert.equal(status.with?.['package'], drift.with?.['package'], 'the same guestops as the drift step');
});
