/**
 * App-only callers and directory role holders. Graph refuses an app-only reset of a user holding
 * any directory role (reset-redemption-status.md), and an app-only change of the sensitive
 * properties `mail`/`otherMails` of a user holding a privileged administrator role (user-update.md,
 * 403). guestops knows only THAT a user holds a role (observe lists role assignments for app-only
 * callers), so it blocks both for any role — the stricter reading — before anything is written: a
 * guest is never left with a changed profile and no reset, nor a half-applied change.
 */
import type { ObservedUser } from './observed.js';
import type { Action, Blocked } from './types.js';

/** Graph's rule, quoted so the reviewer recognises it (reset-redemption-status article). */
export const APP_ONLY_ROLE_RULE =
  "For app-only calls, the redemption status can't be reset if there are any roles assigned to the target user account";

export function roleHolderBlock(callerKind: 'app' | 'delegated', user: ObservedUser, actions: readonly Action[]): Blocked | undefined {
  if (callerKind !== 'app' || user.hasDirectoryRole !== true) return undefined;
  const fix = 'Run apply with delegated credentials (Helpdesk Administrator or above), or remove the role first.';
  if (actions.some((a) => a.type === 'reset-redemption')) {
    return {
      code: 'role-holder-app-only',
      reason: `user ${user.id} holds a directory role and guestops runs with app-only credentials. Graph: "${APP_ONLY_ROLE_RULE}". ${fix}`,
    };
  }
  const profile = actions.find((a) => a.type === 'update-profile');
  if (profile !== undefined && profile.type === 'update-profile') {
    const what = [profile.mail ? 'mail' : null, profile.otherMails ? 'otherMails' : null].filter(Boolean).join(' and ');
    return {
      code: 'role-holder-app-only',
      reason: `user ${user.id} holds a directory role and guestops runs with app-only credentials: Graph refuses an app-only change of ${what} on a privileged role holder (403). ${fix}`,
    };
  }
  return undefined;
}
