/**
 * Child-process entry point for the OIDC test: builds githubOidcCredential from the environment
 * (as the plan/apply commands do) and asks for a Graph token. Prints one JSON line last:
 * {token, expiresOnTimestamp} or {error}. A separate process so NODE_EXTRA_CA_CERTS (read at
 * start-up only) can trust the stand-in's test certificate.
 */
import { githubOidcCredential } from '../../../src/github/oidc.js';

const env = process.env;
try {
  const credential = githubOidcCredential({
    tenantId: env['AZURE_TENANT_ID'] ?? '',
    clientId: env['AZURE_CLIENT_ID'] ?? '',
    ...(env['AZURE_AUTHORITY_HOST'] ? { authorityHost: env['AZURE_AUTHORITY_HOST'] } : {}),
  });
  const token = await credential.getToken('https://graph.microsoft.com/.default');
  process.stdout.write(JSON.stringify({ token: token?.token ?? null, expiresOnTimestamp: token?.expiresOnTimestamp ?? null }) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }) + '\n');
  process.exitCode = 1;
}
