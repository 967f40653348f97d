/**
 * Graph connection options shared by plan, apply and setup:
 *   --graph-url URL          (or GUESTOPS_GRAPH_URL; default https://graph.microsoft.com)
 *   --emulator [SEED]        start the in-process Graph emulator (demo tenant, or the SEED file)
 *   --marker-property NAME   (or GUESTOPS_MARKER_PROPERTY; default: discover *_guestopsState)
 * and the credential choice (src/graph/credentials.ts). Only src/cli may import the emulator.
 */
import { GuestopsError } from '../errors.js';
import { createGraph, type Graph } from '../graph/client.js';
import { resolveCredentials, type CredentialSource } from '../graph/credentials.js';
import { resolveGraphUrl } from '../graph/endpoint.js';
import { pacerOptionsFromEnv } from '../graph/pacer.js';
import { retryPolicyFromEnv, retryWaitLine, type RetryWait } from '../graph/retry-policy.js';
import { consistency, consistencyWaitLine, consistencyWindowSeconds, type ConsistencyWait } from '../graph/consistency.js';
import { escapeUntrusted } from '../render/untrusted.js';

export const CONNECTION_OPTIONS = {
  'graph-url': { type: 'string' },
  emulator: { type: 'string' },
  'marker-property': { type: 'string' },
} as const;

export const CONNECTION_USAGE = `Connection:
  --graph-url URL          Graph endpoint (env GUESTOPS_GRAPH_URL; default https://graph.microsoft.com)
  --emulator [SEED]        run against the built-in local Graph emulator (demo tenant, or a seed JSON file)
  --marker-property NAME   where guestops keeps its state marker on each user: a directory extension
                           extension_<appId>_guestopsState (see 'guestops setup') or extensionAttribute1..15
                           (env GUESTOPS_MARKER_PROPERTY; default: discover the tenant's *_guestopsState)
Credentials: GUESTOPS_TOKEN (static bearer, non-Microsoft endpoints only, e.g. the emulator);
  in GitHub Actions AZURE_TENANT_ID + AZURE_CLIENT_ID with OIDC; otherwise DefaultAzureCredential (az login).
Tuning (env): GUESTOPS_MAX_RETRIES, GUESTOPS_RETRY_MAX_WAIT_MS, GUESTOPS_HTTP_TIMEOUT_MS,
  GUESTOPS_INVITATION_RATE (default 150/5s).
Tests and rehearsals (env): GUESTOPS_NOW=2026-07-01 judges expiry and status on that day instead of today.`;

/**
 * `--emulator` takes an optional value, which parseArgs cannot express: a bare `--emulator`
 * (last, or followed by another option) becomes `--emulator=` (empty = demo seed).
 */
export function normalizeOptionalEmulator(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--emulator') {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('-')) out.push('--emulator=');
      else {
        out.push(`--emulator=${next}`);
        i++;
      }
    } else out.push(a);
  }
  return out;
}

export interface ConnectionFlags {
  readonly 'graph-url'?: string | undefined;
  readonly emulator?: string | undefined;
  readonly 'marker-property'?: string | undefined;
  /** apply only: seconds a write may stay invisible to readers (env GUESTOPS_CONSISTENCY_WINDOW_SECONDS). */
  readonly 'consistency-window'?: string | undefined;
}

export interface Connection {
  readonly graph: Graph;
  readonly graphUrl: string;
  /** Configured marker property name, or undefined to discover it. */
  readonly markerProperty: string | undefined;
  readonly credentialSource: CredentialSource;
  readonly emulator: boolean;
  close(): Promise<void>;
}

/** Waits before a retry from this long on are printed. */
const LONG_WAIT_MS = 2_000;

export async function connect(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env, stderr: NodeJS.WritableStream = process.stderr): Promise<Connection> {
  let windowSeconds = consistencyWindowSeconds(flags['consistency-window'], env);
  const windowChosen = flags['consistency-window'] !== undefined || (env['GUESTOPS_CONSISTENCY_WINDOW_SECONDS'] ?? '') !== '';
  let close = async () => {};
  let graphUrl: string;
  let connEnv = env;
  const usingEmulator = flags.emulator !== undefined;
  if (usingEmulator) {
    if (flags['graph-url'] !== undefined) throw new GuestopsError('usage', '--emulator and --graph-url cannot be combined');
    const emu = await import('../emulator/index.js');
    const seedPath = flags.emulator === '' ? emu.demoSeedPath : flags.emulator!;
    const seed = emu.loadSeedFile(seedPath);
    const started = await emu.startEmulator({ seed, port: 0 });
    // The embedded emulator replicates exactly as its seed says: unless told otherwise, the
    // window is its lag plus a second of margin (0 for the demo tenant, which has none), not the
    // default meant for Entra ID.
    const lagMs = seed.replicationLagMs ?? 0;
    if (!windowChosen) windowSeconds = lagMs > 0 ? (lagMs + 1_000) / 1000 : 0;
    close = () => started.close();
    graphUrl = resolveGraphUrl(started.url, {});
    const token = env['GUESTOPS_TOKEN'] || emu.writerToken(seed);
    if (!token) {
      await close();
      throw new GuestopsError('usage', `seed ${seedPath} has no token allowed to write users and invite; set GUESTOPS_TOKEN to one of its tokens`);
    }
    connEnv = { ...env, GUESTOPS_TOKEN: token };
    stderr.write(`guestops: using the local Graph emulator at ${graphUrl} (${flags.emulator === '' ? 'demo tenant' : `seed ${escapeUntrusted(seedPath)}`}); nothing is sent to Microsoft\n`);
  } else {
    graphUrl = resolveGraphUrl(flags['graph-url'], env);
  }
  try {
    const creds = await resolveCredentials(graphUrl, connEnv);
    // A wait of 2 s or more is said on stderr: nobody should stare at a silent terminal.
    const onRetryWait = (w: RetryWait) => {
      if (w.waitMs >= LONG_WAIT_MS) stderr.write(`${escapeUntrusted(retryWaitLine(w))}\n`);
    };
    // Waits for guestops' own write to show are told the same way, once they add up to 2 s.
    const onConsistencyWait = (w: ConsistencyWait) => stderr.write(`${escapeUntrusted(consistencyWaitLine(w))}\n`);
    const graph = createGraph({
      graphUrl, auth: creds.provider, retry: retryPolicyFromEnv(env), invitationRate: pacerOptionsFromEnv(env), consistency: consistency(windowSeconds, onConsistencyWait), onRetryWait,
    });
    const markerProperty = flags['marker-property'] ?? (env['GUESTOPS_MARKER_PROPERTY'] || undefined);
    return { graph, graphUrl, markerProperty, credentialSource: creds.source, emulator: usingEmulator, close };
  } catch (e) {
    await close();
    throw e;
  }
}
