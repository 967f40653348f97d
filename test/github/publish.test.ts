/**
 * publishPlan / publishApply run in a child process with the files and variables a runner
 * provides, against a local GitHub REST stand-in: job summary, outputs, annotations on YAML
 * lines, the sticky comment (create, then update in place), and fork pull requests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runNode } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { runnerFiles, workflowCommands, type RunnerFiles } from './support/actions-runner.js';
import { startGithubApiStandIn, type GithubApiStandIn } from './support/github-api-stand-in.js';
import { planWithChanges, planWithoutChanges } from './support/plans.js';
import { PLAN_COMMENT_MARKER } from '../../src/github/sticky-comment.js';

const driver = join(repoRoot, 'dist', 'test', 'github', 'support', 'publish-driver.js');
const WRITE_TOKEN = 'ghs_writeTokenForTheStandIn0001';
const READ_TOKEN = 'ghs_readOnlyForkToken000000002';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

async function publish(runner: RunnerFiles, input: object, extraEnv: Record<string, string | undefined> = {}): Promise<Run> {
  const inputPath = join(runner.dir, `input-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(inputPath, JSON.stringify(input));
  return runNode(driver, [inputPath], { env: { ...runner.env, ...extraEnv } });
}

function prPayload(number: number, headRepo = 'contoso/guests'): object {
  return { action: 'synchronize', number, pull_request: { number, head: { repo: { full_name: headRepo } } } };
}

async function withStandIn(fn: (api: GithubApiStandIn) => Promise<void>): Promise<void> {
  const api = await startGithubApiStandIn({ tokens: { [WRITE_TOKEN]: 'write', [READ_TOKEN]: 'read' } });
  try {
    await fn(api);
  } finally {
    await api.close();
  }
}

test('a pull-request plan goes to the summary, the outputs, annotations on the YAML lines and one new comment', async () => {
  await withStandIn(async (api) => {
    const runner = await runnerFiles({ workspace: repoRoot, payload: prPayload(7) });
    const markdown = '## guestops plan\n\n1 reset, 1 blocked\n';
    const r = await publish(runner, { kind: 'plan', plan: planWithChanges, markdown }, { GITHUB_TOKEN: WRITE_TOKEN, GITHUB_API_URL: api.url });
    assert.equal(r.code, 0, r.stderr);

    assert.equal(await runner.summary(), markdown);

    const outputs = await runner.outputs();
    assert.equal(outputs['has-changes'], 'true');
    assert.equal(outputs['resets'], '1');
    assert.equal(outputs['blocked'], '1');
    const planJson = outputs['plan-json']!;
    assert.ok(planJson.startsWith(runner.env['RUNNER_TEMP']!), `plan-json ${planJson} should be under RUNNER_TEMP`);
    assert.deepEqual(JSON.parse(await readFile(planJson, 'utf8')), planWithChanges);

    const commands = workflowCommands(r.stdout);
    const notice = commands.find((c) => c.command === 'notice');
    assert.ok(notice, r.stdout);
    assert.equal(notice.properties['file'], 'guests/fabrikam.yaml');
    assert.equal(notice.properties['line'], '13');
    assert.match(notice.message, /reset redemption \(email-changed\).*john\.doe@northwind\.example/);
    assert.match(notice.message, /mail john\.doe@fabrikam\.example → john\.doe@northwind\.example/);
    const error = commands.find((c) => c.command === 'error');
    assert.ok(error, r.stdout);
    assert.equal(error.properties['file'], 'guests/partners/tailspin.yaml');
    assert.equal(error.properties['line'], '7');
    assert.match(error.properties['title']!, /role-holder-app-only/);
    assert.match(r.stdout, /^::notice title=[^,:]*,file=guests\/fabrikam\.yaml,line=13::/m);

    const comments = api.comments('contoso', 'guests', 7);
    assert.equal(comments.length, 1);
    assert.ok(comments[0]!.body.startsWith(`${PLAN_COMMENT_MARKER}\n## guestops plan`), comments[0]!.body);
    assert.match(comments[0]!.body, /https:\/\/github\.example\/contoso\/guests\/actions\/runs\/4242/);
    assert.deepEqual(
      api.requests.map((q) => q.method),
      ['GET', 'POST'],
    );
    assert.ok(api.requests.every((q) => q.authorized));

    // The token is registered as a secret and appears nowhere else in the step's output.
    const tokenLines = r.stdout.split('\n').filter((l) => l.includes(WRITE_TOKEN));
    assert.deepEqual(tokenLines, [`::add-mask::${WRITE_TOKEN}`]);
    assert.ok(!r.stderr.includes(WRITE_TOKEN));
  });
});

test('the next push updates the same comment in place, even when it sits on a later page', async () => {
  await withStandIn(async (api) => {
    // 150 human comments first: the plan comment lands on page 2 of 100.
    for (let i = 0; i < 150; i++) api.addComment('contoso', 'guests', 8, `review note ${i}`, { login: 'alice', type: 'User' });
    const runner = await runnerFiles({ workspace: repoRoot, payload: prPayload(8) });
    const env = { GITHUB_TOKEN: WRITE_TOKEN, GITHUB_API_URL: api.url };
    const first = await publish(runner, { kind: 'plan', plan: planWithChanges, markdown: 'first plan\n' }, env);
    assert.equal(first.code, 0, first.stderr);
    const created = api.comments('contoso', 'guests', 8).filter((c) => c.body.includes(PLAN_COMMENT_MARKER));
    assert.equal(created.length, 1);
    const id = created[0]!.id;

    api.requests.length = 0;
    const second = await publish(runner, { kind: 'plan', plan: planWithoutChanges, markdown: 'second plan\n' }, env);
    assert.equal(second.code, 0, second.stderr);
    const after = api.comments('contoso', 'guests', 8);
    assert.equal(after.length, 151, 'no new comment');
    const planComments = after.filter((c) => c.body.includes(PLAN_COMMENT_MARKER));
    assert.equal(planComments.length, 1);
    assert.equal(planComments[0]!.id, id);
    assert.match(planComments[0]!.body, /second plan/);
    assert.doesNotMatch(planComments[0]!.body, /first plan/);
    assert.deepEqual(
      api.requests.map((q) => `${q.method} ${q.path.replace(/\?.*/, '')}`),
      [
        'GET /repos/contoso/guests/issues/8/comments',
        'GET /repos/contoso/guests/issues/8/comments',
        `PATCH /repos/contoso/guests/issues/comments/${id}`,
      ],
    );
    assert.match(second.stdout, new RegExp(`plan comment updated on pull request #8`));
  });
});

test('a marker planted in a human comment is not taken over', async () => {
  await withStandIn(async (api) => {
    const planted = api.addComment('contoso', 'guests', 9, `${PLAN_COMMENT_MARKER}\nall good, merge it`, { login: 'mallory', type: 'User' });
    const runner = await runnerFiles({ workspace: repoRoot, payload: prPayload(9) });
    const r = await publish(runner, { kind: 'plan', plan: planWithChanges, markdown: 'real plan\n' }, { GITHUB_TOKEN: WRITE_TOKEN, GITHUB_API_URL: api.url });
    assert.equal(r.code, 0, r.stderr);
    const comments = api.comments('contoso', 'guests', 9);
    assert.equal(comments.length, 2);
    assert.equal(comments.find((c) => c.id === planted.id)!.body, `${PLAN_COMMENT_MARKER}\nall good, merge it`);
    assert.match(comments.find((c) => c.id !== planted.id)!.body, /real plan/);
  });
});

test('a marker planted by another bot (any GitHub App) is not taken over either: only github-actions[bot]', async () => {
  await withStandIn(async (api) => {
    const planted = api.addComment('contoso', 'guests', 12, `${PLAN_COMMENT_MARKER}\nNo changes.`, { login: 'helpful-app[bot]', type: 'Bot' });
    const runner = await runnerFiles({ workspace: repoRoot, payload: prPayload(12) });
    const r = await publish(runner, { kind: 'plan', plan: planWithChanges, markdown: 'real plan\n' }, { GITHUB_TOKEN: WRITE_TOKEN, GITHUB_API_URL: api.url });
    assert.equal(r.code, 0, r.stderr);
    const comments = api.comments('contoso', 'guests', 12);
    assert.equal(comments.length, 2);
    assert.equal(comments.find((c) => c.id === planted.id)!.body, `${PLAN_COMMENT_MARKER}\nNo changes.`);
    const ours = comments.find((c) => c.id !== planted.id)!;
    assert.equal(ours.user.login, 'github-actions[bot]');
    assert.match(ours.body, /real plan/);
    // The next run updates its own comment, still not the planted one.
    const again = await publish(runner, { kind: 'plan', plan: planWithChanges, markdown: 'second plan\n' }, { GITHUB_TOKEN: WRITE_TOKEN, GITHUB_API_URL: api.url });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(api.comments('contoso', 'guests', 12).length, 2);
    assert.match(api.comments('contoso', 'guests', 12).find((c) => c.id === ours.id)!.body, /second plan/);
  });
});

test('a fork pull request with a read-only token: summary and outputs, a warning, exit 0, no comment', async () => {
  await withStandIn(async (api) => {
    const runner = await runnerFiles({ workspace: repoRoot, payload: prPayload(10, 'stranger/guests') });
    const r = await publish(runner, { kind: 'plan', plan: planWithChanges, markdown: 'fork plan\n' }, { GITHUB_TOKEN: READ_TOKEN, GITHUB_API_URL: api.url });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await runner.summary(), 'fork plan\n');
    assert.equal((await runner.outputs())['has-changes'], 'true');
    const warning = workflowCommands(r.stdout).find((c) => c.command === 'warning');
    assert.ok(warning, r.stdout);
    assert.match(warning.message, /no plan comment: the token of a pull request from a fork is read-only.*HTTP 403/);
    assert.equal(api.comments('contoso', 'guests', 10).length, 0);
  });
});

test('a pull request without any token: a warning naming GITHUB_TOKEN, exit 0, no API call', async () => {
  await withStandIn(async (api) => {
    const runner = await runnerFiles({ workspace: repoRoot, payload: prPayload(11, 'stranger/guests') });
    const r = await publish(runner, { kind: 'plan', plan: planWithChanges, markdown: 'plan\n' }, { GITHUB_API_URL: api.url });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await runner.summary(), 'plan\n');
    const warning = workflowCommands(r.stdout).find((c) => c.command === 'warning');
    assert.ok(warning, r.stdout);
    assert.match(warning.message, /GITHUB_TOKEN is not set/);
    assert.equal(api.requests.length, 0);
  });
});

test('an unreachable GitHub API is a warning, not a failed plan', async () => {
  const runner = await runnerFiles({ workspace: repoRoot, payload: prPayload(12) });
  // Port 9 (discard) on 127.0.0.1: nothing listens, the connection is refused at once.
  const r = await publish(runner, { kind: 'plan', plan: planWithChanges, markdown: 'plan\n' }, { GITHUB_TOKEN: WRITE_TOKEN, GITHUB_API_URL: 'http://127.0.0.1:9' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^::warning::guestops: no plan comment: GitHub API call failed/m);
});

test('no changes, a push event and --out: has-changes=false, plan-json is the given file, no annotation, no comment', async () => {
  await withStandIn(async (api) => {
    const runner = await runnerFiles({ workspace: repoRoot, eventName: 'push', payload: { ref: 'refs/heads/main' } });
    const out = join(runner.dir, 'my-plan.json');
    const r = await publish(runner, { kind: 'plan', plan: planWithoutChanges, markdown: 'nothing to do\n', planJsonPath: out }, { GITHUB_TOKEN: WRITE_TOKEN, GITHUB_API_URL: api.url });
    assert.equal(r.code, 0, r.stderr);
    const outputs = await runner.outputs();
    assert.deepEqual(
      { hasChanges: outputs['has-changes'], resets: outputs['resets'], planJson: outputs['plan-json'] },
      { hasChanges: 'false', resets: '0', planJson: out },
    );
    assert.deepEqual(workflowCommands(r.stdout).filter((c) => ['notice', 'warning', 'error'].includes(c.command)), []);
    assert.equal(api.requests.length, 0);
  });
});

test('annotations are re-rooted on GITHUB_WORKSPACE when the step runs in a sub-folder', async () => {
  const runner = await runnerFiles({ workspace: join(repoRoot, '..'), eventName: 'push' });
  const r = await publish(runner, { kind: 'plan', plan: planWithChanges, markdown: 'x\n' });
  assert.equal(r.code, 0, r.stderr);
  const notice = workflowCommands(r.stdout).find((c) => c.command === 'notice');
  assert.equal(notice?.properties['file'], `${repoRoot.split('/').pop()}/guests/fabrikam.yaml`);
});

test('publishApply writes the summary and sets the outputs and the report path', async () => {
  const runner = await runnerFiles({ workspace: repoRoot, eventName: 'push' });
  const reportPath = join(runner.dir, 'apply-report.json');
  const r = await publish(runner, { kind: 'apply', markdown: '## applied\n3 resets\n', outputs: { resets: '3', failed: '0' }, reportPath });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await runner.summary(), '## applied\n3 resets\n');
  assert.deepEqual(await runner.outputs(), { resets: '3', failed: '0', report: reportPath });
  assert.ok(!existsSync(reportPath), 'publishApply reports the path; the apply command writes the file');
});
