/**
 * `guestops plan` / `guestops apply` run the way a GitHub Actions step runs them (the runner's
 * files and variables, GITHUB_ACTIONS=true) against the Graph emulator and a GitHub REST
 * stand-in: job summary, outputs, annotations on the demo guests' YAML lines, the sticky
 * comment, a fork pull request, a role holder blocked for an app-only caller, and the OIDC
 * credential path end to end (GitHub token → Entra stand-in → Graph token the emulator accepts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { withEmulator, type TestEmulator } from '../helpers/emulator.js';
import { runnerFiles, workflowCommands } from './support/actions-runner.js';
import { startGithubApiStandIn, type GithubApiStandIn } from './support/github-api-stand-in.js';
import { startIdentityStandIn, TLS_CERT_PATH } from './support/identity-stand-in.js';
import { PLAN_COMMENT_MARKER } from '../../src/github/sticky-comment.js';
import { graphAliasEnv } from '../helpers/graph-host-alias.js';

const MARKER = 'extension_8c3f2a105b7e4d2c9a613e0f7b9d2c41_guestopsState';
const WRITE_TOKEN = 'ghs_cliWriteToken000000000000001';
const FORK_TOKEN = 'ghs_cliForkReadToken0000000000002';
/** Alice's reset (generation bump in guests/partners/tailspin.yml) is one of the demo plan's two. */
const ALICE = '0b7e4c1a-3f2d-4e8b-a6c9-5d1e2f3a4b50';

function prPayload(number: number, headRepo = 'contoso/guests'): object {
  return { action: 'synchronize', number, pull_request: { number, head: { repo: { full_name: headRepo } } } };
}

async function withServers(
  fn: (emu: TestEmulator, api: GithubApiStandIn) => Promise<void>,
  seedPatch?: Parameters<typeof withEmulator>[0] extends infer O ? (O extends { seedPatch?: infer P } ? P : never) : never,
): Promise<void> {
  const emu = await withEmulator(seedPatch ? { seedPatch } : {});
  const api = await startGithubApiStandIn({ tokens: { [WRITE_TOKEN]: 'write', [FORK_TOKEN]: 'read' } });
  try {
    await fn(emu, api);
  } finally {
    await api.close();
    await emu.close();
  }
}

test('guestops plan in a pull-request job: summary, outputs, annotations, one comment updated in place', async () => {
  await withServers(async (emu, api) => {
    const runner = await runnerFiles({ workspace: repoRoot, payload: prPayload(21) });
    const env = { ...runner.env, GUESTOPS_TOKEN: 'demo-plan', GUESTOPS_MARKER_PROPERTY: MARKER, GITHUB_TOKEN: WRITE_TOKEN, GITHUB_API_URL: api.url };
    const out = join(runner.dir, 'plan.json');
    const r = await runCli(['plan', '--graph-url', emu.url, '--out', out], { env });
    assert.equal(r.code, 0, r.stderr);

    const summary = await runner.summary();
    assert.match(summary, /### guestops plan/);
    assert.match(summary, /`guests\/fabrikam\.yaml:13`/);

    const outputs = await runner.outputs();
    assert.equal(outputs['has-changes'], 'true');
    assert.equal(outputs['resets'], '2');
    assert.equal(outputs['blocked'], '0');
    assert.equal(outputs['plan-json'], out);
    assert.equal(JSON.parse(await readFile(out, 'utf8')).formatVersion, 1);

    const notices = workflowCommands(r.stdout).filter((c) => c.command === 'notice');
    const at = notices.map((n) => `${n.properties['file']}:${n.properties['line']}`).sort();
    assert.deepEqual(at, ['guests/fabrikam.yaml:13', 'guests/fabrikam.yaml:18', 'guests/partners/tailspin.yml:10', 'guests/partners/tailspin.yml:13', 'guests/partners/tailspin.yml:16', 'guests/partners/woodgrove.yaml:6']);
    assert.match(notices.find((n) => n.properties['line'] === '13' && n.properties['file'] === 'guests/fabrikam.yaml')!.message, /reset redemption \(email-changed\)/);

    let comments = api.comments('contoso', 'guests', 21);
    assert.equal(comments.length, 1);
    assert.ok(comments[0]!.body.startsWith(`${PLAN_COMMENT_MARKER}\n### guestops plan`));
    const id = comments[0]!.id;

    // The next push: the same comment is edited, no second one appears.
    const again = await runCli(['plan', '--graph-url', emu.url], { env });
    assert.equal(again.code, 0, again.stderr);
    comments = api.comments('contoso', 'guests', 21);
    assert.equal(comments.length, 1);
    assert.equal(comments[0]!.id, id);
    // Each run first looks for the previous comment to mark it outdated (none on the first run),
    // then lists again and creates or updates it with the plan.
    assert.deepEqual(api.requests.map((q) => q.method), ['GET', 'GET', 'POST', 'GET', 'PATCH', 'GET', 'PATCH']);
    // Without --out, plan-json points at a file in RUNNER_TEMP.
    const second = await runner.outputs();
    assert.ok(second['plan-json']!.startsWith(runner.env['RUNNER_TEMP']!));
    assert.ok(existsSync(second['plan-json']!));
  });
});

test('a fork pull request: the plan still reaches the summary, the comment is a warning, the exit code is the plan\'s', async () => {
  await withServers(async (emu, api) => {
    const runner = await runnerFiles({ workspace: repoRoot, payload: prPayload(22, 'stranger/guests') });
    const env = { ...runner.env, GUESTOPS_TOKEN: 'demo-plan', GUESTOPS_MARKER_PROPERTY: MARKER, GITHUB_TOKEN: FORK_TOKEN, GITHUB_API_URL: api.url };
    const r = await runCli(['plan', '--graph-url', emu.url], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(await runner.summary(), /### guestops plan/);
    assert.match(r.stdout, /^::warning::guestops: no plan comment: the token of a pull request from a fork is read-only/m);
    assert.equal(api.comments('contoso', 'guests', 22).length, 0);
  });
});

test('a guest holding a directory role is blocked for the app-only plan identity: error annotation on its line, exit 1', async () => {
  await withServers(
    async (emu, api) => {
      const runner = await runnerFiles({ workspace: repoRoot, payload: prPayload(23) });
      const env = { ...runner.env, GUESTOPS_TOKEN: 'demo-plan', GUESTOPS_MARKER_PROPERTY: MARKER, GITHUB_TOKEN: WRITE_TOKEN, GITHUB_API_URL: api.url };
      const r = await runCli(['plan', '--graph-url', emu.url], { env });
      assert.equal(r.code, 1, 'blocked is a failed plan');
      const error = workflowCommands(r.stdout).find((c) => c.command === 'error');
      assert.ok(error, r.stdout);
      assert.equal(`${error.properties['file']}:${error.properties['line']}`, 'guests/partners/tailspin.yml:10');
      assert.match(error.properties['title']!, /role-holder-app-only/);
      assert.equal((await runner.outputs())['blocked'], '1');
      // The reviewer still gets the plan, in the summary and the comment.
      assert.match(await runner.summary(), /### guestops plan/);
      assert.equal(api.comments('contoso', 'guests', 23).length, 1);
    },
    (seed) => ({
      ...seed,
      roleAssignments: [...(seed.roleAssignments ?? []), { principalId: ALICE, roleDefinitionId: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b' }],
    }),
  );
});

test('guestops apply on main: summary, outputs and the report path for the artifact step', async () => {
  await withServers(async (emu) => {
    const runner = await runnerFiles({ workspace: repoRoot, eventName: 'push', payload: { ref: 'refs/heads/main' } });
    const report = join(runner.dir, 'guestops-apply-report.json');
    const env = { ...runner.env, GUESTOPS_TOKEN: 'demo-apply', GUESTOPS_MARKER_PROPERTY: MARKER };
    const r = await runCli(['apply', '--graph-url', emu.url, '--report', report], { env });
    assert.equal(r.code, 0, r.stderr);
    const outputs = await runner.outputs();
    assert.equal(outputs['resets'], '2');
    assert.equal(outputs['failed'], '0');
    assert.equal(outputs['report'], report);
    assert.equal(JSON.parse(await readFile(report, 'utf8')).formatVersion, 1);
    assert.ok((await runner.summary()).length > 0, 'apply summary written');

    // Converged: the drift check (plan --detailed-exitcode) now exits 0 with has-changes=false.
    const drift = await runnerFiles({ workspace: repoRoot, eventName: 'schedule' });
    const d = await runCli(['plan', '--graph-url', emu.url, '--detailed-exitcode'], { env: { ...drift.env, GUESTOPS_TOKEN: 'demo-plan', GUESTOPS_MARKER_PROPERTY: MARKER } });
    assert.equal(d.code, 0, d.stdout + d.stderr);
    assert.equal((await drift.outputs())['has-changes'], 'false');
  });
});

test('drift: plan --detailed-exitcode exits 2 with the plan in the summary when the tenant differs', async () => {
  await withServers(async (emu) => {
    const runner = await runnerFiles({ workspace: repoRoot, eventName: 'schedule' });
    const env = { ...runner.env, GUESTOPS_TOKEN: 'demo-plan', GUESTOPS_MARKER_PROPERTY: MARKER };
    const r = await runCli(['plan', '--graph-url', emu.url, '--detailed-exitcode'], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(await runner.summary(), /2 to reset/);
  });
});

test('in Actions with AZURE_* and an id-token, plan authenticates through the GitHub OIDC exchange', async () => {
  const tenant = '0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9';
  const client = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
  // Entra's answer is the emulator's read-only demo token, so the emulator accepts the result.
  const idp = await startIdentityStandIn({
    tenantId: tenant,
    clientId: client,
    requestToken: 'runner-request-token',
    accessToken: 'demo-plan',
    subject: 'repo:contoso/guests:pull_request',
  });
  try {
    await withServers(async (emu) => {
      const runner = await runnerFiles({ workspace: repoRoot, eventName: 'push' });
      const env = {
        ...runner.env,
        NODE_EXTRA_CA_CERTS: TLS_CERT_PATH,
        GUESTOPS_MARKER_PROPERTY: MARKER,
        AZURE_TENANT_ID: tenant,
        AZURE_CLIENT_ID: client,
        AZURE_AUTHORITY_HOST: idp.origin,
        ACTIONS_ID_TOKEN_REQUEST_URL: idp.idTokenRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token',
        // Real credentials go only to Microsoft Graph: the request is addressed to it, and reaches the emulator.
        ...graphAliasEnv('https://graph.microsoft.com', emu.url),
      };
      const r = await runCli(['plan', '--graph-url', 'https://graph.microsoft.com'], { env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal((await runner.outputs())['resets'], '2');
      assert.equal(idp.exchanges.length, 1);
      assert.equal(idp.exchanges[0]!.clientAssertion, idp.githubToken);
      assert.equal(idp.exchanges[0]!.accepted, true);
      // The Graph token is masked for the runner's log and printed nowhere else.
      assert.deepEqual(r.stdout.split('\n').filter((l) => l.includes('demo-plan')), ['::add-mask::demo-plan']);
    });
  } finally {
    await idp.close();
  }
});
