/**
 * How guestops proves who it is to Graph. Three sources, chosen in this order:
 *   1. GUESTOPS_TOKEN: a static bearer, ONLY for a non-Microsoft endpoint (the emulator, a proxy
 *      under test), over http only on loopback. Sending a long-lived pasted token to Microsoft is
 *      refused: real tenants get short-lived tokens from @azure/identity.
 *   2. GitHub Actions with AZURE_TENANT_ID/AZURE_CLIENT_ID and an OIDC-capable job: the workflow's
 *      OIDC token exchanged for a Graph token (no secret stored anywhere).
 *   3. DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI, ...
 * Real credentials (2, 3) only ever go to a Microsoft Graph host over https (endpoint.ts decides,
 * before any connection). The token is never returned to callers that print things, and never
 * put into an error message.
 */
import type { TokenCredential } from '@azure/identity';
import type { AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import { GuestopsError } from '../errors.js';
import { credentialTarget } from './endpoint.js';

export type CredentialSource = 'static-token' | 'github-oidc' | 'azure-default';

export interface ResolvedCredentials {
  readonly source: CredentialSource;
  readonly provider: AuthenticationProvider;
}

export async function resolveCredentials(graphUrl: string, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedCredentials> {
  const token = env['GUESTOPS_TOKEN'];
  const target = credentialTarget(graphUrl, token !== undefined && token !== '');
  if (target.kind === 'static-token') return { source: 'static-token', provider: { getAccessToken: async () => token! } };
  // Loaded only here: @azure/identity costs ~0.2 s of start-up that a static token never needs.
  const { DefaultAzureCredential } = await import('@azure/identity');
  const { githubOidcAvailable, githubOidcCredential } = await import('../github/oidc.js');
  const tenantId = env['AZURE_TENANT_ID'];
  const clientId = env['AZURE_CLIENT_ID'];
  // A national cloud's Graph takes tokens from its own Entra token service, for its own scope.
  const authorityHost = env['AZURE_AUTHORITY_HOST'] || target.authorityHost!;
  if (env['GITHUB_ACTIONS'] === 'true' && tenantId && clientId && githubOidcAvailable(env)) {
    const credential = githubOidcCredential({ tenantId, clientId, authorityHost });
    return { source: 'github-oidc', provider: await wrap(credential, target.scope, 'check the federated credential of AZURE_CLIENT_ID for this repository and environment') };
  }
  return { source: 'azure-default', provider: await wrap(new DefaultAzureCredential({ authorityHost }), target.scope, firstRunHint(env)) };
}

/**
 * What a first run most likely lacks, for the one-line error when no token can be had (a
 * non-Microsoft URL without GUESTOPS_TOKEN is refused earlier, by endpoint.ts).
 */
function firstRunHint(env: NodeJS.ProcessEnv): string {
  if (env['GITHUB_ACTIONS'] === 'true') {
    return 'in GitHub Actions set AZURE_TENANT_ID and AZURE_CLIENT_ID and give the job `permissions: id-token: write` (OIDC)';
  }
  return "sign in with 'az login' (or set AZURE_TENANT_ID, AZURE_CLIENT_ID and a secret or certificate); to try guestops without a tenant use --emulator";
}

async function wrap(credential: TokenCredential, scope: string, hint: string): Promise<AuthenticationProvider> {
  // The Graph client's adapter for @azure/identity credentials, loaded with them (a static token
  // never needs it).
  const { TokenCredentialAuthenticationProvider } = await import('@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js');
  const inner = new TokenCredentialAuthenticationProvider(credential, { scopes: [scope] });
  return {
    async getAccessToken() {
      try {
        return await inner.getAccessToken();
      } catch (e) {
        // @azure/identity messages name the credential chain and what to fix; they carry no token.
        const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
        throw new GuestopsError('credential-unavailable', `could not get a Graph token (${(why ?? '').replace(/\.$/, '')}): ${hint}`);
      }
    },
  };
}
