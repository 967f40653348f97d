/**
 * How guestops proves who it is to Graph. Three sources, chosen in this order:
 *   1. GUESTOPS_TOKEN: a static bearer, ONLY for a non-Microsoft endpoint (the emulator, a proxy
 *      under test). Sending a long-lived pasted token to Microsoft is refused: real tenants get
 *      short-lived tokens from @azure/identity.
 *   2. GitHub Actions with AZURE_TENANT_ID/AZURE_CLIENT_ID and an OIDC-capable job: the workflow's
 *      OIDC token exchanged for a Graph token (no secret stored anywhere).
 *   3. DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI, ...
 * The token is never returned to callers that print things, and never put into an error message.
 */
import type { TokenCredential } from '@azure/identity';
import type { AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { GuestopsError } from '../errors.js';
import { isMicrosoftGraphHost } from './endpoint.js';

/** Graph's resource scope for app and delegated tokens alike. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export type CredentialSource = 'static-token' | 'github-oidc' | 'azure-default';

export interface ResolvedCredentials {
  readonly source: CredentialSource;
  readonly provider: AuthenticationProvider;
}

export async function resolveCredentials(graphUrl: string, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedCredentials> {
  const token = env['GUESTOPS_TOKEN'];
  if (token !== undefined && token !== '') {
    if (isMicrosoftGraphHost(graphUrl)) {
      throw new GuestopsError(
        'static-token-refused',
        `GUESTOPS_TOKEN is only accepted for a non-Microsoft Graph URL (the emulator); ${new URL(graphUrl).host} needs a real credential: unset GUESTOPS_TOKEN and sign in with 'az login', or run in GitHub Actions with AZURE_TENANT_ID/AZURE_CLIENT_ID (OIDC)`,
      );
    }
    return { source: 'static-token', provider: { getAccessToken: async () => token } };
  }
  // Loaded only here: @azure/identity costs ~0.2 s of start-up that a static token never needs.
  const { DefaultAzureCredential } = await import('@azure/identity');
  const { githubOidcAvailable, githubOidcCredential } = await import('../github/oidc.js');
  const tenantId = env['AZURE_TENANT_ID'];
  const clientId = env['AZURE_CLIENT_ID'];
  if (env['GITHUB_ACTIONS'] === 'true' && tenantId && clientId && githubOidcAvailable(env)) {
    const authorityHost = env['AZURE_AUTHORITY_HOST'];
    const credential = githubOidcCredential({ tenantId, clientId, ...(authorityHost ? { authorityHost } : {}) });
    return { source: 'github-oidc', provider: wrap(credential) };
  }
  return { source: 'azure-default', provider: wrap(new DefaultAzureCredential()) };
}

function wrap(credential: TokenCredential): AuthenticationProvider {
  const inner = new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] });
  return {
    async getAccessToken() {
      try {
        return await inner.getAccessToken();
      } catch (e) {
        // @azure/identity messages name the credential chain and what to fix; they carry no token.
        const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
        throw new GuestopsError('credential-unavailable', `could not get a Graph token: ${why}`);
      }
    },
  };
}
