/**
 * One HTTPS server on 127.0.0.1 standing in for both ends of GitHub → Entra workload identity
 * federation:
 *  - the Actions ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL): a Bearer request token in,
 *    `{value: <GitHub OIDC JWT>}` out, for the requested audience;
 *  - the Entra authority (AZURE_AUTHORITY_HOST): the OpenID configuration MSAL reads, and
 *    `POST /{tenant}/oauth2/v2.0/token` accepting ONLY a client_credentials grant whose
 *    jwt-bearer client assertion is the GitHub token it issued.
 * HTTPS because MSAL rejects a non-https authority (authority_uri_insecure); the certificate is
 * the committed test-only pair in test/fixtures/github/tls (trust it with NODE_EXTRA_CA_CERTS).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixture } from '../../helpers/paths.js';

export const TLS_CERT_PATH = fixture('github', 'tls', 'cert.pem');

export interface IdentityStandInOptions {
  readonly tenantId: string;
  readonly clientId: string;
  /** The ACTIONS_ID_TOKEN_REQUEST_TOKEN the runner would hold. */
  readonly requestToken: string;
  /** The Graph access token Entra answers with (e.g. an emulator seed token). */
  readonly accessToken: string;
  /** `sub` of the GitHub token, e.g. repo:contoso/guests:pull_request. */
  readonly subject: string;
}

export interface TokenExchange {
  readonly clientId: string | null;
  readonly grantType: string | null;
  readonly clientAssertionType: string | null;
  readonly clientAssertion: string | null;
  readonly scope: string | null;
  readonly accepted: boolean;
}

export interface IdentityStandIn {
  readonly origin: string;
  /** Value for ACTIONS_ID_TOKEN_REQUEST_URL (already has a query, as the runner's does). */
  readonly idTokenRequestUrl: string;
  /** The GitHub OIDC token it hands out. */
  readonly githubToken: string;
  readonly idTokenRequests: Array<{ audience: string | null; authorized: boolean }>;
  readonly exchanges: TokenExchange[];
  /** Every path requested, in order (what MSAL asked for). */
  readonly paths: string[];
  close(): Promise<void>;
}

function b64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export async function startIdentityStandIn(options: IdentityStandInOptions): Promise<IdentityStandIn> {
  const idTokenRequests: IdentityStandIn['idTokenRequests'] = [];
  const exchanges: TokenExchange[] = [];
  const paths: string[] = [];
  let origin = '';
  const now = Math.floor(Date.now() / 1000);
  // Shaped like the token GitHub issues (header.claims.signature); nothing here verifies the signature.
  const githubToken = [
    b64url({ alg: 'RS256', typ: 'JWT', kid: 'stand-in' }),
    b64url({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'api://AzureADTokenExchange',
      sub: options.subject,
      iat: now,
      nbf: now,
      exp: now + 300,
    }),
    b64url('stand-in-signature'),
  ].join('.');

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const body = async (req: IncomingMessage): Promise<string> => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    return raw;
  };
  const tenantPrefix = `/${options.tenantId}`;

  const server: Server = createServer(
    { cert: readFileSync(TLS_CERT_PATH), key: readFileSync(fixture('github', 'tls', 'key.pem')) },
    (req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', origin);
        paths.push(`${req.method} ${url.pathname}`);
        if (req.method === 'GET' && url.pathname === '/_apis/idtoken') {
          const authorized = req.headers.authorization === `Bearer ${options.requestToken}`;
          const audience = url.searchParams.get('audience');
          idTokenRequests.push({ audience, authorized });
          if (!authorized) return json(res, 401, { message: 'invalid request token' });
          return json(res, 200, { count: 1, value: githubToken });
        }
        if (req.method === 'GET' && url.pathname === `${tenantPrefix}/v2.0/.well-known/openid-configuration`) {
          const base = `${origin}${tenantPrefix}`;
          return json(res, 200, {
            issuer: `${base}/v2.0`,
            authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
            token_endpoint: `${base}/oauth2/v2.0/token`,
            end_session_endpoint: `${base}/oauth2/v2.0/logout`,
            jwks_uri: `${origin}/discovery/v2.0/keys`,
            response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
            token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
          });
        }
        if (req.method === 'POST' && url.pathname === `${tenantPrefix}/oauth2/v2.0/token`) {
          const form = new URLSearchParams(await body(req));
          const exchange = {
            clientId: form.get('client_id'),
            grantType: form.get('grant_type'),
            clientAssertionType: form.get('client_assertion_type'),
            clientAssertion: form.get('client_assertion'),
            scope: form.get('scope'),
          };
          const accepted =
            exchange.clientId === options.clientId &&
            exchange.grantType === 'client_credentials' &&
            exchange.clientAssertionType === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' &&
            exchange.clientAssertion === githubToken;
          exchanges.push({ ...exchange, accepted });
          if (!accepted) {
            // Entra's answer when no federated credential matches the assertion.
            return json(res, 400, {
              error: 'invalid_client',
              error_description: 'AADSTS700213: No matching federated identity record found for presented assertion subject.',
              error_codes: [700213],
            });
          }
          return json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: options.accessToken });
        }
        return json(res, 404, { error: 'not_found', error_description: `${req.method} ${url.pathname}` });
      })().catch((e: unknown) => json(res, 500, { error: String(e) }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    idTokenRequestUrl: `${origin}/_apis/idtoken?api-version=2.0`,
    githubToken,
    idTokenRequests,
    exchanges,
    paths,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
