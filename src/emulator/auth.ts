/**
 * Callers and permissions. A bearer token from the seed maps to a caller (app-only or delegated)
 * with the Graph permissions it was granted. Each operation needs one of a documented set (the
 * "Permissions" table of each API page: least privileged first, higher privileged accepted too).
 * Delegated calls in Graph also need the signed-in user to hold a suitable directory role; the
 * emulator does not model roles of the caller (a guess that keeps delegated demos simple).
 */
import { GraphError, insufficientPrivileges } from './graph-error.js';
import type { SeedToken } from './seed.js';

export interface Caller {
  readonly kind: 'app' | 'delegated';
  /** Throttling key: app id, or the token when the seed names none. */
  readonly appKey: string;
  readonly appId: string | undefined;
  readonly upn: string | undefined;
  readonly permissions: ReadonlySet<string>;
}

export const PERMISSIONS = {
  /** user-list.md / user-get.md */
  readUsers: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  /** user-update.md */
  writeUsers: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  /** invitation-post.md */
  invite: ['User.Invite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  /** invitation-post.md (since PR #9248): a reset additionally needs at least User.ReadWrite.All. */
  reset: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  /** rbacapplication-list-roleassignments.md */
  readRoles: [
    'RoleManagement.Read.Directory', 'RoleManagement.Read.All', 'RoleManagement.ReadWrite.Directory',
    'Directory.Read.All', 'Directory.ReadWrite.All',
  ],
  /** application-get.md (OwnedBy: only applications the caller owns, see applications.ts). */
  readApplications: ['Application.Read.All', 'Application.ReadWrite.All', 'Application.ReadWrite.OwnedBy', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  /** application-post-extensionproperty.md */
  writeApplications: ['Application.ReadWrite.All', 'Application.ReadWrite.OwnedBy', 'Directory.ReadWrite.All'],
  /** directoryobject-getavailableextensionproperties.md lists Directory.Read.All; Application.* accepted (guess). */
  readExtensions: ['Directory.Read.All', 'Directory.ReadWrite.All', 'Application.Read.All', 'Application.ReadWrite.All', 'Application.ReadWrite.OwnedBy'],
} as const;

export function callerFromToken(token: string, seedToken: SeedToken): Caller {
  return {
    kind: seedToken.kind,
    appKey: seedToken.appId ?? `token:${token.slice(0, 8)}`,
    appId: seedToken.appId,
    upn: seedToken.upn,
    permissions: new Set(seedToken.permissions),
  };
}

/**
 * The bearer token from an Authorization header. Graph's wording for a missing token is
 * "Access token is empty." and for one it cannot validate "Access token validation failure."
 * (both quoted in Graph issue threads for code InvalidAuthenticationToken).
 */
export function authenticate(header: string | undefined, tokens: ReadonlyMap<string, SeedToken>): Caller {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', { 'www-authenticate': 'Bearer' });
  const token = m[1]!;
  const seedToken = tokens.get(token);
  if (!seedToken) {
    throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.', { 'www-authenticate': 'Bearer' });
  }
  return callerFromToken(token, seedToken);
}

export function hasAny(caller: Caller, allowed: readonly string[]): boolean {
  return allowed.some((p) => caller.permissions.has(p));
}

export function requireAny(caller: Caller, allowed: readonly string[]): void {
  if (!hasAny(caller, allowed)) throw insufficientPrivileges();
}
