/**
 * Reading a saved plan back for `apply --plan`. Apply executes what this returns, so the whole
 * shape is checked, and every problem names the JSON path, with stable codes:
 *   plan-file-not-json   the text is not JSON
 *   plan-file-version    formatVersion is not one this guestops reads
 *   plan-file-invalid    the shape is wrong (path and expectation in the message)
 */
import { GuestopsError } from '../errors.js';
import type { SavedPlan } from './json.js';
import { checkLifecycleAction } from './saved-lifecycle-parse.js';

const SUPPORTED_VERSION = 1;

type Obj = Record<string, unknown>;

export class Checker {
  fail(path: string, expected: string, got: unknown): never {
    const shown = got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 80) ?? String(got);
    throw new GuestopsError('plan-file-invalid', `saved plan: ${path}: expected ${expected}, got ${shown}`, { path });
  }
  obj(v: unknown, path: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'an object', v);
    return v as Obj;
  }
  arr(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, 'an array', v);
    return v;
  }
  str(v: unknown, path: string): string {
    if (typeof v !== 'string') this.fail(path, 'a string', v);
    return v;
  }
  strOrNull(v: unknown, path: string): string | null {
    if (v !== null && typeof v !== 'string') this.fail(path, 'a string or null', v);
    return v;
  }
  count(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) this.fail(path, 'a whole number ≥ 0', v);
    return v;
  }
  bool(v: unknown, path: string): boolean {
    if (typeof v !== 'boolean') this.fail(path, 'true or false', v);
    return v;
  }
  oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(path, `one of ${allowed.join(', ')}`, v);
    return v as T;
  }
  strings(v: unknown, path: string): string[] {
    return this.arr(v, path).map((x, i) => this.str(x, `${path}[${i}]`));
  }
}

const ACTION_TYPES = ['update-profile', 'reset-redemption', 'adopt', 'record-marker', 'invite', 'disable', 'enable', 'update-sponsors'] as const;
const RESET_REASONS = ['email-changed', 'generation-bumped', 'adopted-with-new-email', 'interrupted-before-reset'] as const;
const BLOCKED_CODES = [
  'not-found', 'not-a-guest', 'role-holder-app-only', 'generation-decreased', 'intent-held', 'marker-unreadable', 'identity-mismatch', 'email-in-use',
  'domain-change-unacknowledged', 'domain-not-allowed', 'consumer-domain', 'outside-manage-scope',
  'sponsor-not-found', 'disabled-before-invite', 'invited-guest-undeclared', 'email-not-invitable',
] as const;

function checkInvitation(c: Checker, v: unknown, path: string): void {
  const o = c.obj(v, path);
  c.str(o['redirectUrl'], `${path}.redirectUrl`);
  c.bool(o['sendMessage'], `${path}.sendMessage`);
  if (o['messageLanguage'] !== undefined) c.str(o['messageLanguage'], `${path}.messageLanguage`);
  c.strings(o['ccRecipients'], `${path}.ccRecipients`);
  if (o['customizedMessageBody'] !== undefined) c.str(o['customizedMessageBody'], `${path}.customizedMessageBody`);
}

function checkAction(c: Checker, v: unknown, path: string): void {
  const a = c.obj(v, path);
  const type = c.oneOf(a['type'], `${path}.type`, ACTION_TYPES);
  if (type === 'reset-redemption') c.oneOf(a['reason'], `${path}.reason`, RESET_REASONS);
  else c.str(a['reason'], `${path}.reason`);
  switch (type) {
    case 'update-profile': {
      if (a['mail'] === undefined && a['otherMails'] === undefined) c.fail(path, 'mail or otherMails', a);
      if (a['mail'] !== undefined) {
        const m = c.obj(a['mail'], `${path}.mail`);
        c.strOrNull(m['from'], `${path}.mail.from`);
        c.str(m['to'], `${path}.mail.to`);
      }
      if (a['otherMails'] !== undefined) {
        const m = c.obj(a['otherMails'], `${path}.otherMails`);
        c.strings(m['from'], `${path}.otherMails.from`);
        c.strings(m['to'], `${path}.otherMails.to`);
      }
      return;
    }
    case 'reset-redemption':
      c.str(a['email'], `${path}.email`);
      c.count(a['generation'], `${path}.generation`);
      if (a['previous'] !== undefined) {
        const p = c.obj(a['previous'], `${path}.previous`);
        c.count(p['generation'], `${path}.previous.generation`);
        c.bool(p['emailChanged'], `${path}.previous.emailChanged`);
      }
      checkInvitation(c, a['invitation'], `${path}.invitation`);
      return;
    case 'adopt':
      c.str(a['email'], `${path}.email`);
      c.count(a['generation'], `${path}.generation`);
      return;
    case 'record-marker':
      c.strOrNull(a['email'], `${path}.email`);
      if (!/^[0-9a-f]{16}$/.test(c.str(a['emailHash'], `${path}.emailHash`))) c.fail(`${path}.emailHash`, '16 hex digits', a['emailHash']);
      c.count(a['generation'], `${path}.generation`);
      return;
    case 'invite':
      c.str(a['email'], `${path}.email`);
      c.count(a['generation'], `${path}.generation`);
      if (a['otherMails'] !== undefined) c.strings(a['otherMails'], `${path}.otherMails`);
      if (a['sponsors'] !== undefined) c.strings(a['sponsors'], `${path}.sponsors`);
      checkInvitation(c, a['invitation'], `${path}.invitation`);
      return;
    case 'disable':
    case 'enable':
    case 'update-sponsors':
      checkLifecycleAction(c, a, path);
      return;
  }
}

function checkGuest(c: Checker, v: unknown, path: string): void {
  const g = c.obj(v, path);
  c.str(g['key'], `${path}.key`);
  c.strOrNull(g['id'], `${path}.id`);
  c.strOrNull(g['upn'], `${path}.upn`);
  c.str(g['email'], `${path}.email`);
  c.str(g['file'], `${path}.file`);
  c.count(g['line'], `${path}.line`);
  if (!/^[0-9a-f]{16}$/.test(c.str(g['observedDigest'], `${path}.observedDigest`))) c.fail(`${path}.observedDigest`, '16 hex digits', g['observedDigest']);
  const actions = c.arr(g['actions'], `${path}.actions`);
  actions.forEach((a, i) => checkAction(c, a, `${path}.actions[${i}]`));
  if (g['blocked'] !== undefined) {
    const b = c.obj(g['blocked'], `${path}.blocked`);
    c.oneOf(b['code'], `${path}.blocked.code`, BLOCKED_CODES);
    c.str(b['reason'], `${path}.blocked.reason`);
    if (actions.length > 0) c.fail(`${path}.actions`, 'no action on a blocked guest', actions);
  }
}

export function parseSavedPlan(text: string): SavedPlan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new GuestopsError('plan-file-not-json', `saved plan is not JSON: ${(e as Error).message}`);
  }
  const c = new Checker();
  const o = c.obj(data, '$');
  if (o['formatVersion'] !== SUPPORTED_VERSION) {
    throw new GuestopsError(
      'plan-file-version',
      `saved plan has formatVersion ${JSON.stringify(o['formatVersion'])}; this guestops reads version ${SUPPORTED_VERSION}: make the plan again with this version`,
      { formatVersion: o['formatVersion'] },
    );
  }
  c.str(o['createdAt'], '$.createdAt');
  c.str(o['graphUrl'], '$.graphUrl');
  c.str(o['markerProperty'], '$.markerProperty');
  c.str(o['desiredDigest'], '$.desiredDigest');
  c.oneOf(c.obj(o['caller'], '$.caller')['kind'], '$.caller.kind', ['app', 'delegated'] as const);
  const s = c.obj(o['summary'], '$.summary');
  for (const k of ['resets', 'profileUpdates', 'adoptions', 'invites', 'markerRecords', 'blocked', 'unchanged']) c.count(s[k], `$.summary.${k}`);
  c.arr(o['guests'], '$.guests').forEach((g, i) => checkGuest(c, g, `$.guests[${i}]`));
  if (o['idsToDeclare'] !== undefined) {
    c.arr(o['idsToDeclare'], '$.idsToDeclare').forEach((d, i) => {
      const x = c.obj(d, `$.idsToDeclare[${i}]`);
      for (const k of ['email', 'file', 'id']) c.str(x[k], `$.idsToDeclare[${i}].${k}`);
      c.count(x['line'], `$.idsToDeclare[${i}].line`);
    });
  }
  // Absent in plans saved before apply's limits were stated in the plan.
  if (o['limits'] !== undefined) {
    c.arr(o['limits'], '$.limits').forEach((l, i) => {
      const x = c.obj(l, `$.limits[${i}]`);
      c.str(x['name'], `$.limits[${i}].name`);
      c.count(x['max'], `$.limits[${i}].max`);
      c.count(x['planned'], `$.limits[${i}].planned`);
      c.bool(x['exceeded'], `$.limits[${i}].exceeded`);
    });
  }
  return data as SavedPlan;
}
