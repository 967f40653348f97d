/**
 * A latency MODEL for the emulator — not a measurement of Microsoft Graph. On loopback a list page
 * of 999 users answers in milliseconds; against Graph every request costs a round trip plus the
 * service's own work, which grows with what it returns. Microsoft documents no latency figures, so
 * the numbers here are stated assumptions, chosen only to put the emulator in the right order of
 * magnitude (a fraction of a second per request, more for a full page) so that the SHAPE of
 * guestops' traffic (how many requests wait on each other) shows in wall time.
 *
 * Per top-level request: delay = (base + perObject · objects + connect?) · scale · (1 + jitter · u),
 * u in [−1, 1), for the request's class:
 *   read   single-object GET (`/users/{id}`, `/me`, `/users/$count`); objects = 1
 *   list   collection GET page; objects = entries in `value`
 *   batch  `POST /$batch`; objects = inner requests (each inner request is otherwise free)
 *   write  any other method (PATCH, POST /invitations, POST actions); objects = 1
 * `connect` is added to the first Graph request on each new connection: against Graph a client
 * opens a TCP connection and negotiates TLS before its first request on it, and the emulator
 * speaks plain HTTP on loopback, where both are nearly free. A request on a kept-alive
 * connection pays none: the partitioned guest listing pays 44 (at once, so about one on its
 * critical path), the sequential pager one.
 * u comes from a hash of (seed, method, URL, how many times this same method+URL was seen), so
 * the delays are deterministic for a given seed and request sequence, however concurrent requests
 * interleave. The delay is applied before the answer is written (after the handler ran), so
 * the request log and state change at the same moment as without the model.
 *
 * Spec (command line `guestops emulator --latency SPEC`, control plane `PUT /_emulator/latency`
 * `{"spec": SPEC}`): comma-separated items, starting from `graph` (the default model below) or
 * `off`; then `read=BASE[+PER]`, `list=…`, `batch=…`, `write=…` (milliseconds, PER per object),
 * `connect=MS` (a new connection's first request), `jitter=F` (0..1), `scale=F` (multiplies
 * every delay), `seed=N`.
 * Example: `graph,scale=2,seed=7` — twice the default model.
 */
import { createHash } from 'node:crypto';
import { GuestopsError } from '../errors.js';

export interface LatencyCost {
  readonly baseMs: number;
  readonly perObjectMs: number;
}

export type LatencyClass = 'read' | 'list' | 'batch' | 'write';

export interface LatencyModel {
  readonly read: LatencyCost;
  readonly list: LatencyCost;
  readonly batch: LatencyCost;
  readonly write: LatencyCost;
  /** Added to the first request on each new connection (TCP and TLS handshakes), milliseconds. */
  readonly connectMs: number;
  /** Relative jitter: each delay is multiplied by 1 + jitter·u, u uniform in [−1, 1). */
  readonly jitter: number;
  /** Multiplies every delay (two settings of one model in the bench). */
  readonly scale: number;
  readonly seed: number;
}

/**
 * The default model ("graph"). Assumed, not measured: 60 ms for a single read, 120 ms for a write
 * (a directory write is replicated before it is acknowledged), a list page 150 ms plus 0.35 ms
 * per returned user (≈ 500 ms for a full page of 999 with `$select`), a `$batch` 100 ms plus
 * 40 ms per inner request (Graph runs inner requests partly in parallel), 60 ms more for the
 * first request on a new connection (a TCP handshake and TLS 1.3's one round trip, at an assumed
 * 30 ms round trip; TLS 1.2 would need one more), ±25 % jitter.
 */
export const GRAPH_LATENCY: LatencyModel = Object.freeze({
  read: { baseMs: 60, perObjectMs: 0 },
  list: { baseMs: 150, perObjectMs: 0.35 },
  batch: { baseMs: 100, perObjectMs: 40 },
  write: { baseMs: 120, perObjectMs: 0 },
  connectMs: 60,
  jitter: 0.25,
  scale: 1,
  seed: 1,
});

const ZERO: LatencyCost = { baseMs: 0, perObjectMs: 0 };
export const NO_LATENCY: LatencyModel = Object.freeze({ read: ZERO, list: ZERO, batch: ZERO, write: ZERO, connectMs: 0, jitter: 0, scale: 1, seed: 1 });

function invalid(spec: string, why: string): GuestopsError {
  return new GuestopsError('emulator-latency-invalid', `latency '${spec}': ${why} (e.g. graph,scale=2,seed=7 or off,list=200+0.3,connect=60)`);
}

const NUM = '(\\d+(?:\\.\\d+)?)';

export function parseLatencySpec(spec: string): LatencyModel {
  const items = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw invalid(spec, 'empty');
  let model: { -readonly [K in keyof LatencyModel]: LatencyModel[K] } = { ...GRAPH_LATENCY };
  items.forEach((item, i) => {
    if (item === 'graph' || item === 'off') {
      if (i !== 0) throw invalid(spec, `'${item}' must come first`);
      model = { ...(item === 'graph' ? GRAPH_LATENCY : NO_LATENCY) };
      return;
    }
    const eq = item.indexOf('=');
    const key = eq === -1 ? item : item.slice(0, eq);
    const value = eq === -1 ? '' : item.slice(eq + 1);
    if (key === 'read' || key === 'list' || key === 'batch' || key === 'write') {
      const m = new RegExp(`^${NUM}(?:\\+${NUM})?$`).exec(value);
      if (!m) throw invalid(spec, `${key} needs BASE or BASE+PER in milliseconds`);
      model[key] = { baseMs: Number(m[1]), perObjectMs: m[2] === undefined ? 0 : Number(m[2]) };
    } else if (key === 'connect') {
      if (!new RegExp(`^${NUM}$`).test(value)) throw invalid(spec, 'connect must be a number of milliseconds');
      model.connectMs = Number(value);
    } else if (key === 'jitter') {
      const f = Number(value);
      if (!new RegExp(`^${NUM}$`).test(value) || f > 1) throw invalid(spec, 'jitter must be a number from 0 to 1');
      model.jitter = f;
    } else if (key === 'scale') {
      if (!new RegExp(`^${NUM}$`).test(value)) throw invalid(spec, 'scale must be a non-negative number');
      model.scale = Number(value);
    } else if (key === 'seed') {
      if (!/^\d{1,9}$/.test(value)) throw invalid(spec, 'seed must be a non-negative integer');
      model.seed = Number(value);
    } else {
      throw invalid(spec, `unknown item '${item}'`);
    }
  });
  return Object.freeze(model);
}

/** One line naming every figure of a model, for the bench output and `GET /_emulator/latency`. */
export function describeLatency(m: LatencyModel): string {
  const c = (x: LatencyCost, unit: string) => `${x.baseMs} ms${x.perObjectMs ? ` + ${x.perObjectMs} ms/${unit}` : ''}`;
  return `read ${c(m.read, 'object')}, list page ${c(m.list, 'user')}, $batch ${c(m.batch, 'inner request')}, write ${c(m.write, 'object')}, new connection +${m.connectMs} ms, jitter ±${Math.round(m.jitter * 100)} %, scale ${m.scale}, seed ${m.seed}`;
}

/** Which cost a request pays, and for how many objects, from its method, path and answer. */
export function classify(method: string, path: string, body: unknown): { kind: LatencyClass; objects: number } {
  if (method === 'POST' && /\/\$batch$/i.test(path)) {
    const responses = (body as { responses?: unknown } | undefined)?.responses;
    return { kind: 'batch', objects: Array.isArray(responses) ? responses.length : 0 };
  }
  if (method !== 'GET') return { kind: 'write', objects: 1 };
  const value = (body as { value?: unknown } | undefined)?.value;
  return Array.isArray(value) ? { kind: 'list', objects: value.length } : { kind: 'read', objects: 1 };
}

/** Delays applied, newest last, kept for the control plane (tests judge the model from it). */
export interface AppliedDelay {
  readonly method: string;
  readonly url: string;
  readonly kind: LatencyClass;
  readonly objects: number;
  /** The first request on its connection: it paid the model's connect cost. */
  readonly newConnection: boolean;
  readonly ms: number;
}

const APPLIED_KEPT = 10_000;

export class LatencyInjector {
  private readonly seen = new Map<string, number>();
  readonly applied: AppliedDelay[] = [];
  constructor(readonly model: LatencyModel) {}

  /** The delay for this request; advances the per-request-key occurrence counter. */
  delayMs(method: string, url: string, path: string, body: unknown, newConnection: boolean): number {
    const { kind, objects } = classify(method, path, body);
    const cost = this.model[kind];
    const raw = (cost.baseMs + cost.perObjectMs * objects + (newConnection ? this.model.connectMs : 0)) * this.model.scale;
    let ms = 0;
    if (raw > 0) {
      const key = `${method} ${url}`;
      const n = (this.seen.get(key) ?? 0) + 1;
      this.seen.set(key, n);
      const h = createHash('sha256').update(`${this.model.seed}\n${key}\n${n}`).digest();
      const u = (h.readUInt32BE(0) / 2 ** 32) * 2 - 1;
      ms = Math.max(0, Math.round(raw * (1 + this.model.jitter * u)));
    }
    if (this.applied.length >= APPLIED_KEPT) this.applied.shift();
    this.applied.push({ method, url, kind, objects, newConnection, ms });
    return ms;
  }
}

/** Holder of the current model, changed at run time through the control plane. */
export interface LatencySettable {
  latency: LatencyInjector | undefined;
}

/**
 * `GET /_emulator/latency` (the model in force, or null, and the delays applied so far), `PUT` with `{"spec": "..."}` (a fresh
 * injector: occurrence counters restart, so a test can replay a sequence), `DELETE` (off).
 */
export function latencyControl(target: LatencySettable, method: string, body: string): { status: number; body?: unknown } {
  const view = () => ({
    model: target.latency?.model ?? null,
    description: target.latency ? describeLatency(target.latency.model) : 'off',
    applied: target.latency?.applied ?? [],
  });
  if (method === 'GET') return { status: 200, body: view() };
  if (method === 'DELETE') {
    target.latency = undefined;
    return { status: 204 };
  }
  if (method === 'PUT') {
    let spec: unknown;
    try {
      spec = (JSON.parse(body) as { spec?: unknown }).spec;
    } catch {
      return { status: 400, body: { error: { code: 'emulator-latency-invalid', message: 'latency: body is not JSON' } } };
    }
    if (typeof spec !== 'string') return { status: 400, body: { error: { code: 'emulator-latency-invalid', message: 'latency: body needs {"spec": "..."}' } } };
    try {
      target.latency = new LatencyInjector(parseLatencySpec(spec));
    } catch (e) {
      if (e instanceof GuestopsError) return { status: 400, body: { error: { code: e.code, message: e.message } } };
      throw e;
    }
    return { status: 200, body: view() };
  }
  return { status: 405, body: { error: { code: 'method-not-allowed', message: `latency: ${method} not allowed` } } };
}
