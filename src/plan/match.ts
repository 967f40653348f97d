/**
 * How a declared guest finds its user among the observed ones. Only declared identity is trusted:
 * an object id or a userPrincipalName points at exactly one user; an email alone does not (many
 * users can carry an address in `otherMails`), so an email-only guest is either invited or, when
 * some user already carries the address, blocked until the YAML names that user's id.
 */
import type { DesiredGuest } from '../desired/types.js';
import type { ObservedUser } from './observed.js';
import type { Blocked } from './types.js';
import { normalizeEmail } from './email-compare.js';
import { emailHash, parseMarker } from './marker.js';

export type MatchResult =
  | { readonly kind: 'matched'; readonly user: ObservedUser; readonly via: 'id' | 'upn' | 'invited-marker' }
  /** Email-only guest that no observed user carries: invite it. */
  | { readonly kind: 'invite' }
  /** `user` is the user the block is about, when there is one (it feeds the observed digest). */
  | { readonly kind: 'blocked'; readonly blocked: Blocked; readonly user?: ObservedUser };

export interface UserIndex {
  readonly byId: ReadonlyMap<string, ObservedUser>;
  readonly byUpn: ReadonlyMap<string, ObservedUser>;
  /** For each email-only guest's address (normalised), every user carrying it, in observed order. */
  readonly byEmail: ReadonlyMap<string, readonly ObservedUser[]>;
}

/** The observed users as `matchGuest` looks them up for these declared guests. */
export function indexUsers(users: readonly ObservedUser[], guests: readonly DesiredGuest[]): UserIndex {
  const byId = new Map<string, ObservedUser>();
  const byUpn = new Map<string, ObservedUser>();
  // Last to first, so the first user with a key is the one left in the map: one map operation per
  // key instead of a lookup and then a write (these two maps are only ever read by key).
  for (let i = users.length - 1; i >= 0; i--) {
    const u = users[i]!;
    byId.set(u.id.toLowerCase(), u);
    byUpn.set(u.userPrincipalName.toLowerCase(), u);
  }
  const emailOnly = new Set<string>();
  for (const g of guests) if (g.id === undefined && g.upn === undefined) emailOnly.add(normalizeEmail(g.email));
  return { byId, byUpn, byEmail: usersCarrying(emailOnly, users) };
}

/**
 * For each of `addresses` (normalised), the users of `lists` carrying it in `mail` or
 * `otherMails`, in the order given, each user once (by id) however often it repeats the address.
 * Only those addresses are filed: a plan asks about few (its email-only guests, the new addresses
 * of its email changes). Filing every user under every address it carries made a list per
 * address that was almost never read: buildPlan at 100,000 guests took 1.20–1.24 s with it,
 * 1.02–1.13 s without.
 * (observe.ts does the same for the raw listed users, before they become ObservedUsers.)
 */
export function usersCarrying(addresses: ReadonlySet<string>, ...lists: (readonly ObservedUser[])[]): Map<string, ObservedUser[]> {
  const byEmail = new Map<string, ObservedUser[]>();
  if (addresses.size === 0) return byEmail;
  for (const users of lists) {
    for (const u of users) {
      const count = u.otherMails.length + 1;
      for (let k = 0; k < count; k++) {
        const raw = k === 0 ? u.mail : u.otherMails[k - 1]!;
        if (raw === null) continue;
        const address = normalizeEmail(raw);
        if (!addresses.has(address)) continue;
        const list = byEmail.get(address);
        if (list === undefined) byEmail.set(address, [u]);
        else if (!list.some((x) => x === u || x.id.toLowerCase() === u.id.toLowerCase())) list.push(u);
      }
    }
  }
  return byEmail;
}

export function matchGuest(guest: DesiredGuest, index: UserIndex): MatchResult {
  if (guest.id !== undefined) return matchById(guest.id, guest.upn, index);
  if (guest.upn !== undefined) {
    const user = index.byUpn.get(guest.upn.toLowerCase());
    if (user === undefined) return { kind: 'blocked', blocked: { code: 'not-found', reason: `not found: upn ${guest.upn}` } };
    return { kind: 'matched', user, via: 'upn' };
  }
  return matchByEmail(guest.email, index);
}

function matchById(id: string, upn: string | undefined, index: UserIndex): MatchResult {
  const user = index.byId.get(id.toLowerCase());
  const byUpn = upn === undefined ? undefined : index.byUpn.get(upn.toLowerCase());
  if (user === undefined) {
    if (byUpn !== undefined) {
      return {
        kind: 'blocked',
        user: byUpn,
        blocked: {
          code: 'identity-mismatch',
          reason: `id ${id} and upn ${upn} point at different users: no user has that id, upn ${upn} is user ${byUpn.id}`,
        },
      };
    }
    return { kind: 'blocked', blocked: { code: 'not-found', reason: `not found: id ${id}` } };
  }
  if (upn !== undefined && user.userPrincipalName.toLowerCase() !== upn.toLowerCase()) {
    return {
      kind: 'blocked',
      user,
      blocked: {
        code: 'identity-mismatch',
        reason: `id ${id} and upn ${upn} point at different users: user ${user.id} has upn ${user.userPrincipalName}`,
      },
    };
  }
  return { kind: 'matched', user, via: 'id' };
}

/**
 * An email-only guest. A user carrying the address whose marker records this very address is the
 * one guestops invited for this declaration on an earlier apply: it is matched, so a second plan
 * after an invitation shows no change instead of a block. Any other user carrying the address
 * blocks: inviting would create a second account for the same person, and adopting on an email
 * match could take over the wrong user.
 */
function matchByEmail(email: string, index: UserIndex): MatchResult {
  const carriers = index.byEmail.get(normalizeEmail(email)) ?? [];
  if (carriers.length === 0) return { kind: 'invite' };
  const first = carriers[0]!;
  if (carriers.length === 1) {
    const m = parseMarker(first.marker);
    if (m.kind === 'ok' && m.marker.emailHash === emailHash(email)) return { kind: 'matched', user: first, via: 'invited-marker' };
    return {
      kind: 'blocked',
      user: first,
      blocked: {
        code: 'email-in-use',
        reason: `${email} is already on user ${first.id} (${first.userPrincipalName}); to manage that user declare \`id: ${first.id}\``,
      },
    };
  }
  const ids = carriers.map((u) => u.id).join(', ');
  return {
    kind: 'blocked',
    user: first,
    blocked: { code: 'email-in-use', reason: `${email} is already on ${carriers.length} users (${ids}); declare the \`id:\` of the one to manage` },
  };
}
