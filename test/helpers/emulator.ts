/**
 * Starts the Graph emulator in-process for a test and talks to it only over HTTP — Graph calls
 * and the control plane alike — so a test sees exactly what a user of guestops would.
 *
 *   const emu = await withEmulator({ seedPatch: (s) => ({ ...s, users: [...] }) });
 *   try { ... await emu.state() ... } finally { await emu.close(); }
 */
import { readFileSync } from 'node:fs';
import {
  demoSeedPath, startEmulator,
  type EmulatorOptions, type EmulatorStateView, type FaultRule, type RequestLogEntry, type Seed,
} from '../../src/emulator/index.js';

export type { EmulatorStateView, FaultRule, RequestLogEntry, Seed };

export interface TestEmulator {
  readonly url: string;
  close(): Promise<void>;
  state(): Promise<EmulatorStateView>;
  /** The request log, ordered; `since` returns only entries with a larger seq. */
  requests(since?: number): Promise<RequestLogEntry[]>;
  addFault(rule: FaultRule | FaultRule[]): Promise<number[]>;
  clearFaults(): Promise<void>;
  /** The guest redeems its invitation: externalUserState → Accepted. */
  redeem(id: string): Promise<{ id: string; externalUserState: string; externalUserStateChangeDateTime: string }>;
  resetLog(): Promise<void>;
}

/** The demo seed as an object (a fresh copy each call), to patch in tests. */
export function demoSeed(): Seed {
  return JSON.parse(readFileSync(demoSeedPath, 'utf8')) as Seed;
}

async function control(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}/_emulator${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`emulator control ${method} ${path}: HTTP ${res.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

export async function withEmulator(opts: EmulatorOptions & { seedPatch?: (seed: Seed) => Seed } = {}): Promise<TestEmulator> {
  const { seedPatch, ...rest } = opts;
  let seed = rest.seed;
  if (seedPatch) {
    const base = typeof seed === 'object' ? structuredClone(seed) : typeof seed === 'string' ? (JSON.parse(readFileSync(seed, 'utf8')) as Seed) : demoSeed();
    seed = seedPatch(base);
  }
  const emu = await startEmulator({ ...rest, ...(seed !== undefined ? { seed } : {}) });
  const url = emu.url;
  return {
    url,
    close: () => emu.close(),
    state: async () => (await control(url, 'GET', '/state')) as EmulatorStateView,
    requests: async (since = 0) => ((await control(url, 'GET', `/requests?since=${since}`)) as { requests: RequestLogEntry[] }).requests,
    addFault: async (rule) => ((await control(url, 'POST', '/faults', rule)) as { ids: number[] }).ids,
    clearFaults: async () => {
      await control(url, 'DELETE', '/faults');
    },
    redeem: async (id) => (await control(url, 'POST', `/redeem/${encodeURIComponent(id)}`)) as {
      id: string; externalUserState: string; externalUserStateChangeDateTime: string;
    },
    resetLog: async () => {
      await control(url, 'POST', '/reset-log');
    },
  };
}
