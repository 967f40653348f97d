/**
 * The lifecycle rules of one guest, ordered: sponsors resolve (or block), the account state
 * (disable / enable), the sponsor set. Disabling is treated exactly like a reset for safety:
 * members never reach this point (the not-a-guest block comes first), an app-only caller cannot
 * change `accountEnabled` of a directory-role holder (Graph refuses it for privileged roles;
 * guestops blocks on any role, the stricter reading), and a guest being disabled is never reset
 * (that would hand an ended access to a new address).
 */
import type { DesiredGuest } from '../desired/types.js';
import type { ObservedUser } from './observed.js';
import type { Blocked, LifecycleAction } from './types.js';
import { decideAccount, wantsDisabled } from './account-state.js';
import { diffSponsors, resolveSponsors } from './sponsor-diff.js';
import type { ParsedMarker } from './marker.js';

export interface LifecycleOptions {
  readonly now: Date;
  readonly defaultGraceDays: number;
  readonly sponsorRefs: ReadonlyMap<string, string | null> | undefined;
  readonly callerKind: 'app' | 'delegated';
}

export interface LifecycleOutcome {
  readonly actions: readonly LifecycleAction[];
  readonly blocked?: Blocked;
  /** The account is being disabled: other rules must not reset it. */
  readonly disabling: boolean;
}

/** `parsed`: the user's marker, parsed once by the planner for this and interpretMarker. */
export function planLifecycle(guest: DesiredGuest, user: ObservedUser, o: LifecycleOptions, parsed: ParsedMarker): LifecycleOutcome {
  const sponsors = resolveSponsors(guest, o.sponsorRefs);
  if (sponsors.kind === 'blocked') return { actions: [], blocked: sponsors.blocked, disabling: false };
  const disabledOn = parsed.kind === 'ok' ? parsed.marker.disabledOn : undefined;
  const actions: LifecycleAction[] = [];
  const account = decideAccount(guest, user, { now: o.now, defaultGraceDays: o.defaultGraceDays, disabledOn });
  if (account) {
    if (o.callerKind === 'app' && user.hasDirectoryRole === true) {
      return {
        actions: [],
        disabling: false,
        blocked: {
          code: 'role-holder-app-only',
          reason: `user ${user.id} holds a directory role and guestops runs with app-only credentials: Graph does not let an app-only caller change accountEnabled of a privileged role holder. Run apply with delegated credentials, or remove the role first.`,
        },
      };
    }
    actions.push(account);
  }
  if (sponsors.kind === 'resolved') {
    const diff = diffSponsors(guest, user, sponsors.ids);
    if (diff) actions.push(diff);
  }
  return { actions, disabling: account?.type === 'disable' || (account === null && wantsDisabled(guest, o.now, o.defaultGraceDays) !== null) };
}

/** A guest still to invite: never invite one declared off or already expired; resolve its sponsors. */
export function planInviteLifecycle(guest: DesiredGuest, o: LifecycleOptions): { blocked?: Blocked; sponsors?: readonly string[] } {
  const why = wantsDisabled(guest, o.now, o.defaultGraceDays);
  if (why !== null) {
    return {
      blocked: {
        code: 'disabled-before-invite',
        reason: why === 'expired' ? `the guest's access expired on ${guest.expires} before it was invited: nothing is sent` : 'the guest is declared enabled: false: it is not invited',
      },
    };
  }
  const sponsors = resolveSponsors(guest, o.sponsorRefs);
  if (sponsors.kind === 'blocked') return { blocked: sponsors.blocked };
  return sponsors.kind === 'resolved' ? { sponsors: sponsors.ids } : {};
}
