/**
 * Email-only guests that guestops invited. An email identifies nobody for good: once the guest
 * exists, only its object id does. So the plan names the `id:` to add to every email-only guest
 * it finds invited (matched by the invited-marker rule of match.ts), and it blocks an invitation
 * from a file while a user guestops invited for that file is no longer declared by anyone: that
 * is what editing the email of an email-only guest looks like, and inviting the new address would
 * create a second account and orphan the first.
 */
import type { DesiredGuest, DesiredState } from '../desired/types.js';
import { normalizeEmail } from './email-compare.js';
import type { ObservedUser } from './observed.js';
import type { Blocked, IdToDeclare } from './types.js';
import { declarationFileHash, emailHash, parseMarker } from './marker.js';
import type { MatchResult } from './match.js';

/**
 * Email-only guests resolved through the marker guestops wrote when it invited them. `matches[i]`
 * is guest i's match (build-plan.ts matches each guest once, for every rule).
 */
export function idsToDeclare(guests: readonly DesiredGuest[], matches: readonly MatchResult[]): IdToDeclare[] {
  const out: IdToDeclare[] = [];
  guests.forEach((g, i) => {
    if (g.id !== undefined || g.upn !== undefined) return;
    const m = matches[i]!;
    if (m.kind === 'matched' && m.via === 'invited-marker') out.push({ email: g.email, file: g.source.file, line: g.source.line, id: m.user.id });
  });
  return out;
}

/**
 * Email-only guests the review's base (`--base-dir`) declared, per file, whose email guests/ no
 * longer declares anywhere: what an edited email-only guest used to be. This is how an invitee of
 * a guestops that wrote no `f` into the marker is still recognised: by the base's address.
 */
export function formerEmailOnly(
  base: DesiredState | undefined,
  desired: DesiredState,
  /** A base file's path as the same file of guests/ (the two trees sit in different folders). */
  asHeadFile: (baseFile: string) => string,
): ReadonlyMap<string, ReadonlySet<string>> {
  const out = new Map<string, Set<string>>();
  if (base === undefined) return out;
  const declared = new Set(desired.guests.map((g) => normalizeEmail(g.email)));
  for (const g of base.guests) {
    if (g.id !== undefined || g.upn !== undefined || declared.has(normalizeEmail(g.email))) continue;
    const file = asHeadFile(g.source.file);
    const set = out.get(file) ?? new Set<string>();
    set.add(normalizeEmail(g.email));
    out.set(file, set);
  }
  return out;
}

/**
 * Users guestops invited for an email-only guest of `file` that no declaration resolves to now,
 * still carrying the address they were invited with: recorded in the marker's `f`, or — markers
 * written before `f` existed — a guestops marker whose recorded email is the user's mail and an
 * email-only guest the base declared in `file` (`former`).
 */
function undeclaredInvitees(file: string, users: readonly ObservedUser[], claimed: (id: string) => boolean, former: ReadonlySet<string> | undefined): ObservedUser[] {
  const fileHash = declarationFileHash(file);
  return users.filter((u) => {
    if (claimed(u.id) || u.userType !== 'Guest' || u.mail === null) return false;
    const m = parseMarker(u.marker);
    if (m.kind !== 'ok' || m.marker.emailHash !== emailHash(u.mail)) return false;
    return m.marker.invitedFor === fileHash || (m.marker.invitedFor === undefined && former?.has(normalizeEmail(u.mail)) === true);
  });
}

/** The block for an invitation of `guest` while an invitee of its file is undeclared, if any. */
export function undeclaredInviteeBlock(
  guest: DesiredGuest,
  users: readonly ObservedUser[],
  claimed: (id: string) => boolean,
  former?: ReadonlyMap<string, ReadonlySet<string>>,
): Blocked | undefined {
  const orphans = undeclaredInvitees(guest.source.file, users, claimed, former?.get(guest.source.file));
  if (orphans.length === 0) return undefined;
  const which = orphans.map((u) => `user ${u.id} (${u.mail})`).join(', ');
  const first = orphans[0]!;
  return {
    code: 'invited-guest-undeclared',
    reason:
      `guestops invited ${which} for an email-only guest of ${guest.source.file} that no guest declares now; ` +
      `if this guest is that one with a new email, declare \`id: ${first.id}\` here (the email change then moves that user, no second account); ` +
      `if it is someone else, declare user ${first.id} by its \`id:\` too, then this one is invited`,
  };
}
