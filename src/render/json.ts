/**
 * The plan as JSON: what `plan --format json` prints and `plan --out` saves for `apply --plan`.
 * Keys come in a fixed order (known keys first, in reading order, then alphabetical), so two
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

const KEY_ORDER = [
  'formatVersion', 'createdAt', 'graphUrl', 'markerProperty', 'desiredDigest', 'caller', 'summary', 'guests',
  // summary
  'resets', 'profileUpdates', 'adoptions', 'invites', 'markerRecords', 'blocked', 'unchanged',
  // guest
  'key', 'id', 'upn', 'email', 'file', 'line', 'observedDigest', 'actions',
  // action / blocked
  'type', 'code', 'reason', 'kind', 'mail', 'otherMails', 'from', 'to', 'generation', 'emailHash', 'previous', 'emailChanged', 'invitation',
  // invitation
  'redirectUrl', 'sendMessage', 'messageLanguage', 'ccRecipients', 'customizedMessageBody',
];
const RANK = new Map(KEY_ORDER.map((k, i) => [k, i]));

function compareKeys(a: string, b: string): number {
  const ra = RANK.get(a) ?? Number.MAX_SAFE_INTEGER;
  const rb = RANK.get(b) ?? Number.MAX_SAFE_INTEGER;
  return ra !== rb ? ra - rb : a < b ? -1 : a > b ? 1 : 0;
}

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort(compareKeys)) if (o[k] !== undefined) out[k] = ordered(o[k]);
    return out;
  }
  return value;
}

export function renderJson(plan: Plan, meta: SavedPlanMeta): string {
  const saved: SavedPlan = { ...plan, createdAt: meta.createdAt, graphUrl: meta.graphUrl, markerProperty: meta.markerProperty };
  return JSON.stringify(ordered(saved), null, 2) + '\n';
}
