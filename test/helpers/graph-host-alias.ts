/**
 * Test-only preload for the guestops child process (`node --import`): guestops sends real
 * credentials only to Microsoft Graph hosts over https, so a test of the OIDC path must run it
 * against `https://graph.microsoft.com` (or a national cloud). This module makes such requests
 * reach a local emulator instead, below guestops and the Graph SDK, exactly where the network
 * would be: GUESTOPS_TEST_GRAPH_ALIAS=`https://graph.microsoft.com=http://127.0.0.1:PORT`.
 * Nothing of guestops itself is changed; only the child's global fetch is.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

const spec = process.env['GUESTOPS_TEST_GRAPH_ALIAS'];
if (spec) {
  const [from, to] = spec.split('=') as [string, string];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(raw);
    if (url.origin === from) return realFetch(`${to}${url.pathname}${url.search}`, init);
    return realFetch(input, init);
  };
}

/** Environment for a child guestops whose requests to `origin` go to `target` (an emulator URL). */
export function graphAliasEnv(origin: string, target: string): Record<string, string> {
  const self = pathToFileURL(fileURLToPath(import.meta.url)).href;
  return { NODE_OPTIONS: `--import ${self}`, GUESTOPS_TEST_GRAPH_ALIAS: `${origin}=${target}` };
}
