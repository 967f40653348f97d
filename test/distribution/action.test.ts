/**
 * The GitHub Action (action.yml + action/main.mjs). Its metadata: every input reaches the entry
 * point and is read there, every output is declared and mapped from the step guestops writes.
 * Then its step runs the way the runner runs a composite action's step: `bash -c` of its `run:`
 * with the `env:` of action.yml evaluated from the inputs (defaults included), GITHUB_ACTION_PATH,
 * GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP, in a repository made by `guestops init`,
 * against the Graph emulator. guestops comes from the packed npm tarball (`package` input), the
 * credentials from the GitHub OIDC exchange (stand-in) for the client id the inputs name.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { load } from 'js-yaml';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { withEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runnerFiles, workflowCommands, type RunnerFiles } from '../github/support/actions-runner.js';
import { startGithubApiStandIn, type GithubApiStandIn } from '../github/support/github-api-stand-in.js';
import { startIdentityStandIn, TLS_CERT_PATH, type IdentityStandIn } from '../github/support/identity-stand-in.js';
import { PLAN_COMMENT_MARKER } from '../../src/github/sticky-comment.js';
import { npmEnv, packRepository, run } from './support/npm.js';
import { graphAliasEnv } from '../helpers/graph-host-alias.js';

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Array<{ id?: string; uses?: string; shell?: string; env?: Record<string, string>; run?: string }> };
}

const action = load(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as ActionYml;
const entrySource = readFileSync(join(repoRoot, 'action', 'main.mjs'), 'utf8');
const step = action.runs.steps.find((s) => s.id === 'guestops')!;
const envName = (input: string): string => `INPUT_${input.toUpperCase().replace(/[- ]/g, '_')}`;

const TENANT = '0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9';
const PLAN_CLIENT = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const APPLY_CLIENT = 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e';
const REQUEST_TOKEN = 'runner-request-token';
const COMMENT_TOKEN = 'ghs_actionCommentToken000000000001';
const MARKER = 'extension_8c3f2a105b7e4d2c9a613e0f7b9d2c41_guestopsState';

test('metadata: a composite action whose one guestops step receives every input and sets every output', () => {
  assert.equal(action.runs.using, 'composite');
  assert.ok(step && step.shell === 'bash' && step.run === 'node "$GITHUB_ACTION_PATH/action/main.mjs"', 'runs the entry point');
  assert.equal(action.inputs['command']!.required, true);
  const inputs = Object.keys(action.inputs).sort();
  // Each input is passed as INPUT_<NAME>, and nothing else is.
  assert.deepEqual(Object.entries(step.env!).map(([k, v]) => [k, v]).sort(), inputs.map((i) => [envName(i), `\${{ inputs.${i} }}`]).sort());
  // The entry point reads each of them, and no input the metadata does not declare.
  const read = [...entrySource.matchAll(/\b(?:input|only)\('([a-z-]+)'/g)].map((m) => m[1]!);
  assert.deepEqual([...new Set(read)].sort(), inputs);
  for (const [name, o] of Object.entries(action.outputs)) {
    assert.equal(o.value, `\${{ steps.guestops.outputs.${name} }}`, `output ${name} comes from the guestops step`);
    assert.ok(o.description.length > 0, name);
  }
  // Any action the composite uses is pinned like the workflows' (full SHA, version comment).
  const text = readFileSync(join(repoRoot, 'action.yml'), 'utf8');
  for (const m of text.matchAll(/^\s*-?\s*uses:\s*(\S+)(.*)$/gm)) {
    assert.match(m[1]!, /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    assert.match(m[2]!, /^\s+# v\d+\.\d+\.\d+$/);
  }
});

// ---------------------------------------------------------------------------------------------

/** The Graph root the job names; requests to it reach the emulator. */
const GRAPH = 'https://graph.microsoft.com';

let tarball: string;
let workspace: string;
let jobTemp: string;
let emu: TestEmulator;
let api: GithubApiStandIn;
let planIdp: IdentityStandIn;
let applyIdp: IdentityStandIn;

before(async () => {
  tarball = (await packRepository()).tarball;
  // A guests repository as `guestops init` makes it, holding the demo guests.
  workspace = await mkdtemp(join(tmpdir(), 'guestops-action-ws-'));
  const init = await runCli(['init', workspace, '--repo', 'contoso/guests'], { cwd: workspace });
  assert.equal(init.code, 0, init.stderr);
  for (const f of await readdir(join(repoRoot, 'guests'))) await cp(join(repoRoot, 'guests', f), join(workspace, 'guests', f), { recursive: true });
  // One RUNNER_TEMP for the job: the action installs guestops once and reuses it in later steps.
  jobTemp = await mkdtemp(join(tmpdir(), 'guestops-action-job-'));
  emu = await withEmulator({ throttle: false });
  api = await startGithubApiStandIn({ tokens: { [COMMENT_TOKEN]: 'write' } });
  planIdp = await startIdentityStandIn({ tenantId: TENANT, clientId: PLAN_CLIENT, requestToken: REQUEST_TOKEN, accessToken: 'demo-plan', subject: 'repo:contoso/guests:pull_request' });
  applyIdp = await startIdentityStandIn({ tenantId: TENANT, clientId: APPLY_CLIENT, requestToken: REQUEST_TOKEN, accessToken: 'demo-apply', subject: 'repo:contoso/guests:environment:guestops-apply' });
});

after(async () => {
  await Promise.all([emu?.close(), api?.close(), planIdp?.close(), applyIdp?.close()]);
  for (const d of [tarball && dirname(tarball), workspace, jobTemp]) if (d) await rm(d, { recursive: true, force: true });
});

/** `${{ inputs.x }}` as the runner evaluates it: the given value, else the declared default. */
function evaluateInputs(given: Record<string, string>): Record<string, string> {
  for (const name of Object.keys(given)) assert.ok(name in action.inputs, `input ${name} is declared`);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(step.env!)) {
    const input = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(value)![1]!;
    const dflt = action.inputs[input]!.default ?? '';
    // The only expression among the defaults: the job's token.
    env[name] = given[input] ?? (dflt === '${{ github.token }}' ? COMMENT_TOKEN : dflt);
  }
  return env;
}

interface StepRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly runner: RunnerFiles;
}

async function runActionStep(given: Record<string, string>, job: { idp: IdentityStandIn | null; eventName: string; payload?: unknown; env?: Record<string, string> }): Promise<StepRun> {
  const runner = await runnerFiles({ workspace, eventName: job.eventName, payload: job.payload ?? {} });
  const env = npmEnv({
    ...runner.env,
    RUNNER_TEMP: jobTemp,
    GITHUB_ACTION_PATH: repoRoot,
    GITHUB_API_URL: api.url,
    // setup-node, the composite's first step, leaves this Node.js and its npm on PATH.
    PATH: `${dirname(process.execPath)}:${process.env['PATH']}`,
    ...(job.idp
      ? {
          ACTIONS_ID_TOKEN_REQUEST_URL: job.idp.idTokenRequestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
          AZURE_AUTHORITY_HOST: job.idp.origin,
          NODE_EXTRA_CA_CERTS: TLS_CERT_PATH,
          // Real credentials go only to Microsoft Graph: the job talks to graph.microsoft.com,
          // which this preload routes to the emulator below guestops (see graph-host-alias.ts).
          ...graphAliasEnv(GRAPH, emu.url),
        }
      : {}),
    ...job.env,
    ...evaluateInputs(given),
  });
  const r = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], workspace, env);
  return { ...r, runner };
}

test('validate, plan, apply and drift through the action, like a job runs them', async () => {
  const common = { 'marker-property': MARKER, 'graph-url': GRAPH, package: tarball, 'tenant-id': TENANT };
  const pr = { eventName: 'pull_request', payload: { number: 31, pull_request: { number: 31, head: { repo: { full_name: 'contoso/guests' } } } } };

  // validate: no identity at all.
  const v = await runActionStep({ command: 'validate', package: tarball }, { ...pr, idp: null });
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /guestops action \d+\.\d+\.\d+: guestops \d+\.\d+\.\d+ validate --dir guests/);
  assert.match(v.stdout, /5 files, 7 guests: valid/);
  assert.ok(existsSync(join(jobTemp, 'guestops-action')), 'installed into RUNNER_TEMP');

  // plan on a pull request: read-only identity through OIDC, outputs, summary, the comment.
  const p = await runActionStep({ ...common, command: 'plan', 'client-id': PLAN_CLIENT }, { ...pr, idp: planIdp });
  assert.equal(p.code, 0, p.stdout + p.stderr);
  assert.doesNotMatch(p.stdout, /::group::Install/, 'the install of the validate step is reused');
  const planOut = await p.runner.outputs();
  assert.equal(planOut['has-changes'], 'true');
  assert.equal(planOut['resets'], '2');
  assert.equal(planOut['blocked'], '0');
  assert.equal(JSON.parse(await readFile(planOut['plan-json']!, 'utf8')).summary.blocked, 0);
  assert.match(await p.runner.summary(), /### guestops plan/);
  assert.deepEqual(planIdp.exchanges.map((x) => [x.clientId, x.accepted]), [[PLAN_CLIENT, true]]);
  const comments = api.comments('contoso', 'guests', 31);
  assert.equal(comments.length, 1);
  assert.ok(comments[0]!.body.startsWith(PLAN_COMMENT_MARKER));

  // drift before apply: the tenant differs, the step fails with an error annotation.
  const d1 = await runActionStep({ ...common, command: 'drift', 'client-id': PLAN_CLIENT }, { eventName: 'schedule', idp: planIdp });
  assert.equal(d1.code, 1, d1.stdout + d1.stderr);
  assert.ok(workflowCommands(d1.stdout).some((c) => c.command === 'error' && c.properties['title'] === 'guestops drift'));
  assert.equal((await d1.runner.outputs())['has-changes'], 'true');

  // apply on main with the write identity; the report where the input says.
  const report = join(jobTemp, 'apply-report.json');
  const a = await runActionStep({ ...common, command: 'apply', 'client-id': APPLY_CLIENT, 'max-resets': '5', report }, { eventName: 'push', idp: applyIdp });
  assert.equal(a.code, 0, a.stdout + a.stderr);
  const applyOut = await a.runner.outputs();
  assert.deepEqual(
    { resets: applyOut['resets'], failed: applyOut['failed'], blocked: applyOut['blocked'], report: applyOut['report'] },
    { resets: '2', failed: '0', blocked: '0', report },
  );
  assert.ok(Number(applyOut['applied']) >= 2);
  assert.equal(JSON.parse(await readFile(report, 'utf8')).formatVersion, 1);
  assert.deepEqual(applyIdp.exchanges.map((x) => [x.clientId, x.accepted]), [[APPLY_CLIENT, true]]);
  const resets = (await emu.requests()).filter((q) => q.method === 'POST' && q.path.endsWith('/invitations'));
  assert.equal(resets.length, 2, 'the two planned resets, once each');

  // drift after apply: in sync, the step passes.
  const d2 = await runActionStep({ ...common, command: 'drift', 'client-id': PLAN_CLIENT }, { eventName: 'schedule', idp: planIdp });
  assert.equal(d2.code, 0, d2.stdout + d2.stderr);
  assert.equal((await d2.runner.outputs())['has-changes'], 'false');

  // status, as the drift workflow runs it after the drift step: where each guest stands in the
  // job summary, a warning at the line to change for each guest pending 14 days or more.
  // Judged on 20 October 2026 (GUESTOPS_NOW): Grace, invited on 1 October, has waited 19 days.
  const onDay = { GUESTOPS_NOW: '2026-10-20T18:00:00Z' };
  await emu.resetLog();
  const st = await runActionStep({ ...common, command: 'status', 'client-id': PLAN_CLIENT, 'pending-threshold': '14d' }, { eventName: 'schedule', idp: planIdp, env: onDay });
  assert.equal(st.code, 0, st.stdout + st.stderr);
  assert.match(st.stdout, /guestops \d+\.\d+\.\d+ status --dir guests --graph-url https:\/\/graph\.microsoft\.com --marker-property \S+ --warn-pending-over 14d/);
  const warnings = workflowCommands(st.stdout).filter((c) => c.command === 'warning');
  assert.deepEqual(warnings.map((w) => [w.properties['file'], w.properties['line'], w.properties['title'], w.message]), [[
    'guests/partners/fourthcoffee.yaml', '6', 'guestops: grace.kim@fourthcoffee.example pending acceptance for 19 days',
    'grace.kim@fourthcoffee.example has not redeemed the invitation since 2026-10-01. To re-send it: add generation: 1 at guests/partners/fourthcoffee.yaml:6 in a pull request, then apply.',
  ]]);
  const statusOut = await st.runner.outputs();
  assert.equal(statusOut['pending'], '1');
  const statusSummary = await st.runner.summary();
  assert.match(statusSummary, /### guestops status/);
  assert.match(statusSummary, /`grace\.kim@fourthcoffee\.example` pending 19 days: `guests\/partners\/fourthcoffee\.yaml:6` `add generation: 1`/);
  assert.match(statusSummary, /_1 guest pending acceptance for 14 days or more is flagged as warnings on its line\._/);
  assert.deepEqual((await emu.requests()).filter((q) => q.method !== 'GET' && !q.path.endsWith('/$batch')), [], 'status never writes');
  // A higher threshold: the same report, no warning.
  const quiet = await runActionStep({ ...common, command: 'status', 'client-id': PLAN_CLIENT, 'pending-threshold': '20d' }, { eventName: 'schedule', idp: planIdp, env: onDay });
  assert.equal(quiet.code, 0, quiet.stdout + quiet.stderr);
  assert.deepEqual(workflowCommands(quiet.stdout).filter((c) => c.command === 'warning'), []);
  assert.equal((await quiet.runner.outputs())['pending'], '0');
  assert.match(await quiet.runner.summary(), /grace\.kim@fourthcoffee\.example/);

  // Every output the action declares was written by one of the commands.
  const written = new Set([...Object.keys(planOut), ...Object.keys(applyOut), ...Object.keys(statusOut)]);
  assert.deepEqual(Object.keys(action.outputs).filter((o) => !written.has(o)), []);
});

test('a wrong input is one error annotation, before anything is installed or run', async () => {
  const bad = await runActionStep({ command: 'destroy', package: tarball }, { eventName: 'push', idp: null });
  assert.equal(bad.code, 1);
  assert.deepEqual(workflowCommands(bad.stdout).map((c) => [c.command, c.message]), [
    ['error', "input 'command' must be one of validate, plan, apply, drift, status, got 'destroy'"],
  ]);
  const misplaced = await runActionStep({ command: 'plan', report: 'r.json', package: tarball }, { eventName: 'push', idp: null });
  assert.equal(misplaced.code, 1);
  assert.match(misplaced.stdout, /^::error title=guestops action::input 'report' is for apply only, not 'plan'$/m);
  const threshold = await runActionStep({ command: 'status', 'pending-threshold': 'two weeks', package: tarball }, { eventName: 'schedule', idp: null });
  assert.equal(threshold.code, 1);
  assert.match(threshold.stdout, /^::error title=guestops action::input 'pending-threshold' must be a number of days such as 14d, got 'two weeks'$/m);
  const notForPlan = await runActionStep({ command: 'plan', 'pending-threshold': '14d', package: tarball }, { eventName: 'push', idp: null });
  assert.match(notForPlan.stdout, /^::error title=guestops action::input 'pending-threshold' is for status only, not 'plan'$/m);
});

// ---------------------------------------------------------------------------------------------
// This repository's plan.yml, its `plan` job step by step, as the runner would run it for a pull
// request: the two checkouts (materialised from a head tree and the base tree with the patterns
// and paths the workflow gives), the expressions of each `with:` and `if:`, and the base's own
// action running the base's package. Only the build step is not executed: `npm ci && npm pack`
// of the base is what `packRepository()` did for this file (the tarball is the package the step
// would output); setup-node is the Node.js running this test.

interface WorkflowStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | boolean>;
}

const HEAD_SHA = 'de' + 'ad'.repeat(19);
const BASE_SHA = 'ba5e' + '0'.repeat(36);

/** `${{ a.b.c }}` and `a == b` / `a != b` over a flat context of dotted names. */
function evaluate(expr: string, ctx: Record<string, string>): string {
  const value = (e: string): string => {
    const t = e.trim();
    if (/^'.*'$/.test(t)) return t.slice(1, -1);
    assert.ok(t in ctx, `the test's context knows ${t}`);
    return ctx[t]!;
  };
  const m = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(expr.trim());
  if (m) return String((value(m[1]!) === value(m[3]!)) === (m[2] === '=='));
  return value(expr);
}
function interpolate(text: string, ctx: Record<string, string>): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, e: string) => evaluate(e, ctx));
}

/** What a checkout leaves: everything of `tree` listed in `keep` (the tree's relevant part), or only the sparse patterns. */
async function checkout(tree: string, dest: string, keep: readonly string[], sparse: string | undefined): Promise<void> {
  const patterns = sparse ? sparse.trim().split('\n').map((p) => p.trim().replace(/^\/|\/$/g, '')) : keep;
  for (const p of patterns) if (existsSync(join(tree, p))) await cp(join(tree, p), join(dest, p), { recursive: true });
}

async function runPlanJob(headTree: string): Promise<{ stdout: string; runner: RunnerFiles; workspace: string }> {
  const wf = load(readFileSync(join(repoRoot, '.github', 'workflows', 'plan.yml'), 'utf8')) as { jobs: { plan: { steps: WorkflowStep[] } } };
  const ws = await mkdtemp(join(tmpdir(), 'guestops-planjob-'));
  const payload = { number: 52, pull_request: { number: 52, head: { sha: HEAD_SHA, repo: { full_name: 'contoso/guests' } }, base: { sha: BASE_SHA } } };
  const runner = await runnerFiles({ workspace: ws, eventName: 'pull_request', payload });
  const ctx: Record<string, string> = {
    'github.event.pull_request.head.sha': HEAD_SHA,
    'github.event.pull_request.base.sha': BASE_SHA,
    'github.event.pull_request.head.repo.full_name': 'contoso/guests',
    'github.repository': 'contoso/guests',
    'github.token': COMMENT_TOKEN,
    'vars.AZURE_TENANT_ID': TENANT,
    'vars.AZURE_PLAN_CLIENT_ID': PLAN_CLIENT,
    'vars.GUESTOPS_MARKER_PROPERTY': MARKER,
    'vars.GUESTOPS_MAX_RESETS': '',
  };
  let stdout = '';
  for (const s of wf.jobs.plan.steps) {
    if (s.if !== undefined && evaluate(s.if, ctx) !== 'true') continue;
    const w = Object.fromEntries(Object.entries(s.with ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)]));
    if (s.uses?.startsWith('actions/checkout@')) {
      const fromHead = w['ref'] === HEAD_SHA;
      assert.ok(fromHead || w['ref'] === BASE_SHA, `checkout of ${w['ref']}`);
      // The base tree is this repository; of it, what the later steps read.
      await checkout(fromHead ? headTree : repoRoot, join(ws, w['path'] ?? ''), ['action.yml', 'action', 'package.json', 'guests', 'guestops.policy.yaml'], w['sparse-checkout']);
    } else if (s.uses?.startsWith('actions/setup-node@')) {
      // Node.js 20+ is the one running this test.
    } else if (s.id === 'build') {
      ctx['steps.build.outputs.package'] = tarball;
    } else if (s.uses?.startsWith('./')) {
      const actionPath = join(ws, s.uses.slice(2));
      const meta = load(readFileSync(join(actionPath, 'action.yml'), 'utf8')) as ActionYml;
      const main = meta.runs.steps.find((x) => x.id === 'guestops')!;
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries(main.env!)) {
        const input = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(value)![1]!;
        assert.ok(Object.keys(w).every((k) => k in meta.inputs), 'only declared inputs');
        const dflt = meta.inputs[input]!.default ?? '';
        env[name] = w[input] ?? (dflt === '${{ github.token }}' ? COMMENT_TOKEN : dflt);
      }
      const r = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', main.run!], ws, npmEnv({
        ...runner.env,
        RUNNER_TEMP: jobTemp,
        GITHUB_ACTION_PATH: actionPath,
        GITHUB_API_URL: api.url,
        PATH: `${dirname(process.execPath)}:${process.env['PATH']}`,
        ACTIONS_ID_TOKEN_REQUEST_URL: planIdp.idTokenRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
        AZURE_AUTHORITY_HOST: planIdp.origin,
        NODE_EXTRA_CA_CERTS: TLS_CERT_PATH,
        ...graphAliasEnv(GRAPH, emu.url),
        ...env,
      }));
      assert.equal(r.code, 0, `${s.name}: ${r.stdout}${r.stderr}`);
      stdout += r.stdout;
    } else {
      assert.fail(`plan.yml step ${s.name ?? s.uses} is not known to this test`);
    }
  }
  return { stdout, runner, workspace: ws };
}

test("plan.yml's plan job: guestops from the base commit plans the head's guests/; the head's code is not even on disk", async () => {
  // The head: one more reset for Carol, and a change to the renderer that would drop her from the plan.
  const headTree = await mkdtemp(join(tmpdir(), 'guestops-head-'));
  await cp(join(repoRoot, 'guests'), join(headTree, 'guests'), { recursive: true });
  const woodgrove = join(headTree, 'guests', 'partners', 'woodgrove.yaml');
  await writeFile(woodgrove, (await readFile(woodgrove, 'utf8')).replace('    email: carol.diaz@woodgrove.example\n', '    email: carol.diaz@woodgrove.example\n    generation: 7\n'));
  await cp(join(repoRoot, 'src'), join(headTree, 'src'), { recursive: true });
  await writeFile(join(headTree, 'src', 'render', 'markdown.ts'), 'export function renderMarkdown(): string { return "No changes."; }\n');

  const job = await runPlanJob(headTree);
  assert.ok(!existsSync(join(job.workspace, 'src')), "the head's code is not checked out");
  assert.ok(existsSync(join(job.workspace, '.guestops-base', 'action.yml')), 'the base is');
  const outputs = await job.runner.outputs();
  assert.equal(outputs['has-changes'], 'true');
  assert.equal(outputs['resets'], '1');
  const summary = await job.runner.summary();
  assert.match(summary, /carol\.diaz@woodgrove\.example/, "the base's renderer shows Carol's reset");
  const comment = api.comments('contoso', 'guests', 52);
  assert.equal(comment.length, 1);
  assert.match(comment[0]!.body, new RegExp(`Plan for commit <code>${HEAD_SHA.slice(0, 12)}</code>`));
  assert.match(comment[0]!.body, /carol\.diaz@woodgrove\.example/);

  // A pull request that changes only code: nothing to plan, not one Graph request.
  const codeOnly = await mkdtemp(join(tmpdir(), 'guestops-head-'));
  await cp(join(repoRoot, 'guests'), join(codeOnly, 'guests'), { recursive: true });
  await cp(join(headTree, 'src'), join(codeOnly, 'src'), { recursive: true });
  await emu.resetLog();
  const quiet = await runPlanJob(codeOnly);
  assert.match(quiet.stdout, /Nothing to plan/);
  assert.equal((await quiet.runner.outputs())['has-changes'], 'false');
  assert.deepEqual(await emu.requests(), [], 'the tenant was not read');
});
