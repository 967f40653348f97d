/**
 * GitHub Actions OIDC → Entra ID workload identity federation: the job's OIDC token (audience
 * `api://AzureADTokenExchange`) is the client assertion of `ClientAssertionCredential`. No secret.
 *
 * CONTRACT (signature fixed; body owned by the GitHub integration work).
 */
import type { TokenCredential } from '@azure/identity';
import { GuestopsError } from '../errors.js';

export interface GithubOidcOptions {
  readonly tenantId: string;
  readonly clientId: string;
  /** Entra authority host override (tests point it at a local token endpoint). */
  readonly authorityHost?: string;
}

/** True when the job can mint an OIDC token (it has `permissions: id-token: write`). */
export function githubOidcAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env['ACTIONS_ID_TOKEN_REQUEST_URL'] && env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']);
}

export function githubOidcCredential(_options: GithubOidcOptions): TokenCredential {
  throw new GuestopsError('oidc-not-implemented', 'GitHub OIDC credential is not implemented yet');
}
