/**
 * The bearer tokens a snapshot seed lets the emulator accept. They are fixed, obviously fake
 * words, never anything read from the environment or the credential chain: a snapshot file is
 * meant to be shared and committed to a rehearsal branch, and must not carry a secret.
 */

/** Permissions of the apply app (docs/setup.md), plus OwnedBy so `guestops setup` rehearses too. */
export const APPLY_PERMISSIONS = ['User.ReadWrite.All', 'User.Invite.All', 'RoleManagement.Read.Directory', 'Application.ReadWrite.OwnedBy'] as const;
/** Permissions of the plan app, plus Application.Read.All so plan can discover the marker property. */
export const PLAN_PERMISSIONS = ['User.Read.All', 'RoleManagement.Read.Directory', 'Application.Read.All'] as const;
/** A signed-in administrator (delegated), for rehearsing what a person at a terminal would do. */
export const ADMIN_PERMISSIONS = ['User.ReadWrite.All', 'User.Invite.All', 'Directory.Read.All'] as const;

export const REHEARSAL_APPLY_TOKEN = 'rehearsal-apply';
export const REHEARSAL_PLAN_TOKEN = 'rehearsal-plan';
export const REHEARSAL_ADMIN_TOKEN = 'rehearsal-admin';

/** Client id for the fake apps when the tenant has no guestops app (extensionAttribute marker). */
export const FAKE_APP_ID = '00000000-0000-4000-8000-00000000a991';
export const FAKE_PLAN_APP_ID = '00000000-0000-4000-8000-00000000a992';

export interface SnapshotToken {
  readonly kind: 'app' | 'delegated';
  readonly appId?: string;
  readonly upn?: string;
  readonly permissions: readonly string[];
}

export function rehearsalTokens(applyAppId: string | null, adminUpn: string | null): Record<string, SnapshotToken> {
  const tokens: Record<string, SnapshotToken> = {
    [REHEARSAL_APPLY_TOKEN]: { kind: 'app', appId: applyAppId ?? FAKE_APP_ID, permissions: [...APPLY_PERMISSIONS] },
    [REHEARSAL_PLAN_TOKEN]: { kind: 'app', appId: FAKE_PLAN_APP_ID, permissions: [...PLAN_PERMISSIONS] },
  };
  if (adminUpn !== null) tokens[REHEARSAL_ADMIN_TOKEN] = { kind: 'delegated', upn: adminUpn, permissions: [...ADMIN_PERMISSIONS] };
  return tokens;
}
