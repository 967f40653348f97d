/**
 * The sign-in move a guest's plan makes: from the address the user redeems with today to the
 * declared one. A redemption reset hands the guest's object id, groups and app assignments to
 * whoever redeems next at the declared address, so every rule about "moving a guest" (domain
 * acknowledgement, policy allow-lists, the per-apply cap) starts from this one reading.
 */
import type { ObservedUser } from './observed.js';
import type { Action, EmailChange } from './types.js';

/**
 * The user's current address: `mail`, else the first `otherMails`, else the address a guest UPN
 * encodes (`john.doe_fabrikam.example#EXT#@…` was invited as john.doe@fabrikam.example).
 * The marker stores only a hash of the last applied email, so the tenant is the only place the
 * old address can be read from.
 */
export function currentAddress(user: ObservedUser): string | null {
  if (user.mail !== null && user.mail !== '') return user.mail;
  if (user.otherMails.length > 0) return user.otherMails[0]!;
  const m = /^(.+)_([^_#@]+)#EXT#@/i.exec(user.userPrincipalName);
  return m ? `${m[1]}@${m[2]}` : null;
}

/** Whether a reset moves the address the guest redeems with (not a generation bump on the same one). */
export function resetMovesEmail(a: Action): boolean {
  if (a.type !== 'reset-redemption') return false;
  if (a.reason === 'email-changed' || a.reason === 'adopted-with-new-email') return true;
  return a.reason === 'interrupted-before-reset' && a.previous?.emailChanged === true;
}

/** The move this guest's actions make, or undefined when its sign-in address stays. */
export function signInChange(user: ObservedUser | undefined, actions: readonly Action[], email: string): EmailChange | undefined {
  if (user === undefined || !actions.some(resetMovesEmail)) return undefined;
  return { from: currentAddress(user), to: email };
}
