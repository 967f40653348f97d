/**
 * Rule: sponsors as a set. A declared list (the guest's, or its file's defaults) is the whole set:
 * sponsors missing are added, others removed. References are object ids or UPNs, resolved by the
 * observation (`sponsorRefs`); one that names no user blocks the guest, pointing at the line.
 * Absent `sponsors:` leaves the guest's sponsors alone.
 */
import type { DesiredGuest } from '../desired/types.js';
import type { ObservedUser } from './observed.js';
import type { Blocked, DeclaredAt, UpdateSponsorsAction } from './types.js';

export type SponsorOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'blocked'; readonly blocked: Blocked }
  | { readonly kind: 'resolved'; readonly ids: readonly string[] };

/** The object ids the declared sponsors name, or the first that names nobody. */
export function resolveSponsors(guest: DesiredGuest, refs: ReadonlyMap<string, string | null> | undefined): SponsorOutcome {
  if (guest.sponsors === undefined) return { kind: 'none' };
  const ids: string[] = [];
  for (const ref of guest.sponsors) {
    const id = refs?.get(ref.toLowerCase());
    if (id === undefined || id === null) {
      const at = guest.fields.sponsors;
      return {
        kind: 'blocked',
        blocked: {
          code: 'sponsor-not-found',
          reason: `sponsor ${ref} (${at ? `${at.file}:${at.line}` : `${guest.source.file}:${guest.source.line}`}) is not a user in the tenant: fix the sponsors list; nothing is written to this guest`,
        },
      };
    }
    if (!ids.some((x) => x.toLowerCase() === id.toLowerCase())) ids.push(id);
  }
  return { kind: 'resolved', ids };
}

export function diffSponsors(guest: DesiredGuest, user: ObservedUser, ids: readonly string[]): UpdateSponsorsAction | null {
  const have = new Set((user.sponsors ?? []).map((s) => s.toLowerCase()));
  const want = new Set(ids.map((s) => s.toLowerCase()));
  const add = ids.filter((id) => !have.has(id.toLowerCase())).map((id) => ({ ref: refFor(guest, id, ids), id }));
  const remove = (user.sponsors ?? []).filter((s) => !want.has(s.toLowerCase()));
  if (add.length === 0 && remove.length === 0) return null;
  const at = guest.fields.sponsors;
  const declaredAt: DeclaredAt | null = at ? { file: at.file, line: at.line } : null;
  return { type: 'update-sponsors', reason: 'the sponsors differ from the declared set', add, remove, declaredAt };
}

/** The reference as the reviewer wrote it (same position in the declared list as its id). */
function refFor(guest: DesiredGuest, id: string, ids: readonly string[]): string {
  const i = ids.indexOf(id);
  return guest.sponsors?.[i] ?? id;
}
