/**
 * GitHub Actions OIDC → Entra ID workload identity federation: the job's OIDC token (audience
 * `api://AzureADTokenExchange`) is the client assertion of `ClientAssertionCredential`. No secret.
 *
 * CONTRACT (signature fixed; body owned by the GitHub integration work).
 */
import * as core from '@actions/core';
import { AzureAuthorityHosts, ClientAssertionCredential } from '@azure/identity';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { GuestopsError } from '../errors.js';

export interface GithubOidcOptions {
  readonly tenantId: string;
  readonly clientId: string;
  /** Entra authority host override (tests point it at a local token endpoint). */
  readonly authorityHost?: string;
}

/** The audience Entra expects on a federated GitHub token (set on the federated credential too). */
export const ENTRA_TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

/** True when the job can mint an OIDC token (it has `permissions: id-token: write`). */
export function githubOidcAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env['ACTIONS_ID_TOKEN_REQUEST_URL'] && env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']);
}

const MICROSOFT_AUTHORITY_HOSTS = new Set<string>(
  Object.values(AzureAuthorityHosts).map((h) => new URL(h).host.toLowerCase()),
);

/**
 * MSAL validates an authority by asking login.microsoftonline.com ("instance discovery"). For
 * Microsoft's own clouds that is right and stays on. For any other host (a sovereign or test
 * endpoint the operator named explicitly) the call cannot succeed, so it is turned off and the
 * host is trusted as configured — MSAL still requires https and still reads its OpenID metadata.
 */
function isMicrosoftAuthority(authorityHost: string): boolean {
  try {
    return MICROSOFT_AUTHORITY_HOSTS.has(new URL(authorityHost).host.toLowerCase());
  } catch {
    throw new GuestopsError('oidc-bad-authority', `authority host '${authorityHost}' is not a URL (expected e.g. https://login.microsoftonline.com)`);
  }
}

const masked = new Set<string>();

/**
 * Only inside Actions: elsewhere `::add-mask::` would print the very value it is meant to hide.
 * Once per value: the credential serves a cached token to every Graph request.
 */
function mask(value: string): void {
  if (process.env['GITHUB_ACTIONS'] !== 'true' || masked.has(value)) return;
  masked.add(value);
  core.setSecret(value);
}

export function githubOidcCredential(options: GithubOidcOptions): TokenCredential {
  const { tenantId, clientId, authorityHost } = options;
  if (!tenantId || !clientId) {
    throw new GuestopsError('oidc-missing-identity', 'GitHub OIDC needs AZURE_TENANT_ID and AZURE_CLIENT_ID (repository variables of the workflow)');
  }
  const getAssertion = async (): Promise<string> => {
    try {
      // getIDToken masks the token it returns itself; we mask again in case that ever changes.
      const token = await core.getIDToken(ENTRA_TOKEN_EXCHANGE_AUDIENCE);
      mask(token);
      return token;
    } catch (e) {
      throw new GuestopsError(
        'oidc-no-github-token',
        `cannot get a GitHub OIDC token: ${(e as Error).message}. The job needs \`permissions: id-token: write\`; pull requests from forks never get one.`,
        undefined,
        { cause: e },
      );
    }
  };
  const inner = new ClientAssertionCredential(tenantId, clientId, getAssertion, {
    ...(authorityHost ? { authorityHost, disableInstanceDiscovery: !isMicrosoftAuthority(authorityHost) } : {}),
  });
  return {
    async getToken(scopes: string | string[], getTokenOptions?: GetTokenOptions): Promise<AccessToken | null> {
      const token = await inner.getToken(scopes, getTokenOptions);
      if (token) mask(token.token);
      return token;
    },
  };
}
