/**
 * Fault rules for tests (the control plane's `POST /_emulator/faults`): match a method and path
 * (exact, or a glob where `*` matches any characters), optionally only after `afterRequests`
 * matching requests went through untouched, then for `times` requests (default: every one)
 * answer `status` (with Retry-After), add latency, or drop the connection. `phase: "after"` lets
 * the request take effect first and only then replaces the response — the lost-response case
 * an exactly-once apply must survive.
 */
import { GuestopsError } from '../errors.js';

export interface FaultRule {
  readonly method?: string;
  /** Path without query, e.g. `/v1.0/invitations` or `/v1.0/users/*`. */
  readonly path: string;
  readonly status?: number;
  readonly times?: number;
  /** Seconds (number) or an HTTP-date string, sent as Retry-After. */
  readonly retryAfter?: number | string;
  readonly latencyMs?: number;
  /** Destroy the socket instead of answering (inside $batch: the whole batch connection). */
  readonly drop?: true;
  /** Let this many matching requests through before the rule fires. */
  readonly afterRequests?: number;
  /** `before` (default): the request never reaches the handler. `after`: it does, then the answer is replaced. */
  readonly phase?: 'before' | 'after';
  /** Error code in the body; default derived from the status. */
  readonly code?: string;
}

interface ActiveRule {
  readonly rule: FaultRule;
  readonly matcher: RegExp;
  seen: number;
  fired: number;
}

export interface FaultDecision {
  readonly index: number;
  readonly rule: FaultRule;
}

export function validateFaultRule(data: unknown): FaultRule {
  const fail = (why: string): never => {
    throw new GuestopsError('emulator-fault-invalid', `fault rule: ${why}`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('must be a JSON object');
  const o = data as Record<string, unknown>;
  const known = new Set(['method', 'path', 'status', 'times', 'retryAfter', 'latencyMs', 'drop', 'afterRequests', 'phase', 'code']);
  for (const k of Object.keys(o)) if (!known.has(k)) fail(`unknown field '${k}'`);
  if (typeof o['path'] !== 'string' || !o['path'].startsWith('/')) fail("'path' must be a string starting with /");
  if (o['method'] !== undefined && typeof o['method'] !== 'string') fail("'method' must be a string");
  const int = (k: string, min: number): void => {
    const v = o[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min)) fail(`'${k}' must be an integer >= ${min}`);
  };
  int('times', 1);
  int('latencyMs', 0);
  int('afterRequests', 0);
  if (o['status'] !== undefined && (typeof o['status'] !== 'number' || !Number.isInteger(o['status']) || o['status'] < 200 || o['status'] > 599)) {
    fail("'status' must be an HTTP status 200..599");
  }
  if (o['drop'] !== undefined && o['drop'] !== true) fail("'drop' must be true when present");
  const ra = o['retryAfter'];
  if (ra !== undefined && !(typeof ra === 'number' && ra >= 0) && !(typeof ra === 'string' && !Number.isNaN(Date.parse(ra)))) {
    fail("'retryAfter' must be a number of seconds or an HTTP-date");
  }
  if (o['phase'] !== undefined && o['phase'] !== 'before' && o['phase'] !== 'after') fail("'phase' must be 'before' or 'after'");
  if (o['code'] !== undefined && typeof o['code'] !== 'string') fail("'code' must be a string");
  if (o['status'] === undefined && o['drop'] === undefined && o['latencyMs'] === undefined) {
    fail("give at least one of 'status', 'drop', 'latencyMs'");
  }
  return o as unknown as FaultRule;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${escaped}$`, 'i');
}

export class FaultTable {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): number {
    this.rules.push({ rule, matcher: globToRegExp(rule.path), seen: 0, fired: 0 });
    return this.rules.length - 1;
  }

  clear(): void {
    this.rules = [];
  }

  list(): { rule: FaultRule; seen: number; fired: number }[] {
    return this.rules.map((r) => ({ rule: r.rule, seen: r.seen, fired: r.fired }));
  }

  /** The first rule that fires for this request, counting it; undefined when none. */
  match(method: string, path: string): FaultDecision | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      const r = this.rules[i]!;
      if (r.rule.method && r.rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!r.matcher.test(path)) continue;
      r.seen++;
      if (r.seen <= (r.rule.afterRequests ?? 0)) continue;
      if (r.rule.times !== undefined && r.fired >= r.rule.times) continue;
      r.fired++;
      return { index: i, rule: r.rule };
    }
    return undefined;
  }
}

const CODES: Record<number, string> = {
  400: 'BadRequest', 401: 'InvalidAuthenticationToken', 403: 'Forbidden', 404: 'Request_ResourceNotFound',
  409: 'Conflict', 412: 'PreconditionFailed', 423: 'Locked', 429: 'TooManyRequests',
  500: 'InternalServerError', 502: 'BadGateway', 503: 'ServiceUnavailable', 504: 'GatewayTimeout',
};

export function faultCode(rule: FaultRule): string {
  return rule.code ?? CODES[rule.status ?? 500] ?? 'UnknownError';
}

export function faultHeaders(rule: FaultRule): Record<string, string> {
  const h: Record<string, string> = {};
  if (rule.retryAfter !== undefined) h['retry-after'] = String(rule.retryAfter);
  return h;
}
