/**
 * "The plan a reviewer reads is the plan that runs", driven as a workflow step runs guestops
 * (the runner's files and variables, GITHUB_ACTIONS=true) against the emulator and the GitHub
 * REST stand-in:
 *   - the plan comment names the head commit it was computed for;
 *   - a new run marks the previous comment outdated before anything else, so a run that fails
 *     leaves no current-looking plan behind;
 *   - `--skip-if-unchanged` answers a pull request that changes neither guests/ nor the policy
 *     without reading the tenant (the check can be required on every pull request);
 *   - apply refuses a run whose commit is no longer the tip of its branch (a re-run of an old
 *     apply run), before any Graph request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { withEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runnerFiles } from './support/actions-runner.js';
import { startGithubApiStandIn, type GithubApiStandIn } from './support/github-api-stand-in.js';
import { PLAN_COMMENT_MARKER } from '../../src/github/sticky-comment.js';

const MARKER = 'extension_8c3f2a105b7e4d2c9a613e0f7b9d2c41_guestopsState';
const TOKEN = 'ghs_reviewedPlanWriteToken000001';
const FIRST = 'a'.repeat(39) + '1';
const SECOND = 'b'.repeat(39) + '2';

function prPayload(number: number, headSha: string): object {
  return { action: 'synchronize', number, pull_request: { number, head: { sha: headSha, repo: { full_name: 'contoso/guests' } } } };
}

async function withServers(fn: (emu: TestEmulator, api: GithubApiStandIn) => Promise<void>): Promise<void> {
  const emu = await withEmulator();
  const api = await startGithubApiStandIn({ tokens: { [TOKEN]: 'write' } });
  try {
    await fn(emu, api);
  } finally {
    await api.close();
    await emu.close();
  }
}

async function planStep(emu: TestEmulator, api: GithubApiStandIn, headSha: string, args: readonly string[], cwd = repoRoot) {
  const runner = await runnerFiles({ workspace: cwd, payload: prPayload(40, headSha) });
  const env = { ...runner.env, GUESTOPS_TOKEN: 'demo-plan', GUESTOPS_MARKER_PROPERTY: MARKER, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: api.url };
  const r = await runCli(['plan', '--graph-url', emu.url, ...args], { env, cwd });
  return { ...r, runner };
}

function theComment(api: GithubApiStandIn): string {
  const comments = api.comments('contoso', 'guests', 40);
  assert.equal(comments.length, 1, 'one sticky comment');
  return comments[0]!.body;
}

test('the plan comment names its head commit; the next run marks it outdated first, and a failed run leaves it marked', async () => {
  await withServers(async (emu, api) => {
    const first = await planStep(emu, api, FIRST, []);
    assert.equal(first.code, 0, first.stderr);
    let body = theComment(api);
    assert.ok(body.startsWith(PLAN_COMMENT_MARKER), body);
    assert.match(body, new RegExp(`Plan for commit <code>${FIRST.slice(0, 12)}</code>`));
    assert.doesNotMatch(body, /Outdated/);

    // The second push breaks guests/: validation fails, so no new plan can replace the comment.
    const broken = await mkdtemp(join(tmpdir(), 'guestops-broken-'));
    await cp(join(repoRoot, 'guests'), join(broken, 'guests'), { recursive: true });
    await writeFile(join(broken, 'guests', 'zz-broken.yaml'), 'guests:\n  - id: not-a-guid\n    email: nobody\n');
    const second = await planStep(emu, api, SECOND, ['--dir', join(broken, 'guests')]);
    assert.equal(second.code, 1, second.stdout + second.stderr);
    body = theComment(api);
    assert.match(body, /\*\*Outdated plan\.\*\*/);
    assert.match(body, new RegExp(`plan below is for commit <code>${FIRST.slice(0, 12)}</code>`));
    assert.match(body, new RegExp(`new plan for commit <code>${SECOND.slice(0, 12)}</code>`));
    assert.match(body, /actions\/runs\/4242/);
    // The outdated comment still holds the old plan under the banner, marker first.
    assert.ok(body.startsWith(`${PLAN_COMMENT_MARKER}\n<!-- guestops-outdated -->`), body);
    assert.match(body, /guestops plan/);

    // A third push fixes it: the comment is the new plan again, for that commit, with no banner.
    const third = await planStep(emu, api, SECOND, []);
    assert.equal(third.code, 0, third.stderr);
    body = theComment(api);
    assert.doesNotMatch(body, /Outdated/);
    assert.match(body, new RegExp(`Plan for commit <code>${SECOND.slice(0, 12)}</code>`));
  });
});

test('--skip-if-unchanged: same guests/ and policy as the base → nothing to plan, not one Graph request; a change → the full plan', async () => {
  await withServers(async (emu, api) => {
    // The workflow's layout: the head's guests/ at the root, the base checked out in a sub-folder.
    const ws = await mkdtemp(join(tmpdir(), 'guestops-ws-'));
    await cp(join(repoRoot, 'guests'), join(ws, 'guests'), { recursive: true });
    await cp(join(repoRoot, 'guests'), join(ws, 'base', 'guests'), { recursive: true });
    const baseArgs = ['--base-dir', 'base/guests', '--base-policy', 'base/guestops.policy.yaml', '--skip-if-unchanged'];

    await emu.resetLog();
    const same = await planStep(emu, api, FIRST, baseArgs, ws);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /^Nothing to plan: guests\/ and the policy file are the same as the base branch/m);
    assert.deepEqual(await emu.requests(), [], 'the tenant was not read');
    const outputs = await same.runner.outputs();
    assert.equal(outputs['has-changes'], 'false');
    assert.match(await same.runner.summary(), /Nothing to plan/);
    const body = theComment(api);
    assert.match(body, /Nothing to plan/);
    assert.match(body, new RegExp(`Plan for commit <code>${FIRST.slice(0, 12)}</code>`));

    // The head adds a policy file the base does not have: planned.
    await writeFile(join(ws, 'guestops.policy.yaml'), 'formatVersion: 1\nallowConsumerDomains: false\n');
    const policyChanged = await planStep(emu, api, SECOND, baseArgs, ws);
    assert.equal(policyChanged.code, 0, policyChanged.stderr);
    assert.doesNotMatch(policyChanged.stdout, /Nothing to plan/);
    assert.ok((await emu.requests()).length > 0, 'the tenant was read');
    assert.equal((await policyChanged.runner.outputs())['resets'], '2');

    // The same policy file on both sides, but the base lacks one guest file: planned.
    await cp(join(ws, 'guestops.policy.yaml'), join(ws, 'base', 'guestops.policy.yaml'));
    const victim = (await readdir(join(ws, 'base', 'guests'))).find((f) => /\.ya?ml$/.test(f))!;
    await rm(join(ws, 'base', 'guests', victim));
    await emu.resetLog();
    const guestsChanged = await planStep(emu, api, SECOND, baseArgs, ws);
    assert.equal(guestsChanged.code, 0, guestsChanged.stderr);
    assert.doesNotMatch(guestsChanged.stdout, /Nothing to plan/);
    assert.ok((await emu.requests()).length > 0, 'the tenant was read');

    // Both the same again (policy included): nothing to plan.
    await cp(join(ws, 'guests', victim), join(ws, 'base', 'guests', victim));
    await emu.resetLog();
    const sameAgain = await planStep(emu, api, SECOND, baseArgs, ws);
    assert.match(sameAgain.stdout, /^Nothing to plan/m);
    assert.deepEqual(await emu.requests(), []);
  });
});

test('--skip-if-unchanged without --base-dir is a usage error naming it', async () => {
  const r = await runCli(['plan', '--emulator', '--skip-if-unchanged']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--skip-if-unchanged and --base-policy compare with the base: give --base-dir too/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

async function applyStep(emu: TestEmulator, api: GithubApiStandIn, env: Record<string, string>) {
  const runner = await runnerFiles({ workspace: repoRoot, eventName: 'push', payload: { ref: 'refs/heads/main' } });
  const report = join(runner.dir, 'report.json');
  return runCli(['apply', '--graph-url', emu.url, '--report', report], {
    env: { ...runner.env, GUESTOPS_TOKEN: 'demo-apply', GUESTOPS_MARKER_PROPERTY: MARKER, GITHUB_API_URL: api.url, ...env },
  });
}

test('apply in Actions refuses a commit that is no longer the tip of its branch, before any Graph request; the tip applies', async () => {
  await withServers(async (emu, api) => {
    api.setBranch('contoso', 'guests', 'main', SECOND);
    await emu.resetLog();
    const old = await applyStep(emu, api, { GITHUB_SHA: FIRST, GITHUB_REF: 'refs/heads/main', GITHUB_TOKEN: TOKEN });
    assert.equal(old.code, 1, old.stdout);
    assert.match(old.stderr, new RegExp(`commit-not-tip: this run is for commit ${FIRST.slice(0, 12)}, but main is at ${SECOND.slice(0, 12)} now`));
    assert.doesNotMatch(old.stderr, /\n\s+at /);
    assert.deepEqual(await emu.requests(), [], 'not one Graph request');

    const noToken = await applyStep(emu, api, { GITHUB_SHA: SECOND, GITHUB_REF: 'refs/heads/main' });
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /commit-tip-unverified: .*needs GITHUB_TOKEN/);

    const pr = await applyStep(emu, api, { GITHUB_SHA: SECOND, GITHUB_REF: 'refs/pull/40/merge', GITHUB_TOKEN: TOKEN });
    assert.equal(pr.code, 1);
    assert.match(pr.stderr, /apply-ref-not-branch/);
    assert.deepEqual(await emu.requests(), [], 'still not one Graph request');

    const tip = await applyStep(emu, api, { GITHUB_SHA: SECOND, GITHUB_REF: 'refs/heads/main', GITHUB_TOKEN: TOKEN });
    assert.equal(tip.code, 0, tip.stdout + tip.stderr);
    const writes = (await emu.requests()).filter((q) => q.method !== 'GET');
    assert.ok(writes.length > 0, 'the tip was applied');
    assert.ok(api.requests.some((q) => q.path === '/repos/contoso/guests/git/ref/heads/main'));
  });
});
