/**
 * `guestops emulator`: runs the local Graph emulator in the foreground, for trying guestops
 * without a tenant and for pointing other tools at it (`--graph-url http://127.0.0.1:PORT`).
 */
import type { Command } from '../command.js';
import { GuestopsError } from '../../errors.js';
import { CHANGE_TIME_RULES, MAX_REPLICATION_LAG_MS, type ChangeTimeRule } from '../../emulator/replication.js';
import { describeLatency, parseLatencySpec, type LatencyModel } from '../../emulator/latency.js';

const usage = `guestops emulator: run a local Microsoft Graph v1.0 (demo tenant by default) for a first run, a rehearsal or tests.

Usage: guestops emulator [--port N] [--seed FILE] [--no-throttle] [--resource-units N] [--invitations-per-5s N] [--latency SPEC]
                         [--replication-lag MS] [--change-time-rule always|on-state-change]

Runs a local Microsoft Graph v1.0 emulator (the subset guestops uses) on 127.0.0.1 until
interrupted (Ctrl-C / SIGTERM). The first line printed is
  Graph emulator listening on http://127.0.0.1:PORT

Options:
  --port N        TCP port (default 0: pick a free one)
  --seed FILE     tenant seed JSON (default: the bundled demo tenant matching guests/)
  --no-throttle   disable Graph's throttling model (resource units per 10 s, 150 invitations per 5 s)
  --resource-units N        resource units per 10 s per app (default by tenant size: 3500/5000/8000)
  --invitations-per-5s N    invitation manager limit per tenant (default 150)
  --latency SPEC  delay answers by a latency MODEL (assumed figures, not measured): 'graph' is the
                  default model; items override it: read=BASE[+PER], list=..., batch=..., write=...
                  (ms, PER per returned object), connect=MS (a new connection's first request),
                  jitter=F, scale=F, seed=N; 'off,...' starts from 0.
                  Example: --latency graph,scale=2,seed=7. Also PUT /_emulator/latency {"spec":...}
  --replication-lag MS      for MS milliseconds after a write, reads show the object as it was and a
                            newly invited user answers 404, as Entra ID replicas do (default: the
                            seed's replicationLagMs, else 0)
  --change-time-rule R      whether resetting a guest that is already PendingAcceptance moves its
                            externalUserStateChangeDateTime: always | on-state-change
                            (default: the seed's changeTimeRule, else always)
  --help          show this help

Graph is served under /v1.0 (tokens come from the seed, e.g. "Authorization: Bearer demo-plan");
the test control plane under /_emulator (state, requests, faults, settings, redeem/{id}).
Example (demo-plan may not list directory extensions, as a least-privilege plan identity, so the
marker property is named):
  GUESTOPS_TOKEN=demo-plan GUESTOPS_MARKER_PROPERTY=extension_8c3f2a105b7e4d2c9a613e0f7b9d2c41_guestopsState guestops plan --graph-url http://127.0.0.1:PORT
`;

interface EmulatorArgs {
  port: number;
  seed: string | undefined;
  throttle: boolean;
  resourceUnits: number | undefined;
  invitations: number | undefined;
  latency: LatencyModel | undefined;
  replicationLagMs: number | undefined;
  changeTimeRule: ChangeTimeRule | undefined;
}

function positive(flag: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new GuestopsError('usage', `${flag} must be a positive integer, got '${v}'`);
  return Number(v);
}

function parseArgs(args: readonly string[]): EmulatorArgs {
  const out: EmulatorArgs = {
    port: 0, seed: undefined, throttle: true, resourceUnits: undefined, invitations: undefined, latency: undefined,
    replicationLagMs: undefined, changeTimeRule: undefined,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new GuestopsError('usage', `${flag} needs a value`);
      return v;
    };
    if (flag === '--port') {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n > 65535) throw new GuestopsError('usage', `--port must be an integer 0..65535, got '${v}'`);
      out.port = n;
    } else if (flag === '--seed') {
      out.seed = value();
    } else if (flag === '--resource-units') {
      out.resourceUnits = positive(flag, value());
    } else if (flag === '--invitations-per-5s') {
      out.invitations = positive(flag, value());
    } else if (flag === '--latency') {
      const spec = value();
      try {
        out.latency = parseLatencySpec(spec);
      } catch (e) {
        throw new GuestopsError('usage', (e as Error).message);
      }
    } else if (flag === '--replication-lag') {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) > MAX_REPLICATION_LAG_MS) {
        throw new GuestopsError('usage', `--replication-lag must be an integer 0..${MAX_REPLICATION_LAG_MS} (milliseconds), got '${v}'`);
      }
      out.replicationLagMs = Number(v);
    } else if (flag === '--change-time-rule') {
      const v = value();
      if (!(CHANGE_TIME_RULES as readonly string[]).includes(v)) {
        throw new GuestopsError('usage', `--change-time-rule must be one of ${CHANGE_TIME_RULES.join(', ')}, got '${v}'`);
      }
      out.changeTimeRule = v as ChangeTimeRule;
    } else if (flag === '--no-throttle' && inline === undefined) {
      out.throttle = false;
    } else {
      throw new GuestopsError('usage', `unknown option '${a}' (see guestops emulator --help)`);
    }
  }
  return out;
}

/** A port already taken (or not ours to take) is a one-line error naming the way out. */
async function listenOrExplain<T>(port: number | undefined, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new GuestopsError('emulator-port-in-use', `port ${port} on 127.0.0.1 is already in use: stop what listens there, or pick another --port (0 picks a free one)`);
    }
    if (code === 'EACCES') {
      throw new GuestopsError('emulator-port-denied', `port ${port} on 127.0.0.1 may not be opened by this user: pick a port above 1023, or --port 0 for a free one`);
    }
    throw e;
  }
}

export const command: Command = {
  summary: 'Run the local Graph emulator (demo tenant) on 127.0.0.1',
  usage,
  async run(args) {
    const opts = parseArgs(args);
    const { startEmulator } = await import('../../emulator/index.js');
    const emu = await listenOrExplain(opts.port, () => startEmulator({
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      port: opts.port,
      ...(opts.replicationLagMs !== undefined ? { replicationLagMs: opts.replicationLagMs } : {}),
      ...(opts.changeTimeRule !== undefined ? { changeTimeRule: opts.changeTimeRule } : {}),
      throttle: opts.throttle
        ? {
            ...(opts.resourceUnits !== undefined ? { resourceUnitsPer10s: opts.resourceUnits } : {}),
            ...(opts.invitations !== undefined ? { invitationsPer5s: opts.invitations } : {}),
          }
        : false,
      ...(opts.latency ? { latency: opts.latency } : {}),
    }));
    process.stdout.write(`Graph emulator listening on ${emu.url}\n`);
    if (opts.latency) process.stdout.write(`latency model (assumed, not measured): ${describeLatency(opts.latency)}\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await emu.close();
    return 0;
  },
};
