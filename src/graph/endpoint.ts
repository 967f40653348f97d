/**
 * Which Graph endpoint guestops talks to, and which credential it may send there. The rule is the
 * whole defence against handing a tenant's token to someone else's server:
 *   - real credentials (GitHub OIDC, DefaultAzureCredential) go ONLY to a Microsoft Graph host,
 *     matched exactly (`graph.microsoft.com.evil.example` is not Graph), over https on port 443;
 *   - any other endpoint needs the static GUESTOPS_TOKEN (the emulator, a rehearsal copy), and
 *     over plain http only on loopback, where nobody on the network reads the bearer.
 */
import { GuestopsError } from '../errors.js';

export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com';

/**
 * Microsoft Graph service roots, global and national clouds, with the Entra token service of
 * each ("Microsoft Graph national cloud deployments", https://learn.microsoft.com/graph/deployments:
 * Germany's graph.microsoft.de was retired and is no longer listed).
 */
const MICROSOFT_GRAPH_CLOUDS: Readonly<Record<string, { readonly authorityHost: string }>> = {
  'graph.microsoft.com': { authorityHost: 'https://login.microsoftonline.com' },
  'graph.microsoft.us': { authorityHost: 'https://login.microsoftonline.us' },
  'dod-graph.microsoft.us': { authorityHost: 'https://login.microsoftonline.us' },
  'microsoftgraph.chinacloudapi.cn': { authorityHost: 'https://login.chinacloudapi.cn' },
};

/** `--graph-url`, else `GUESTOPS_GRAPH_URL`, else Microsoft Graph; normalised without trailing `/`. */
export function resolveGraphUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const raw = flag ?? env['GUESTOPS_GRAPH_URL'] ?? DEFAULT_GRAPH_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GuestopsError('graph-url-invalid', `the Graph URL '${raw}' is not a URL (use e.g. ${DEFAULT_GRAPH_URL})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new GuestopsError('graph-url-invalid', `the Graph URL '${raw}' must be http(s)`);
  }
  if (url.username || url.password) throw new GuestopsError('graph-url-invalid', `the Graph URL must not carry a user name or password`);
  if (url.search || url.hash) throw new GuestopsError('graph-url-invalid', `the Graph URL '${raw}' must not carry a query or fragment`);
  // A trailing /v1.0 is accepted and dropped: guestops always adds the version itself.
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1\.0$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/** Exact host match (the URL parser lower-cases the host; a trailing dot, another label or a port-less look-alike is not Graph). */
export function isMicrosoftGraphHost(graphUrl: string): boolean {
  return Object.hasOwn(MICROSOFT_GRAPH_CLOUDS, new URL(graphUrl).hostname);
}

/** 127.0.0.0/8, ::1 and `localhost`: traffic that never leaves the machine. */
export function isLoopback(graphUrl: string): boolean {
  const host = new URL(graphUrl).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export type CredentialKind = 'real' | 'static-token';

export interface CredentialTarget {
  readonly kind: CredentialKind;
  /** The scope to ask Entra for: `<service root>/.default` (national clouds have their own). */
  readonly scope: string;
  /** The cloud's Entra token service, for real credentials. */
  readonly authorityHost: string | null;
}

/**
 * Decides, before any connection, which credential `graphUrl` may receive; refuses with a
 * one-line error otherwise. `staticToken`: whether GUESTOPS_TOKEN is set.
 */
export function credentialTarget(graphUrl: string, staticToken: boolean): CredentialTarget {
  const url = new URL(graphUrl);
  const cloud = MICROSOFT_GRAPH_CLOUDS[url.hostname];
  if (cloud !== undefined && Object.hasOwn(MICROSOFT_GRAPH_CLOUDS, url.hostname)) {
    if (url.protocol !== 'https:' || (url.port !== '' && url.port !== '443')) {
      throw new GuestopsError('graph-url-insecure', `credentials are sent to ${url.hostname} only over https on port 443, not ${url.protocol}//${url.host}`);
    }
    if (staticToken) {
      throw new GuestopsError(
        'static-token-refused',
        `GUESTOPS_TOKEN is only accepted for a non-Microsoft Graph URL (the emulator); ${url.host} needs a real credential: unset GUESTOPS_TOKEN and sign in with 'az login', or run in GitHub Actions with AZURE_TENANT_ID/AZURE_CLIENT_ID (OIDC)`,
      );
    }
    return { kind: 'real', scope: `https://${url.hostname}/.default`, authorityHost: cloud.authorityHost };
  }
  if (!staticToken) {
    throw new GuestopsError(
      'graph-host-refused',
      `${url.host} is not a Microsoft Graph host (graph.microsoft.com, graph.microsoft.us, dod-graph.microsoft.us, microsoftgraph.chinacloudapi.cn): guestops sends it no Azure or GitHub credential; set GUESTOPS_TOKEN for an emulator`,
    );
  }
  if (url.protocol === 'http:' && !isLoopback(graphUrl)) {
    throw new GuestopsError('graph-url-insecure', `GUESTOPS_TOKEN is sent over plain http only to a loopback address (127.0.0.1, ::1, localhost), not ${url.host}; use https`);
  }
  return { kind: 'static-token', scope: '', authorityHost: null };
}
