/**
 * guestops' local Microsoft Graph v1.0 (the subset guestops uses), for first runs without a tenant
 * (`guestops plan --emulator`) and as the real HTTP peer of every test. Start it in-process:
 *
 *   const emu = await startEmulator({ seed: demoSeedPath });
 *   // Graph at `${emu.url}/v1.0`, control plane at `${emu.url}/_emulator/...`
 *   await emu.close();
 */
import { packagePath } from '../package-root.js';
import { resolveSeed, type Seed } from './seed.js';
import { EmulatorServer } from './http-server.js';
import { GuestopsError } from '../errors.js';
import { checkConsistencySettings, type Clock, type ChangeTimeRule } from './replication.js';
import type { RequestLogEntry } from './request-log.js';
import { parseLatencySpec, type LatencyModel } from './latency.js';

export type { Seed, SeedApplication, SeedExtensionProperty, SeedRoleAssignment, SeedToken, SeedUser } from './seed.js';
export { validateSeed, loadSeedFile } from './seed.js';
export type { RequestLogEntry } from './request-log.js';
export type { EmulatorStateView } from './control.js';
export type { FaultRule } from './faults.js';
export type { InvitationMessage } from './tenant.js';
export { describeLatency, parseLatencySpec, GRAPH_LATENCY, type LatencyModel } from './latency.js';
export type { ChangeTimeRule, ConsistencySettings } from './replication.js';
export { CHANGE_TIME_RULES, MAX_REPLICATION_LAG_MS } from './replication.js';

export interface EmulatorOptions {
  /** A seed object or the path of a seed JSON file; default: the bundled demo tenant. */
  seed?: Seed | string;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Graph's throttling model (on by default with documented limits); false disables it. */
  throttle?: false | { resourceUnitsPer10s?: number; invitationsPer5s?: number; writesPer150s?: number; timeScale?: number };
  /**
   * Called synchronously after a Graph request is handled, BEFORE its response is written
   * (the crash test kills its process here).
   */
  onRequest?: (entry: RequestLogEntry) => void;
  /** The latency model (a spec such as `graph,scale=2` or a model); default: none. */
  latency?: string | LatencyModel;
  /**
   * Replication lag in ms (replication.ts): for this long after a write, readers see the object as
   * it was (a created user answers 404). Overrides the seed's `replicationLagMs`; default 0.
   */
  replicationLagMs?: number;
  /** Overrides the seed's `changeTimeRule`; default `always`. */
  changeTimeRule?: ChangeTimeRule;
  /** Monotonic milliseconds the lag is measured on (a test may drive it); default performance.now. */
  clock?: Clock;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  close(): Promise<void>;
}

/** Absolute path of the demo tenant seed (from the package root, so it works from dist/ too). */
export const demoSeedPath: string = packagePath('src', 'emulator', 'demo', 'tenant.json');

/**
 * The seed's token a user most likely wants for `--emulator SEED`: one that may reset guests
 * (User.ReadWrite.All and User.Invite.All), app-only first, as CI's apply identity is. A snapshot
 * written by `guestops snapshot` has `rehearsal-apply`; the demo tenant has `demo-apply`.
 */
export function writerToken(seed: Seed): string | undefined {
  const writers = Object.entries(seed.tokens).filter(
    ([, t]) => t.permissions.includes('User.ReadWrite.All') && t.permissions.includes('User.Invite.All'),
  );
  return (writers.find(([, t]) => t.kind === 'app') ?? writers[0])?.[0];
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const seed = resolveSeed(options.seed ?? demoSeedPath);
  const checked = checkConsistencySettings({ replicationLagMs: options.replicationLagMs, changeTimeRule: options.changeTimeRule });
  if ('problem' in checked) throw new GuestopsError('emulator-settings-invalid', `emulator option ${checked.field}: ${checked.problem}`);
  const server = new EmulatorServer({
    seed,
    port: options.port ?? 0,
    throttle: options.throttle ?? {},
    onRequest: options.onRequest,
    latency: typeof options.latency === 'string' ? parseLatencySpec(options.latency) : options.latency,
    consistency: checked.ok,
    clock: options.clock,
  });
  const url = await server.listen();
  return { url, close: () => server.close() };
}
