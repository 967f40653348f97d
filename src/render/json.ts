/**
 * The plan as JSON: what `plan --format json` prints and `plan --out` saves for `apply --plan`.
 * Keys come in a fixed order (known keys in reading order, then alphabetical), so two
 * plans of the same state are byte-identical and diff well. Compare plans as JSON, not as text.
 */
import type { Plan } from '../plan/types.js';

export { parseSavedPlan } from './saved-plan-parse.js';

export interface SavedPlanMeta {
  /** When the plan was made (ISO 8601). */
  readonly createdAt: string;
  /** The Graph endpoint it was made against: apply refuses a plan made against another tenant URL. */
  readonly graphUrl: string;
  /** The user property holding the state marker (directory extension or extensionAttributeN). */
  readonly markerProperty: string;
}

export type SavedPlan = Plan & SavedPlanMeta;

/**
 * Reading order of known keys per kind of object, named by the key that holds the object (array
 * items take their array's key). Unknown keys follow, alphabetically.
 */
const KEY_ORDER: Readonly<Record<string, readonly string[]>> = {
  $: ['formatVersion', 'createdAt', 'graphUrl', 'markerProperty', 'desiredDigest', 'policyFile', 'caller', 'summary', 'limits', 'emailChanges', 'disables', 'risks', 'invitationChanges', 'idsToDeclare', 'guests'],
  idsToDeclare: ['email', 'file', 'line', 'id'],
  limits: ['name', 'max', 'planned', 'exceeded'],
  risks: ['kind', 'key', 'file', 'line', 'from', 'to', 'detail'],
  emailChanges: ['count', 'max'],
  disables: ['count', 'max'],
  emailChange: ['from', 'to'],
  invitationChanges: ['file', 'line', 'fields', 'guests', 'from', 'to'],
  summary: ['resets', 'profileUpdates', 'adoptions', 'invites', 'markerRecords', 'blocked', 'unchanged'],
  guests: ['key', 'id', 'upn', 'email', 'emailChange', 'file', 'line', 'observedDigest', 'blocked', 'actions'],
  blocked: ['code', 'reason'],
  actions: ['type', 'reason', 'email', 'emailHash', 'generation', 'previous', 'mail', 'otherMails', 'invitation'],
  mail: ['from', 'to'],
  otherMails: ['from', 'to'],
  previous: ['generation', 'emailChanged'],
  invitation: ['redirectUrl', 'sendMessage', 'messageLanguage', 'ccRecipients', 'customizedMessageBody'],
};

function ordered(value: unknown, context: string): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, context));
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const known = KEY_ORDER[context] ?? [];
    const rank = (k: string) => {
      const i = known.indexOf(k);
      return i < 0 ? known.length : i;
    };
    const keys = Object.keys(o).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    const out: Record<string, unknown> = {};
    for (const k of keys) if (o[k] !== undefined) out[k] = ordered(o[k], k);
    return out;
  }
  return value;
}

export function renderJson(plan: Plan, meta: SavedPlanMeta): string {
  const saved: SavedPlan = { ...plan, createdAt: meta.createdAt, graphUrl: meta.graphUrl, markerProperty: meta.markerProperty };
  return JSON.stringify(ordered(saved, '$'), null, 2) + '\n';
}
