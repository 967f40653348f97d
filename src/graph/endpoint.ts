/** Which Graph endpoint guestops talks to, and whether it is Microsoft's. */
import { GuestopsError } from '../errors.js';

export const DEFAULT_GRAPH_URL = 'https://graph.microsoft.com';

/** Microsoft Graph hosts (global and national clouds): real tokens only, never a static bearer. */
const MICROSOFT_GRAPH_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
  'graph.microsoft.de',
]);

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
  if (url.search || url.hash) throw new GuestopsError('graph-url-invalid', `the Graph URL '${raw}' must not carry a query or fragment`);
  // A trailing /v1.0 is accepted and dropped: guestops always adds the version itself.
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1\.0$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

export function isMicrosoftGraphHost(graphUrl: string): boolean {
  return MICROSOFT_GRAPH_HOSTS.has(new URL(graphUrl).hostname.toLowerCase());
}
