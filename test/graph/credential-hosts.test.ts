/**
 * Credentials only where they belong, driven through the CLI. Real credentials (GitHub OIDC,
 * DefaultAzureCredential) were once sent to `http://graph.microsoft.com`,
 * `https://graph.microsoft.com.evil.example` and `http://10.0.0.5:8080`. Each is now refused
 * with a one-line error before any connection: the token service stand-in, which every real
 * credential would have to call first, sees nothing, and no request is sent anywhere (the
 * refusal comes before the Graph client exists; no test sends traffic beyond loopback).
 * The Authorization header never follows a redirect to another origin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli } from '../helpers/cli.js';
import { withEmulator } from '../helpers/emulator.js';
import { graphAliasEnv } from '../helpers/graph-host-alias.js';
import { demoWorkdir, MARKER } from '../apply/support.js';
import { startIdentityStandIn, TLS_CERT_PATH, type IdentityStandIn } from '../github/support/identity-stand-in.js';

const TENANT = '0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9';
const CLIENT = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

async function withIdentity(fn: (idp: IdentityStandIn, env: Record<string, string>) => Promise<void>): Promise<void> {
  const idp = await startIdentityStandIn({ tenantId: TENANT, clientId: CLIENT, requestToken: 'runner-request-token', accessToken: 'demo-plan', subject: 'repo:contoso/guests:pull_request' });
  const env = {
    GITHUB_ACTIONS: 'true',
    NODE_EXTRA_CA_CERTS: TLS_CERT_PATH,
    GUESTOPS_MARKER_PROPERTY: MARKER,
    AZURE_TENANT_ID: TENANT,
    AZURE_CLIENT_ID: CLIENT,
    AZURE_AUTHORITY_HOST: idp.origin,
    ACTIONS_ID_TOKEN_REQUEST_URL: idp.idTokenRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token',
  };
  try {
    await fn(idp, env);
  } finally {
    await idp.close();
  }
}

/** A loopback listener that only counts connections: proof that nothing was sent to it. */
async function countingListener(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = createServer((_req, res) => res.end('{}'));
  server.on('connection', () => n++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => n, close: () => new Promise((r) => server.close(() => r())) };
}

function assertOneLineRefusal(stderr: string, code: string): void {
  // In Actions the line is fenced in ::stop-commands::T … ::T:: (src/render/untrusted.ts).
  const lines = stderr.trim().split('\n').filter((l) => !/^::(stop-commands::)?[0-9a-f]{32}(::)?$/.test(l));
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, new RegExp(`^guestops plan: error ${code}: `));
}

test('real credentials are refused for anything but a Microsoft Graph host over https, before any connection', async () => {
  await withIdentity(async (idp, env) => {
    const local = await countingListener();
    try {
      const cases: [string, string][] = [
        ['http://graph.microsoft.com', 'graph-url-insecure'],
        ['https://graph.microsoft.com:8443', 'graph-url-insecure'],
        ['https://graph.microsoft.com.evil.example', 'graph-host-refused'],
        ['https://graph.microsoft.com.', 'graph-host-refused'],
        ['https://evil-graph.microsoft.us', 'graph-host-refused'],
        ['http://10.0.0.5:8080', 'graph-host-refused'],
        [local.url, 'graph-host-refused'],
      ];
      for (const [url, code] of cases) {
        const r = await runCli(['plan', '--graph-url', url], { cwd: demoWorkdir(), env });
        assert.equal(r.code, 1, `${url}: ${r.stderr}`);
        assertOneLineRefusal(r.stderr, code);
      }
      assert.deepEqual(idp.paths, [], 'no credential was asked for');
      assert.deepEqual(idp.idTokenRequests, [], 'no GitHub OIDC token was minted');
      assert.equal(local.connections(), 0, 'nothing connected to the loopback listener');
    } finally {
      await local.close();
    }
  });
});

test('GUESTOPS_TOKEN goes over plain http only to loopback', async () => {
  const r = await runCli(['plan', '--graph-url', 'http://10.0.0.5:8080'], { cwd: demoWorkdir(), env: { GUESTOPS_TOKEN: 'static-token-value' } });
  assert.equal(r.code, 1);
  assertOneLineRefusal(r.stderr, 'graph-url-insecure');
  assert.doesNotMatch(r.stderr, /static-token-value/);
});

test('a national cloud gets a token for its own scope', async () => {
  await withIdentity(async (idp, env) => {
    const emu = await withEmulator({ throttle: false });
    try {
      const r = await runCli(['plan', '--graph-url', 'https://graph.microsoft.us'], {
        cwd: demoWorkdir(),
        env: { ...env, ...graphAliasEnv('https://graph.microsoft.us', emu.url) },
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.ok(idp.exchanges.length >= 1);
      for (const x of idp.exchanges) assert.equal(x.scope, 'https://graph.microsoft.us/.default');
    } finally {
      await emu.close();
    }
  });
});

interface Recorded {
  readonly path: string;
  readonly authorization: string | undefined;
}

/** A proxy in front of the emulator that answers every request not under /moved with a redirect. */
async function redirectingProxy(emuUrl: string, target: (path: string, self: string) => string, status = 307): Promise<{ url: string; seen: Recorded[]; close: () => Promise<void> }> {
  const seen: Recorded[] = [];
  const emu = new URL(emuUrl);
  let self = '';
  const server: Server = createServer((req: IncomingMessage, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if (!req.url!.startsWith('/moved/')) {
      res.writeHead(status, { location: target(req.url!, self) }).end();
      return;
    }
    const up = request({ host: emu.hostname, port: emu.port, method: req.method, path: req.url!.slice('/moved'.length), headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: self, seen, close: () => new Promise((r) => server.close(() => r())) };
}

test('a redirect within the Graph origin is followed with the token; one to another origin is refused and receives nothing', async () => {
  const emu = await withEmulator({ throttle: false });
  const elsewhere = await countingListener();
  try {
    const env = { GUESTOPS_TOKEN: 'demo-plan', GUESTOPS_MARKER_PROPERTY: MARKER };
    // Same origin: every request (GETs and the $batch POST) is moved under /moved, with its token.
    const same = await redirectingProxy(emu.url, (path) => `/moved${path}`);
    try {
      const r = await runCli(['plan', '--graph-url', same.url], { cwd: demoWorkdir(), env });
      assert.equal(r.code, 0, r.stderr);
      const followed = same.seen.filter((s) => s.path.startsWith('/moved/'));
      assert.ok(followed.length >= 2);
      for (const s of followed) assert.equal(s.authorization, 'Bearer demo-plan');
    } finally {
      await same.close();
    }
    // Another origin: a different port, and the same server under another name (localhost).
    for (const to of [(path: string) => `${elsewhere.url}${path}`, (path: string, self: string) => `${self.replace('127.0.0.1', 'localhost')}/moved${path}`]) {
      const away = await redirectingProxy(emu.url, to, 302);
      try {
        const r = await runCli(['plan', '--graph-url', away.url], { cwd: demoWorkdir(), env });
        assert.equal(r.code, 1);
        assertOneLineRefusal(r.stderr, 'graph-redirect-refused');
        assert.match(r.stderr, /to another origin \(http:\/\/(127\.0\.0\.1|localhost):\d+\)/);
        assert.deepEqual(away.seen.filter((s) => s.path.startsWith('/moved/')), [], 'the redirect was not followed');
      } finally {
        await away.close();
      }
    }
    assert.equal(elsewhere.connections(), 0);
  } finally {
    await elsewhere.close();
    await emu.close();
  }
});
