/**
 * An email change to an address another user already carries blocks the guest before anything is
 * written. A reset sends the invitation to that address; whoever owns it redeems the guest's
 * account with all its groups and app assignments — and Graph keeps `mail` (a proxy address)
 * unique, refusing the PATCH halfway anyway ("Another object with the same value for property
 * proxyAddresses already exists.", microsoft-graph-docs-contrib #8421). Guest or member, declared
 * or not: any other user holding the address in `mail` or `otherMails` counts.
 */
import type { DesiredGuest } from '../desired/types.js';
import type { ObservedUser } from './observed.js';
import type { Action, Blocked } from './types.js';
import { normalizeEmail } from './email-compare.js';

/** Where a user is declared in guests/, for naming it in a block (`file:line`). */
export type DeclaredAt = (userId: string) => string | undefined;

/** Whether the actions give the guest a new address to redeem with. */
function changesEmail(actions: readonly Action[]): boolean {
  return actions.some(
    (a) => (a.type === 'update-profile' && a.mail !== undefined) || (a.type === 'reset-redemption' && (a.reason === 'email-changed' || a.reason === 'adopted-with-new-email')),
  );
}

/** The address (normalised) the actions give the guest to redeem with, when they give it a new one. */
export function newAddressOf(guest: DesiredGuest, actions: readonly Action[]): string | undefined {
  return changesEmail(actions) ? normalizeEmail(guest.email) : undefined;
}

export function describeHolder(u: ObservedUser, declaredAt: DeclaredAt): string {
  const where = declaredAt(u.id);
  return `user ${u.id} (${u.userPrincipalName}${where ? `, declared at ${where}` : ', not declared in guests/'})`;
}

export function addressConflict(
  guest: DesiredGuest,
  user: ObservedUser,
  actions: readonly Action[],
  byEmail: ReadonlyMap<string, readonly ObservedUser[]>,
  declaredAt: DeclaredAt,
): Blocked | undefined {
  const address = newAddressOf(guest, actions);
  if (address === undefined) return undefined;
  const others = (byEmail.get(address) ?? []).filter((u) => u.id.toLowerCase() !== user.id.toLowerCase());
  if (others.length === 0) return undefined;
  return {
    code: 'email-in-use',
    reason:
      `${guest.email} is already on ${others.map((u) => describeHolder(u, declaredAt)).join(' and ')}: ` +
      `a reset would hand user ${user.id} to whoever redeems that address; free the address first or declare another email`,
  };
}
