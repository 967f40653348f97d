/**
 * Tenants generated at test time for the adoption tests: N guests spread over a few email domains,
 * plus the awkward cases a real tenant has (no mail, a mail the invitation API refuses, quotes,
 * capitals, a member). Built on the demo seed so its app, marker extension and tokens apply.
 */
import type { Seed } from '../helpers/emulator.js';
import { MARKER } from '../apply/support.js';

export const DOMAINS = ['fabrikam.example', 'northwind.example', 'tailspin.example', 'woodgrove.example', 'litware.example'] as const;

export function guestId(i: number): string {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

export interface GeneratedGuest {
  readonly id: string;
  readonly mail: string | null;
  readonly otherMails: string[];
}

/** `count` guests: guest i has mail `user{i}@<domain i mod 5>`, some with otherMails. */
export function generatedGuests(count: number): GeneratedGuest[] {
  const out: GeneratedGuest[] = [];
  for (let i = 0; i < count; i++) {
    const mail = `user${i}@${DOMAINS[i % DOMAINS.length]}`;
    out.push({ id: guestId(i), mail, otherMails: i % 3 === 0 ? [mail, `user${i}.home@personal.example`] : [] });
  }
  return out;
}

export function guestUser(g: GeneratedGuest, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const local = (g.mail ?? `nomail-${g.id.slice(-6)}@x.example`).replace('@', '_');
  return {
    id: g.id,
    displayName: `Guest ${g.id.slice(-6)}`,
    userPrincipalName: `${local}#EXT#@contoso.onmicrosoft.com`,
    mail: g.mail,
    otherMails: g.otherMails,
    userType: 'Guest',
    creationType: 'Invitation',
    externalUserState: 'Accepted',
    externalUserStateChangeDateTime: '2026-03-02T10:15:00Z',
    ...extra,
  };
}

/** A seed with ONLY generated guests (plus `extra` users) and the demo's app, roles and tokens. */
export function tenantOf(users: readonly Record<string, unknown>[]): (seed: Seed) => Seed {
  return (seed) => ({ ...seed, users: users as unknown as Seed['users'], roleAssignments: [] });
}

export { MARKER };
