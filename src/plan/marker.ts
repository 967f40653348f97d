/**
 * The state marker guestops keeps on every managed user, in one string property that comes back in
 * the same bulk `$select` list as the user (a directory extension `extension_{appId}_guestopsState`,
 * or an `extensionAttributeN` for tenants that prefer it). No state file: the tenant is the state.
 *
 * Encoding: compact JSON, e.g.
 *   {"v":1,"g":2,"e":"b73588148ede84a1","t":"2026-11-26T03:37:00.000Z","c":"4f1e2d3c4b5a"}
 * plus, between "about to reset" and "reset recorded", a pending intent:
 *   "p":{"g":3,"e":"…","t":"…","r":"run-id","b":"<externalUserStateChangeDateTime before the reset>",
 *        "s":"<externalUserState before the reset>"}
 *
 * and, while guestops keeps the account disabled, `"x":"YYYY-MM-DD"` (the day it disabled it).
 *
 * Emails are stored as a 16-hex-digit sha256 of the trimmed, lower-cased address: a directory
 * extension string holds at most 256 characters and two full addresses (applied + pending) may
 * not fit; guestops only ever needs equality, and a hash also keeps addresses out of a field many
 * admins can read.
 */
import * as crypto from 'node:crypto';

export const MARKER_VERSION = 1;
/** Graph's limit for a String directory extension value. */
export const MARKER_MAX_LENGTH = 256;

export interface PendingIntent {
  /** Generation the interrupted apply was about to reset to. */
  readonly generation: number;
  readonly emailHash: string;
  /** When the intent was written (ISO 8601, apply machine clock). */
  readonly at: string;
  /** Which apply run wrote it: a re-run of the same run may resume it, another run must wait. */
  readonly runId: string;
  /**
   * `externalUserStateChangeDateTime` observed just before the reset. Graph sets a new change time
   * on reset, so a different value later proves the reset happened — without comparing clocks.
   */
  readonly before: string | null;
  /**
   * `externalUserState` observed just before the reset, when recorded. A redemption also moves the
   * change time: a guest that was PendingAcceptance and is now Accepted may have redeemed the OLD
   * invitation without any reset, so a moved time alone does not prove the reset then.
   */
  readonly beforeState?: string | null;
}

export interface Marker {
  readonly generation: number;
  readonly emailHash: string;
  readonly appliedAt: string;
  /** Short commit id of the guests/ revision that was applied, when known. */
  readonly commit?: string;
  /**
   * Set on a user guestops invited for an email-only guest: the hash of the declaring file
   * (`declarationFileHash`). Until the YAML names the user's id, an email edit there would
   * otherwise invite a second account (see invited-undeclared.ts).
   */
  readonly invitedFor?: string;
  readonly pending?: PendingIntent;
  /** The day (YYYY-MM-DD) guestops disabled the account; cleared when it enables it again. */
  readonly disabledOn?: string;
}

export type ParsedMarker =
  | { readonly kind: 'absent' }
  | { readonly kind: 'ok'; readonly marker: Marker }
  | { readonly kind: 'unreadable'; readonly reason: string };

/**
 * One-shot `crypto.hash` (Node 20.12+) where it exists: a plan hashes every declared guest's email,
 * and a Hash object per address was a tenth of a second at 100,000 guests. Same digest either way.
 */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex');

export function emailHash(email: string): string {
  return sha256Hex(email.trim().toLowerCase()).slice(0, 16);
}

/** The declaring file of an invited guest, as the marker's `f` (path separators made `/`). */
export function declarationFileHash(file: string): string {
  return emailHash(file.replace(/\\/g, '/'));
}

const HASH = /^[0-9a-f]{16}$/;
/**
 * A run id is a short token of safe characters. It is printed (blocked reasons, progress) and
 * any user with write access to the property can plant a marker, so the parser accepts nothing
 * that could carry a line break, an escape sequence or a workflow command.
 */
export const RUN_ID = /^[A-Za-z0-9._-]{1,40}$/;
const COMMIT = /^[0-9a-f]{4,40}$/i;
/** ISO 8601 date-time as toISOString and Graph write it (fractional seconds up to 9 digits). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** externalUserState is a short enum (PendingAcceptance, Accepted). */
const USER_STATE = /^[A-Za-z]{1,24}$/;

function isGeneration(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isDateTime(x: unknown): x is string {
  return typeof x === 'string' && ISO_DATE_TIME.test(x) && !Number.isNaN(Date.parse(x));
}

/** A reason naming the field only: the raw value is hostile until validated, so it is never quoted. */
function unreadable(reason: string): ParsedMarker {
  return { kind: 'unreadable', reason };
}

function parsePending(p: unknown): PendingIntent | string {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return 'pending intent is not an object';
  const o = p as Record<string, unknown>;
  if (!isGeneration(o['g'])) return 'pending intent generation is not a safe integer >= 0';
  if (typeof o['e'] !== 'string' || !HASH.test(o['e'])) return 'pending intent email hash is not 16 hex digits';
  if (!isDateTime(o['t'])) return 'pending intent time is not an ISO 8601 date-time';
  if (typeof o['r'] !== 'string' || !RUN_ID.test(o['r'])) return "pending intent run id is not a token of at most 40 letters, digits, '.', '_' or '-'";
  if (!(o['b'] === null || isDateTime(o['b']))) return 'pending intent change time is neither null nor an ISO 8601 date-time';
  const s = o['s'];
  if (!(s === undefined || s === null || (typeof s === 'string' && USER_STATE.test(s)))) return 'pending intent user state is not a short word';
  return {
    generation: o['g'], emailHash: o['e'], at: o['t'], runId: o['r'], before: o['b'],
    ...(s !== undefined ? { beforeState: s } : {}),
  };
}

/** Every field is validated here, once: a malformed marker blocks its guest with a reason. */
export function parseMarker(raw: string | null | undefined): ParsedMarker {
  if (raw === null || raw === undefined || raw === '') return { kind: 'absent' };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return unreadable('not JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return unreadable('not an object');
  const o = data as Record<string, unknown>;
  if (o['v'] !== MARKER_VERSION) return unreadable(typeof o['v'] === 'number' && Number.isSafeInteger(o['v']) ? `unknown version ${o['v']}` : 'version missing or invalid');
  if (!isGeneration(o['g'])) return unreadable('generation missing or invalid');
  if (typeof o['e'] !== 'string' || !HASH.test(o['e'])) return unreadable('email hash missing or invalid');
  if (!isDateTime(o['t'])) return unreadable('time missing or not an ISO 8601 date-time');
  if (o['c'] !== undefined && (typeof o['c'] !== 'string' || !COMMIT.test(o['c']))) return unreadable('commit is not 4 to 40 hex digits');
  if (o['f'] !== undefined && (typeof o['f'] !== 'string' || !HASH.test(o['f']))) return unreadable('invited-for file hash is not 16 hex digits');
  let pending: PendingIntent | undefined;
  if (o['p'] !== undefined) {
    const p = parsePending(o['p']);
    if (typeof p === 'string') return unreadable(p);
    pending = p;
  }
  const marker: Marker = {
    generation: o['g'],
    emailHash: o['e'],
    appliedAt: o['t'],
    ...(typeof o['c'] === 'string' ? { commit: o['c'] } : {}),
    ...(typeof o['f'] === 'string' ? { invitedFor: o['f'] } : {}),
    ...(pending ? { pending } : {}),
    ...(typeof o['x'] === 'string' && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(o['x']) ? { disabledOn: o['x'] } : {}),
  };
  return { kind: 'ok', marker };
}

export function formatMarker(m: Marker): string {
  const o: Record<string, unknown> = { v: MARKER_VERSION, g: m.generation, e: m.emailHash, t: m.appliedAt };
  if (m.commit !== undefined) o['c'] = m.commit.slice(0, 12);
  if (m.invitedFor !== undefined) o['f'] = m.invitedFor;
  if (m.pending) {
    const p = m.pending;
    o['p'] = { g: p.generation, e: p.emailHash, t: p.at, r: p.runId.slice(0, 40), b: p.before };
    // Bounded: externalUserState is one of a few short enum values (clipped defensively).
    if (p.beforeState !== undefined) (o['p'] as Record<string, unknown>)['s'] = p.beforeState === null ? null : p.beforeState.slice(0, 24);
  }
  if (m.disabledOn !== undefined) o['x'] = m.disabledOn.slice(0, 10);
  const s = JSON.stringify(o);
  if (s.length > MARKER_MAX_LENGTH) {
    // Cannot happen with the bounded fields above; guard so a future field never silently truncates.
    throw new Error(`marker is ${s.length} characters, over the ${MARKER_MAX_LENGTH} a directory extension holds`);
  }
  return s;
}
