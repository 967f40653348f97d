/**
 * Rules by which Microsoft Graph is stricter than a plain property store (GRAPH.md § Stricter
 * rules), kept in one place so the handlers stay readable:
 * - `mail` is a proxy address and unique across the directory's objects;
 * - an invitation to an address another user already carries is refused;
 * - an app-only caller may not change sensitive properties of a user holding an admin role.
 * Each rule decides on the TRUE state (the directory's primary), never on a lagging replica.
 */
import type { Caller } from './auth.js';
import { GraphError, badRequest, insufficientPrivileges } from './graph-error.js';
import type { Tenant, UserData, UserRecord } from './tenant.js';

/** The 400 Graph gives for a proxy address another object has (microsoft-graph-docs-contrib #8421). */
export function proxyAddressTaken(): GraphError {
  return badRequest('Another object with the same value for property proxyAddresses already exists.');
}

/**
 * A PATCH giving `rec` a `mail` another user already has as its mail, compared case-insensitively
 * (proxy addresses are; microsoft-graph-docs-contrib #8421). Only `mail` is compared: seeded
 * `proxyAddresses` of other objects are not indexed (a documented gap of the emulator).
 */
export function checkMailUnique(tenant: Tenant, rec: UserRecord, mail: string | null): void {
  if (mail === null) return;
  if (tenant.usersByMail(mail).some((other) => other !== rec)) throw proxyAddressTaken();
}

/**
 * Properties users.md ("Who can perform sensitive actions") and user-update.md protect on users
 * holding administrator roles, plus `mail` (GRAPH.md: refused with 403 like otherMails; the
 * docs' list names otherMails, not mail — treating mail alike is the stricter choice).
 */
const SENSITIVE = new Set(['accountEnabled', 'businessPhones', 'mail', 'mobilePhone', 'otherMails', 'passwordProfile', 'userPrincipalName']);

/**
 * user-update.md / users.md: sensitive properties of a user in a privileged administrator role
 * can only be changed by a caller holding a higher role; an app-only caller with only Graph
 * permissions (User.ReadWrite.All) gets 403 Authorization_RequestDenied (microsoft-graph-docs-
 * contrib PR #18224). Which roles count: the docs list a few roles whose holders are NOT
 * protected (e.g. Directory Readers, Guest Inviter) and mark the rest privileged; the emulator
 * models no role definitions, so EVERY directory role counts (stricter). Delegated callers are
 * assumed to hold a high enough role (auth.ts does not model the caller's own roles).
 */
export function checkSensitiveUpdate(tenant: Tenant, caller: Caller, target: UserData, changedProperties: readonly string[]): void {
  if (caller.kind !== 'app') return;
  if (!changedProperties.some((p) => SENSITIVE.has(p))) return;
  if (tenant.roleAssignmentsOf(target.id).length > 0) throw insufficientPrivileges();
}

/**
 * A new invitation (not a reset) to an address another user carries. A guest whose `mail` is the
 * address is re-invited instead (the service returns the existing user; handled by the caller).
 * An internal user with that mail: the refusal reported verbatim in entra-docs issue #802. The
 * address among another user's `otherMails` (or as a guest's non-mail address): refused too
 * (external-id/troubleshoot.md: an invitation conflicting with an existing object's address
 * fails); that wording is our guess, reusing Graph's proxy-address refusal.
 */
export function checkInvitationAddress(tenant: Tenant, email: string): UserRecord | undefined {
  const holders = tenant.usersByMail(email);
  const guest = holders.find((r) => r.data['userType'] === 'Guest');
  if (guest) return guest;
  if (holders.length > 0) {
    throw badRequest("Non-external user already exists with the given mail address and can't be invited.", 'BadRequest');
  }
  if (tenant.usersByOtherMail(email).length > 0) throw proxyAddressTaken();
  return undefined;
}
