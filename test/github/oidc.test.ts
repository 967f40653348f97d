/**
 * The GitHub OIDC → Entra exchange over real HTTPS: @actions/core fetches the job's OIDC token
 * from a stand-in Actions endpoint, @azure/identity (MSAL) reads the stand-in authority's OpenID
 * configuration and posts the token as a jwt-bearer client assertion; the access token comes back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runNode } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { startIdentityStandIn, TLS_CERT_PATH, type IdentityStandIn } from './support/identity-stand-in.js';
import { githubOidcAvailable } from '../../src/github/oidc.js';

const driver = join(repoRoot, 'dist', 'test', 'github', 'support', 'oidc-driver.js');
const TENANT = '0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9';
const CLIENT = '9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a';
const REQUEST_TOKEN = 'runner-request-token-for-id-tokens';
const ACCESS_TOKEN = 'graph-access-token-from-stand-in';

interface DriverRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly result: { token?: string | null; expiresOnTimestamp?: number | null; error?: string };
}

async function runDriver(env: Record<string, string | undefined>): Promise<DriverRun> {
  const { code, stdout, stderr } = await runNode(driver, [], { env: { NODE_EXTRA_CA_CERTS: TLS_CERT_PATH, ...env } });
  const last = stdout.trim().split('\n').pop() ?? '{}';
  return { code, stdout, stderr, result: JSON.parse(last) as DriverRun['result'] };
}

async function withIdentity(fn: (idp: IdentityStandIn) => Promise<void>): Promise<void> {
  const idp = await startIdentityStandIn({
    tenantId: TENANT,
    clientId: CLIENT,
    requestToken: REQUEST_TOKEN,
    accessToken: ACCESS_TOKEN,
    subject: 'repo:contoso/guests:pull_request',
  });
  try {
    await fn(idp);
  } finally {
    await idp.close();
  }
}

function actionsEnv(idp: IdentityStandIn, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    GITHUB_ACTIONS: 'true',
    ACTIONS_ID_TOKEN_REQUEST_URL: idp.idTokenRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
    AZURE_TENANT_ID: TENANT,
    AZURE_CLIENT_ID: CLIENT,
    AZURE_AUTHORITY_HOST: idp.origin,
    ...overrides,
  };
}

test('the GitHub OIDC token is exchanged at the Entra token endpoint for an access token', async () => {
  await withIdentity(async (idp) => {
    const r = await runDriver(actionsEnv(idp));
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(r.result.token, ACCESS_TOKEN);
    assert.ok((r.result.expiresOnTimestamp ?? 0) > Date.now(), 'expiry in the future');

    // The runner endpoint was asked for the Entra audience, with the runner's request token
    // (@azure/identity may fetch the assertion more than once per token; each fetch is checked).
    assert.ok(idp.idTokenRequests.length >= 1);
    for (const q of idp.idTokenRequests) assert.deepEqual(q, { audience: 'api://AzureADTokenExchange', authorized: true });
    // Entra got exactly one client_credentials grant whose assertion is the GitHub token.
    assert.equal(idp.exchanges.length, 1);
    const x = idp.exchanges[0]!;
    assert.deepEqual(
      { clientId: x.clientId, grantType: x.grantType, clientAssertionType: x.clientAssertionType, accepted: x.accepted },
      {
        clientId: CLIENT,
        grantType: 'client_credentials',
        clientAssertionType: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        accepted: true,
      },
    );
    assert.equal(x.clientAssertion, idp.githubToken);
    assert.match(x.scope ?? '', /https:\/\/graph\.microsoft\.com\/\.default/);
    // MSAL read the authority's metadata from the stand-in and never tried Microsoft's instance discovery.
    assert.ok(idp.paths.includes(`GET /${TENANT}/v2.0/.well-known/openid-configuration`), idp.paths.join('\n'));

    // Both tokens are registered with the runner as secrets (masked in the log).
    assert.match(r.stdout, new RegExp(`^::add-mask::${ACCESS_TOKEN}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^::add-mask::${idp.githubToken.replace(/\./g, '\\.')}$`, 'm'));
  });
});

test('a wrong runner request token: no GitHub token, no exchange, an error naming id-token: write', async () => {
  await withIdentity(async (idp) => {
    const r = await runDriver(actionsEnv(idp, { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-runner-token' }));
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.result.error ?? '', /id-token: write/);
    assert.ok(idp.idTokenRequests.length >= 1);
    for (const q of idp.idTokenRequests) assert.deepEqual(q, { audience: 'api://AzureADTokenExchange', authorized: false });
    assert.equal(idp.exchanges.length, 0);
  });
});

test('a client id Entra has no federated credential for is refused with the AADSTS reason', async () => {
  await withIdentity(async (idp) => {
    const r = await runDriver(actionsEnv(idp, { AZURE_CLIENT_ID: '00000000-0000-4000-8000-000000000000' }));
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.result.error ?? '', /AADSTS700213/);
    assert.equal(idp.exchanges.length, 1);
    assert.equal(idp.exchanges[0]!.accepted, false);
    assert.ok(!r.stdout.includes(ACCESS_TOKEN));
  });
});

test('githubOidcAvailable needs both the request URL and the request token', () => {
  assert.equal(githubOidcAvailable({ ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }), true);
  assert.equal(githubOidcAvailable({ ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x' }), false);
  assert.equal(githubOidcAvailable({}), false);
});
