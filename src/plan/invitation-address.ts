/**
 * A guest's email may hold `+` (Graph stores such a mail, and adopting or updating the guest sends
 * no invitation), but Graph refuses it as `invitedUserEmailAddress` (GRAPH.md): a planned reset or
 * invitation to such an address is blocked here, before apply sends it and Graph answers 400.
 */
import { forbiddenInInvitationEmail } from '../desired/schema.js';
import type { Action, Blocked } from './types.js';

export function invitationAddressBlock(actions: readonly Action[]): Blocked | undefined {
  for (const a of actions) {
    if (a.type !== 'invite' && a.type !== 'reset-redemption') continue;
    const why = forbiddenInInvitationEmail(a.email);
    if (why === undefined) continue;
    return {
      code: 'email-not-invitable',
      reason: `${a.email} ${why}: guestops can adopt this guest and update its profile, but cannot ${a.type === 'invite' ? 'invite it' : 'reset its redemption'} to this address; declare an address without it`,
    };
  }
  return undefined;
}
