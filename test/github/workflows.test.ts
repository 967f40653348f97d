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
  assert.ok(count >= 9, `found ${count} uses: lines`);
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
    'apply.yml': { build: { contents: 'read' }, apply: { contents: 'read', 'id-token': 'write' } },
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

test('id-token: write only in jobs that use a Graph identity, and those pass the right client id', () => {
  for (const [name, w] of workflows) {
    for (const job of Object.values(w.jobs)) {
      const oidc = (job.permissions as Json)['id-token'] === 'write';
      const identitySteps = (job.steps ?? []).filter((s) => s.env?.['AZURE_CLIENT_ID'] !== undefined);
      assert.equal(oidc, identitySteps.length > 0, `${name}: id-token exactly where AZURE_CLIENT_ID is used`);
      for (const s of identitySteps) {
        assert.equal(s.env!['AZURE_TENANT_ID'], '${{ vars.AZURE_TENANT_ID }}', name);
        assert.equal(s.env!['GUESTOPS_MARKER_PROPERTY'], '${{ vars.GUESTOPS_MARKER_PROPERTY }}', name);
        const expected = name === 'apply.yml' ? '${{ vars.AZURE_APPLY_CLIENT_ID }}' : '${{ vars.AZURE_PLAN_CLIENT_ID }}';
        assert.equal(s.env!['AZURE_CLIENT_ID'], expected, `${name} uses the ${name === 'apply.yml' ? 'write' : 'read-only'} identity`);
      }
    }
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

test('plan: pull requests on guests/ or schemas/, validate then plan, fork-safe', () => {
  const w = wf('plan.yml');
  assert.deepEqual(Object.keys(w.on), ['pull_request']);
  assert.deepEqual((w.on['pull_request'] as Json)['paths'], ['guests/**', 'schemas/**']);
  const all = steps(w);
  const validate = stepRunning(w, /main\.js validate\b/);
  const plan = stepRunning(w, /main\.js plan\b/);
  assert.ok(all.indexOf(validate) < all.indexOf(plan), 'validate first');
  assert.equal(validate.if, undefined, 'validation runs for forks too');
  // Forks get no OIDC token: the plan step is skipped for them, and a summary says why.
  assert.equal(plan.if, 'github.event.pull_request.head.repo.full_name == github.repository');
  const explain = all.find((s) => s.if === 'github.event.pull_request.head.repo.full_name != github.repository');
  assert.ok(explain && /GITHUB_STEP_SUMMARY/.test(explain.run ?? ''), 'fork summary step');
  assert.equal(plan.env?.['GITHUB_TOKEN'], '${{ github.token }}', 'token for the sticky comment');
  assert.doesNotMatch(plan.run!, /detailed-exitcode/, 'a PR with changes is not a failure');
});

test('apply: main only, one at a time without cancelling, in a protected environment, report uploaded', () => {
  const w = wf('apply.yml');
  assert.deepEqual(Object.keys(w.on).sort(), ['push', 'workflow_dispatch']);
  assert.deepEqual((w.on['push'] as Json)['branches'], ['main']);
  assert.deepEqual((w.on['push'] as Json)['paths'], ['guests/**']);
  assert.ok(w.concurrency && typeof w.concurrency['group'] === 'string');
  assert.equal(w.concurrency['cancel-in-progress'], false);
  const { build, apply: job } = w.jobs;
  assert.ok(build && job);
  assert.equal(job.environment, 'guestops-apply');
  for (const j of [build, job]) assert.equal(j.if, "github.ref == 'refs/heads/main'", 'workflow_dispatch cannot apply another branch');
  assert.equal(job.needs, 'build');
  // No development dependency runs next to the write identity: the build job compiles without a
  // token; the apply job installs runtime dependencies only, with no lifecycle scripts.
  const installs = (job.steps ?? []).filter((s) => /^npm (ci|install)\b/.test(s.run ?? ''));
  assert.deepEqual(installs.map((s) => s.run), ['npm ci --omit=dev --ignore-scripts']);
  const handOff = (build.steps ?? []).find((s) => s.uses?.startsWith('actions/upload-artifact@'));
  const receive = (job.steps ?? []).find((s) => s.uses?.startsWith('actions/download-artifact@'));
  assert.ok(handOff && receive, 'compiled CLI handed from build to apply');
  assert.equal(receive.with?.['name'], handOff.with?.['name']);
  assert.equal(receive.with?.['path'], handOff.with?.['path']);
  const apply = stepRunning(w, /main\.js apply\b/);
  assert.ok((job.steps ?? []).includes(apply));
  const report = /--report "([^"]+)"/.exec(apply.run!)?.[1];
  assert.ok(report, 'apply writes a report');
  const upload = (job.steps ?? []).find((s) => s.uses?.startsWith('actions/upload-artifact@') && s.if === 'always()');
  assert.ok(upload, 'report uploaded');
  assert.equal(upload.if, 'always()', 'also after a failed apply');
  assert.equal(upload.with?.['path'], report.replace('$RUNNER_TEMP', '${{ runner.temp }}'));
});

test('drift: scheduled and on demand, fails on drift via --detailed-exitcode', () => {
  const w = wf('drift.yml');
  assert.deepEqual(Object.keys(w.on).sort(), ['schedule', 'workflow_dispatch']);
  assert.ok(Array.isArray(w.on['schedule']) && (w.on['schedule'] as Json[])[0]!['cron']);
  const plan = stepRunning(w, /main\.js plan --detailed-exitcode/);
  assert.match(plan.run!, /exit "\$code"/, 'the exit code (2 on drift) is the step result');
});
