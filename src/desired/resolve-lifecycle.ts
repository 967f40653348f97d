/**
 * Resolves a guest's lifecycle fields: `sponsors` (the guest's list, else the file's
 * `defaults.sponsors`; ids lower-cased), `expires`, `enabled`, and the file's `gracePeriod` in days.
 * Records where each came from so the plan can point at the line to change.
 */
import type { DesiredGuest, SourceLocation } from './types.js';
import type { YMapping, YNode } from './yaml-tree.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Lifecycle = Pick<Mutable<DesiredGuest>, 'sponsors' | 'expires' | 'enabled' | 'gracePeriodDays'>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function entryOf(m: YMapping | undefined, key: string) {
  return m?.entries.find((e) => e.key === key);
}

function sponsorList(node: YNode | undefined): string[] | undefined {
  if (node?.kind !== 'sequence') return undefined;
  return node.items.map((i) => {
    const v = i.kind === 'scalar' ? String(i.value) : '';
    return GUID.test(v) ? v.toLowerCase() : v;
  });
}

export function resolveLifecycle(root: YMapping, g: YMapping, file: string, fields: { sponsors?: SourceLocation; expires?: SourceLocation; enabled?: SourceLocation }): Lifecycle {
  const defaultsEntry = entryOf(root, 'defaults');
  const defaults = defaultsEntry?.value.kind === 'mapping' ? defaultsEntry.value : undefined;
  const out: Lifecycle = {};
  const own = entryOf(g, 'sponsors');
  const inherited = entryOf(defaults, 'sponsors');
  const sponsors = sponsorList(own?.value) ?? sponsorList(inherited?.value);
  if (sponsors) {
    out.sponsors = sponsors;
    const from = own ?? inherited!;
    fields.sponsors = { file, ...from.keyPosition };
  }
  const expires = entryOf(g, 'expires');
  if (expires?.value.kind === 'scalar' && typeof expires.value.value === 'string') {
    out.expires = expires.value.value;
    fields.expires = { file, ...expires.keyPosition };
  }
  const enabled = entryOf(g, 'enabled');
  if (enabled?.value.kind === 'scalar' && typeof enabled.value.value === 'boolean') {
    out.enabled = enabled.value.value;
    fields.enabled = { file, ...enabled.keyPosition };
  }
  const grace = entryOf(defaults, 'gracePeriod');
  if (grace?.value.kind === 'scalar' && typeof grace.value.value === 'string') out.gracePeriodDays = Number.parseInt(grace.value.value, 10);
  return out;
}
