/** Small builders for planner tests: a desired guest, an observed user, a marker string. */
import type { DesiredGuest, DesiredState, InvitationSettings } from '../../src/desired/types.js';
import type { ObservedTenant, ObservedUser } from '../../src/plan/observed.js';
import { emailHash, formatMarker, type PendingIntent } from '../../src/plan/marker.js';

export const INVITATION: InvitationSettings = { redirectUrl: 'https://myapps.microsoft.com', sendMessage: false, ccRecipients: [] };

export function guest(fields: Partial<Omit<DesiredGuest, 'source' | 'fields'>> & { line?: number; file?: string } = {}): DesiredGuest {
  const { line = 1, file = 'guests/test.yaml', ...rest } = fields;
  return {
    email: 'ann@new.example',
    generation: 0,
    invitation: INVITATION,
    ...rest,
    source: { file, line, column: 3 },
    fields: {},
  };
}

export const ID = '11111111-1111-4111-8111-111111111111';
export const UPN = 'ann_old.example#EXT#@contoso.onmicrosoft.com';
export const CHANGED = '2026-03-02T10:15:00Z';

export function user(fields: Partial<ObservedUser> = {}): ObservedUser {
  return {
    id: ID,
    userPrincipalName: UPN,
    displayName: 'Ann',
    mail: 'ann@new.example',
    otherMails: [],
    userType: 'Guest',
    creationType: 'Invitation',
    externalUserState: 'Accepted',
    externalUserStateChangeDateTime: CHANGED,
    marker: null,
    ...fields,
  };
}

export function marker(generation: number, email: string, pending?: Partial<PendingIntent> & { email?: string }): string {
  return formatMarker({
    generation,
    emailHash: emailHash(email),
    appliedAt: '2026-01-01T00:00:00.000Z',
    ...(pending
      ? {
          pending: {
            generation: pending.generation ?? generation + 1,
            emailHash: pending.emailHash ?? emailHash(pending.email ?? email),
            at: pending.at ?? '2026-05-01T12:00:00.000Z',
            runId: pending.runId ?? 'run-a',
            before: pending.before === undefined ? CHANGED : pending.before,
            ...(pending.beforeState !== undefined ? { beforeState: pending.beforeState } : {}),
          },
        }
      : {}),
  });
}

export function desired(...guests: DesiredGuest[]): DesiredState {
  return { guests, files: [...new Set(guests.map((g) => g.source.file))].sort(), digest: 'd'.repeat(64) };
}

export function tenant(users: ObservedUser[], kind: 'app' | 'delegated' = 'delegated'): ObservedTenant {
  return { caller: { kind }, users };
}
