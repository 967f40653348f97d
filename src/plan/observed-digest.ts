/**
 * A short fingerprint of what the planner read from one observed user. A saved plan carries it per
 * guest; `apply --plan` recomputes it from live state and refuses the plan when it differs: the
 * tenant changed since the reviewer saw the plan, so the plan may no longer mean what was reviewed.
 *
 * Only fields the plan depends on are included: anything else changing (displayName, groups…)
 * must not make a reviewed plan stale.
 */
import { createHash } from 'node:crypto';
import type { ObservedUser } from './observed.js';

/** Digest of "no such user" (a guest still to invite, or one not found). */
const ABSENT = 'absent';

export function observedDigest(user: ObservedUser | undefined): string {
  // An array keeps the field order fixed no matter how the object was built.
  const canonical =
    user === undefined
      ? ABSENT
      : JSON.stringify([
          user.id.toLowerCase(),
          user.userPrincipalName,
          user.mail,
          user.otherMails,
          user.userType,
          user.externalUserState,
          user.externalUserStateChangeDateTime,
          user.marker,
          // undefined (not looked up) and false differ on purpose: the lookup is part of what was read.
          user.hasDirectoryRole ?? null,
          // Lifecycle fields only when read, so digests of plans without them stay as they were.
          ...(user.accountEnabled === undefined || user.accountEnabled === null ? [] : [user.accountEnabled]),
          ...(user.sponsors === undefined ? [] : [[...user.sponsors].map((s) => s.toLowerCase()).sort()]),
        ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
