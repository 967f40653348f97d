/**
 * Starts the Graph emulator in-process for a test and talks to it only over HTTP — Graph calls
 * and the control plane alike — so a test sees exactly what a user of guestops would.
 *
 *   const emu = await withEmulator({ seedPatch: (s) => ({ ...s, users: [...] }) });
 *   try { ... await emu.state() ... } finally { await emu.close(); }
 */
import { readFileSync } from 'node:fs';
import { Client, HTTPMessageHandler, RetryHandler, RetryHandlerOptions, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import {
  demoSeedPath, startEmulator,
  type ConsistencySettings, type EmulatorOptions, type EmulatorStateView, type FaultRule, type RequestLogEntry, type Seed,
} from '../../src/emulator/index.js';

export type { ConsistencySettings, EmulatorStateView, FaultRule, RequestLogEntry, Seed };

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
  /** Replication settings (`GET /_emulator/settings`), changed first when `patch` is given. */
  settings(patch?: Partial<ConsistencySettings>): Promise<ConsistencySettings>;
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
    settings: async (patch) =>
      (await (patch ? control(url, 'POST', '/settings', patch) : control(url, 'GET', '/settings'))) as ConsistencySettings,
  };
}

/** Runs `fn` against a fresh, unthrottled emulator (optionally re-seeded) and always closes it. */
export async function usingEmulator(fn: (emu: TestEmulator) => Promise<void>, seedPatch?: (s: Seed) => Seed): Promise<void> {
  const emu = await withEmulator({ throttle: false, ...(seedPatch ? { seedPatch } : {}) });
  try {
    await fn(emu);
  } finally {
    await emu.close();
  }
}

export interface GraphReply {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON body, the text for non-JSON bodies, undefined when empty. */
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One raw HTTP call to the emulator's Graph (`path` starts with `/v1.0/...` or is an absolute URL). */
export async function graphFetch(
  url: string,
  path: string,
  init: { token?: string | null; method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<GraphReply> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  const token = init.token === undefined ? 'demo-apply' : init.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(path.startsWith('http') ? path : `${url}${path}`, { method: init.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/**
 * Adds the bearer token to requests for the emulator's origin. The SDK's own AuthenticationHandler
 * only authenticates `https://` URLs (GraphRequestUtil.isValidEndpoint), so against an `http://`
 * emulator it would send no token even with `customHosts`.
 */
class EmulatorAuth implements Middleware {
  private next: Middleware | undefined;
  constructor(
    private readonly origin: string,
    private readonly token: string,
  ) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    if (url.startsWith(`${this.origin}/`)) {
      const options = (context.options ??= {});
      const h = options.headers;
      if (h instanceof Headers) h.set('Authorization', `Bearer ${this.token}`);
      else options.headers = { ...((h as Record<string, string> | undefined) ?? {}), Authorization: `Bearer ${this.token}` };
    }
    return this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * The real @microsoft/microsoft-graph-client pointed at an emulator: the SDK's own retry and HTTP
 * handlers, with an auth step that works over http.
 */
export function sdkClient(url: string, token = 'demo-apply'): Client {
  return Client.initWithMiddleware({
    baseUrl: `${url}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set(['127.0.0.1']),
    middleware: [new EmulatorAuth(url, token), new RetryHandler(new RetryHandlerOptions()), new HTTPMessageHandler()],
  });
}
