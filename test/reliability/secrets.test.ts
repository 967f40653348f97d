/**
 * Tokens never leak. plan and apply run as a GitHub Actions step would (GITHUB_ACTIONS=true, the
 * runner's summary and output files, --out and --report), with distinctive credential values:
 * the static GUESTOPS_TOKEN, and for OIDC the runner's request token, the GitHub assertion and
 * the Graph token Entra returns. Runs include a failing apply, an expired token (401) mid-apply
 * and a token Graph rejects outright. Every byte guestops produced — stdout, stderr, every file
 * in the runner folder and the working folder — and the emulator's request log and state are
 * searched: no credential appears, except in GitHub's own `::add-mask::` lines.
 *
 * Also: `plan` with the read-only identity works and sends no write; the same identity cannot
 * write even when apply tries (the emulator enforces Graph's permissions).
 */
import { graphAliasEnv } from '../helpers/graph-host-alias.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { withEmulator, type Seed, type TestEmulator } from '../helpers/emulator.js';
import { runnerFiles } from '../github/support/actions-runner.js';
import { startIdentityStandIn, TLS_CERT_PATH } from '../github/support/identity-stand-in.js';
import { JOHN, MARKER, isWrite } from '../apply/support.js';
import { mixedWorkdir } from './support.js';

const APPLY_TOKEN = 'gops-SECRET-apply-5c1e9d7a40b2';
const PLAN_TOKEN = 'gops-SECRET-plan-83b2f0e4a9c1';
const OIDC_GRAPH_TOKEN = 'gops-SECRET-oidc-graph-2f7d61c0e8';
const RUNNER_REQUEST_TOKEN = 'gops-SECRET-runner-request-9a4e3b';
const UNKNOWN_TOKEN = 'gops-SECRET-unknown-0d5c7a2e61';

/** The demo tenant with the demo identities' permissions under distinctive token values. */
function withSecretTokens(seed: Seed): Seed {
  const tokens = (seed as unknown as { tokens: Record<string, unknown> }).tokens;
  return {
    ...seed,
    tokens: { ...tokens, [APPLY_TOKEN]: tokens['demo-apply'], [PLAN_TOKEN]: tokens['demo-plan'], [OIDC_GRAPH_TOKEN]: tokens['demo-apply'] },
  } as unknown as Seed;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

interface Evidence {
  readonly label: string;
  readonly runs: CliResult[];
  readonly dirs: string[];
}

/** Fails when any secret appears anywhere guestops wrote, or anywhere Graph (the emulator) kept. */
async function assertNoSecret(emu: TestEmulator, secrets: readonly string[], e: Evidence): Promise<void> {
  const places: [string, string][] = [];
  e.runs.forEach((r, i) => {
    // GitHub's masking command is the one place a value may be named: it hides it from the log.
    const stdout = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
    places.push([`run ${i} stdout`, stdout], [`run ${i} stderr`, r.stderr]);
  });
  for (const dir of e.dirs) for (const f of filesUnder(dir)) places.push([f, readFileSync(f, 'utf8')]);
  places.push(['emulator request log', JSON.stringify(await emu.requests())], ['emulator state', JSON.stringify(await emu.state())]);
  for (const s of secrets) {
    for (const [where, text] of places) assert.ok(!text.includes(s), `${e.label}: ${s.slice(0, 24)}… appears in ${where}`);
  }
  assert.ok(places.length > 6, `${e.label}: too little evidence searched`);
}

const reportOf = (cwd: string) => JSON.parse(readFileSync(join(cwd, 'report.json'), 'utf8')) as { summary: { failed: number } };

test('static token in Actions: plan, a failing apply, a 401 mid-apply and a rejected token leak it nowhere', async () => {
  const emu = await withEmulator({ seedPatch: withSecretTokens });
  try {
    const cwd = mixedWorkdir();
    const runner = await runnerFiles({ workspace: cwd, eventName: 'push' });
    const env = (token: string) => ({ ...runner.env, GUESTOPS_TOKEN: token, GUESTOPS_MARKER_PROPERTY: MARKER, GUESTOPS_RETRY_BASE_MS: '50', GUESTOPS_MAX_RETRIES: '1' });
    const g = ['--graph-url', emu.url];
    const runs: CliResult[] = [];

    // plan with the read-only identity: works, and the log proves it wrote nothing.
    const plan = await runCli(['plan', ...g, '--out', 'plan.json', '--format', 'markdown'], { cwd, env: env(PLAN_TOKEN) });
    runs.push(plan);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(await runner.summary(), /guestops plan/);
    assert.deepEqual((await emu.requests()).filter(isWrite), [], 'plan with the read-only identity sent a write');

    // A failing apply: John's PATCHes keep failing.
    await emu.addFault({ method: 'PATCH', path: `/v1.0/users/${JOHN}`, status: 500 });
    const failing = await runCli(['apply', ...g, '--report', 'report.json'], { cwd, env: env(APPLY_TOKEN) });
    runs.push(failing);
    assert.equal(failing.code, 1, failing.stderr);
    assert.equal(reportOf(cwd).summary.failed, 1);
    assert.match(await runner.summary(), /guestops apply/);
    await emu.clearFaults();

    // The token expires mid-apply.
    await emu.addFault({ path: '/v1.0/*', status: 401, code: 'InvalidAuthenticationToken', afterRequests: 6 });
    const expired = await runCli(['apply', ...g, '--report', 'report.json'], { cwd, env: env(APPLY_TOKEN) });
    runs.push(expired);
    assert.equal(expired.code, 1);
    assert.match(expired.stderr, /InvalidAuthenticationToken/);
    await emu.clearFaults();

    // A token Graph does not accept at all.
    const rejected = await runCli(['plan', ...g], { cwd, env: env(UNKNOWN_TOKEN) });
    runs.push(rejected);
    assert.equal(rejected.code, 1);
    assert.match(rejected.stderr, /HTTP 401 InvalidAuthenticationToken Access token validation failure/);

    await assertNoSecret(emu, [APPLY_TOKEN, PLAN_TOKEN, UNKNOWN_TOKEN], { label: 'static token', runs, dirs: [cwd, runner.dir] });
  } finally {
    await emu.close();
  }
});

test('the read-only plan identity cannot write even when apply tries: every write refused, tenant unchanged', async () => {
  const emu = await withEmulator({ seedPatch: withSecretTokens });
  try {
    const cwd = mixedWorkdir();
    const before = JSON.stringify((await emu.state()).users);
    // --no-lock: the apply lock would stop it at its first request (apply-lock-denied), before
    // the writes to users this test is about.
    const r = await runCli(['apply', '--no-lock', '--graph-url', emu.url, '--report', 'report.json'], { cwd, env: { GUESTOPS_TOKEN: PLAN_TOKEN, GUESTOPS_MARKER_PROPERTY: MARKER } });
    assert.equal(r.code, 1);
    const writes = (await emu.requests()).filter(isWrite);
    assert.ok(writes.length > 0, 'apply tried to write');
    assert.ok(writes.every((w) => w.status === 403), `writes answered: ${writes.map((w) => w.status).join(', ')}`);
    assert.match(r.stderr, /Authorization_RequestDenied/);
    assert.equal(JSON.stringify((await emu.state()).users), before, 'the tenant changed');
  } finally {
    await emu.close();
  }
});

test('GitHub OIDC in Actions: the runner token, the assertion and the Graph token leak nowhere', async () => {
  const tenant = '0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9';
  const client = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
  const idp = await startIdentityStandIn({
    tenantId: tenant,
    clientId: client,
    requestToken: RUNNER_REQUEST_TOKEN,
    accessToken: OIDC_GRAPH_TOKEN,
    subject: 'repo:contoso/guests:environment:tenant',
  });
  const emu = await withEmulator({ seedPatch: withSecretTokens });
  try {
    const cwd = mixedWorkdir();
    const runner = await runnerFiles({ workspace: cwd, eventName: 'push' });
    const env = {
      ...runner.env,
      NODE_EXTRA_CA_CERTS: TLS_CERT_PATH,
      GUESTOPS_MARKER_PROPERTY: MARKER,
      GUESTOPS_RETRY_BASE_MS: '50',
      GUESTOPS_MAX_RETRIES: '1',
      AZURE_TENANT_ID: tenant,
      AZURE_CLIENT_ID: client,
      AZURE_AUTHORITY_HOST: idp.origin,
      ACTIONS_ID_TOKEN_REQUEST_URL: idp.idTokenRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: RUNNER_REQUEST_TOKEN,
      // Real credentials go only to Microsoft Graph: the requests are addressed to it, and reach the emulator.
      ...graphAliasEnv('https://graph.microsoft.com', emu.url),
    };
    const g = ['--graph-url', 'https://graph.microsoft.com'];
    const runs: CliResult[] = [];
    runs.push(await runCli(['plan', ...g, '--out', 'plan.json'], { cwd, env }));
    assert.equal(runs[0]!.code, 0, runs[0]!.stderr);
    await emu.addFault({ path: '/v1.0/*', status: 401, code: 'InvalidAuthenticationToken', afterRequests: 8 });
    runs.push(await runCli(['apply', ...g, '--report', 'report.json'], { cwd, env }));
    assert.equal(runs[1]!.code, 1, runs[1]!.stderr);
    await emu.clearFaults();
    runs.push(await runCli(['apply', ...g, '--report', 'report.json'], { cwd, env }));
    assert.equal(runs[2]!.code, 0, runs[2]!.stderr);
    assert.ok(idp.exchanges.length >= 1 && idp.exchanges.every((x) => x.accepted), 'the OIDC exchange was used');
    // The runner really was told to mask the assertion: the check below is not vacuous.
    assert.ok(runs.some((r) => r.stdout.split('\n').includes(`::add-mask::${idp.githubToken}`)), 'the assertion was masked');

    const claims = idp.githubToken.split('.')[1]!;
    await assertNoSecret(emu, [RUNNER_REQUEST_TOKEN, idp.githubToken, claims, OIDC_GRAPH_TOKEN], { label: 'oidc', runs, dirs: [cwd, runner.dir] });
  } finally {
    await emu.close();
    await idp.close();
  }
});
