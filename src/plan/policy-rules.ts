/**
 * The policy's rules for one guest, in the order a reviewer would ask them: may guestops manage
 * this user at all (manage scope), may its address go to that domain (the file's allow-list),
 * is that a consumer mail domain. Each refusal blocks the guest before anything is written.
 */
import type { DesiredGuest } from '../desired/types.js';
import { formatLocation } from '../desired/problems.js';
import type { Policy } from '../policy/types.js';
import { isConsumerDomain } from '../policy/consumer-domains.js';
import { domainInList, domainOf, fileMatches } from '../policy/match.js';
import type { ObservedUser } from './observed.js';
import type { Blocked, EmailChange } from './types.js';
import { currentAddress } from './sign-in-change.js';

function policyName(policy: Policy): string {
  return policy.file ?? 'the built-in policy';
}

/** Manage scope: an existing user by its current mail, a new guest by the invited address. */
export function checkManageScope(policy: Policy, user: ObservedUser | undefined, invitedEmail: string | undefined): Blocked | undefined {
  const scope = policy.manage;
  if (scope === undefined) return undefined;
  const address = user !== undefined ? currentAddress(user) : (invitedEmail ?? null);
  const domain = address === null ? '' : domainOf(address);
  if (domain !== '' && domainInList(domain, scope.guestDomains)) return undefined;
  const who = user !== undefined ? `user ${user.id} (current mail ${address ?? 'none'})` : `the invited address ${address}`;
  return {
    code: 'outside-manage-scope',
    reason: `${who} is outside what ${policyName(policy)} lets guestops manage (manage.guestDomains at ${formatLocation(scope.location)}: ${scope.guestDomains.join(', ')}); declaring its id is not enough`,
  };
}

/** The file's allow-list, for an address the guest is moved to (or invited with). */
export function checkAllowedDomain(policy: Policy, guest: DesiredGuest, to: string): Blocked | undefined {
  const rules = policy.emailDomains.filter((r) => fileMatches(guest.source.file, r.files));
  if (rules.length === 0) return undefined;
  const domain = domainOf(to);
  if (rules.some((r) => domainInList(domain, r.allow))) return undefined;
  const allowed = [...new Set(rules.flatMap((r) => r.allow))];
  const where = rules.map((r) => `${formatLocation(r.location)} (files ${r.files})`).join(', ');
  return {
    code: 'domain-not-allowed',
    reason: `${to} is at ${domain}, which ${policyName(policy)} does not allow for ${guest.source.file}: allowed ${allowed.length > 0 ? allowed.join(', ') : 'no domain'} by ${where}`,
  };
}

/** Consumer mail domains, unless the policy allows them. */
export function checkConsumerDomain(policy: Policy, change: EmailChange): Blocked | undefined {
  const domain = domainOf(change.to);
  if (policy.allowConsumerDomains || !isConsumerDomain(domain)) return undefined;
  return {
    code: 'consumer-domain',
    reason: `the sign-in would move to ${change.to} at ${domain}, a consumer mail domain anyone can register an address at; ${policyName(policy)} does not allow it (allowConsumerDomains: true in the policy file would)`,
  };
}

export interface GuardInput {
  readonly guest: DesiredGuest;
  readonly user: ObservedUser | undefined;
  /** The sign-in move, when the plan makes one. */
  readonly change: EmailChange | undefined;
  /** The address of an invitation, when the plan invites. */
  readonly invite: string | undefined;
}

/** The first policy refusal for this guest, or undefined. */
export function checkPolicy(policy: Policy, g: GuardInput): Blocked | undefined {
  return (
    checkManageScope(policy, g.user, g.invite) ??
    (g.change !== undefined ? checkAllowedDomain(policy, g.guest, g.change.to) : undefined) ??
    (g.invite !== undefined ? checkAllowedDomain(policy, g.guest, g.invite) : undefined) ??
    (g.change !== undefined ? checkConsumerDomain(policy, g.change) : undefined)
  );
}
