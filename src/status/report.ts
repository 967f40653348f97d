/**
 * The status report: for every declared guest, where it stands — redemption state and since
 * when, what guestops last recorded (its marker), account state, sponsors, expiry, last
 * successful sign-in when the identity may read it — and, for a guest still pending, the one-line
 * change that sends a fresh invitation (a `generation` bump). Pure: desired + observed + sign-ins
 * + clock → report; filters narrow the list.
 */
import type { DesiredGuest, DesiredState } from '../desired/types.js';
import type { ObservedTenant, ObservedUser } from '../plan/observed.js';
import { parseMarker } from '../plan/marker.js';
import { indexUsers, matchGuest } from '../plan/match.js';
import { expiryCutoff } from '../plan/account-state.js';
import type { SignIns } from '../graph/sign-in-activity.js';
import { daysBetween } from './durations.js';

export interface StatusFilters {
  /** Only guests awaiting redemption for at least this many days. */
  readonly pendingOverDays?: number;
  /** Only guests whose access ends within this many days (already ended included). */
  readonly expiringWithinDays?: number;
  /** Only guests without a successful sign-in for at least this many days (or never). */
  readonly inactiveOverDays?: number;
}

export interface GuestStatus {
  readonly email: string;
  readonly file: string;
  readonly line: number;
  readonly id: string | null;
  readonly upn: string | null;
  /** false: no user in the tenant yet (to invite) or not found. */
  readonly found: boolean;
  /** `externalUserState`: PendingAcceptance, Accepted, or null. */
  readonly state: string | null;
  readonly stateSince: string | null;
  readonly stateDays: number | null;
  /** What guestops last recorded on the user: when, and the generation. */
  readonly lastApplied: { readonly at: string; readonly generation: number } | null;
  readonly accountEnabled: boolean | null;
  /** The day guestops disabled the account, when it did. */
  readonly disabledOn: string | null;
  /** Sponsor references: as declared where the id is a declared one, else object ids. */
  readonly sponsors: readonly string[];
  readonly expires: string | null;
  /** Days until the access ends (0: last day; negative: ended that many days ago). */
  readonly expiresInDays: number | null;
  /** Last successful sign-in; undefined when sign-in activity is not available. */
  readonly lastSignIn?: string | null;
  readonly inactiveDays?: number | null;
  /** For a pending guest: the change that sends a fresh invitation. */
  readonly resend?: { readonly generation: number; readonly file: string; readonly line: number; readonly change: string };
}

export interface StatusReport {
  readonly generatedAt: string;
  readonly signInActivity: { readonly available: true } | { readonly available: false; readonly reason: string };
  readonly filters: StatusFilters;
  /** Declared guests in total (before filters). */
  readonly declared: number;
  readonly guests: readonly GuestStatus[];
}

function sponsorNames(user: ObservedUser | undefined, guest: DesiredGuest, refs: ReadonlyMap<string, string | null> | undefined): string[] {
  const byId = new Map<string, string>();
  for (const ref of guest.sponsors ?? []) {
    const id = refs?.get(ref.toLowerCase());
    if (id) byId.set(id.toLowerCase(), ref);
  }
  return (user?.sponsors ?? []).map((id) => byId.get(id.toLowerCase()) ?? id);
}

function statusOf(guest: DesiredGuest, user: ObservedUser | undefined, observed: ObservedTenant, signIns: SignIns, now: Date): GuestStatus {
  const parsed = parseMarker(user?.marker);
  const marker = parsed.kind === 'ok' ? parsed.marker : undefined;
  const since = user?.externalUserStateChangeDateTime ?? null;
  const expiresInDays = guest.expires !== undefined ? daysBetween(now.getTime(), new Date(expiryCutoff(guest.expires, 0) - 1)) : null;
  const out: { -readonly [K in keyof GuestStatus]: GuestStatus[K] } = {
    email: guest.email,
    file: guest.source.file,
    line: guest.source.line,
    id: user?.id ?? guest.id ?? null,
    upn: user?.userPrincipalName ?? guest.upn ?? null,
    found: user !== undefined,
    state: user?.externalUserState ?? null,
    stateSince: since,
    stateDays: since !== null ? daysBetween(since, now) : null,
    lastApplied: marker ? { at: marker.appliedAt, generation: marker.generation } : null,
    accountEnabled: user?.accountEnabled ?? null,
    disabledOn: marker?.disabledOn ?? null,
    sponsors: sponsorNames(user, guest, observed.sponsorRefs),
    expires: guest.expires ?? null,
    expiresInDays,
  };
  if (signIns.available && user) {
    const s = signIns.byId.get(user.id.toLowerCase());
    out.lastSignIn = s?.lastSuccessful ?? null;
    out.inactiveDays = out.lastSignIn ? daysBetween(out.lastSignIn, now) : null;
  }
  if (user?.externalUserState === 'PendingAcceptance') {
    const at = guest.fields.generation ?? guest.source;
    const next = guest.generation + 1;
    out.resend = {
      generation: next,
      file: at.file,
      line: at.line,
      change: guest.fields.generation ? `generation: ${guest.generation} → ${next}` : `add generation: ${next}`,
    };
  }
  return out;
}

function keep(g: GuestStatus, f: StatusFilters): boolean {
  if (f.pendingOverDays !== undefined && !(g.state === 'PendingAcceptance' && (g.stateDays ?? 0) >= f.pendingOverDays)) return false;
  if (f.expiringWithinDays !== undefined && !(g.expiresInDays !== null && g.expiresInDays <= f.expiringWithinDays)) return false;
  if (f.inactiveOverDays !== undefined && !(g.found && (g.inactiveDays === null || (g.inactiveDays ?? 0) >= f.inactiveOverDays))) return false;
  return true;
}

export function buildStatus(desired: DesiredState, observed: ObservedTenant, signIns: SignIns, now: Date, filters: StatusFilters = {}): StatusReport {
  const index = indexUsers(observed.users, desired.guests);
  const guests = desired.guests.map((g) => {
    const m = matchGuest(g, index);
    return statusOf(g, m.kind === 'matched' ? m.user : undefined, observed, signIns, now);
  });
  return {
    generatedAt: now.toISOString(),
    signInActivity: signIns.available ? { available: true } : { available: false, reason: signIns.reason },
    filters,
    declared: desired.guests.length,
    guests: guests.filter((g) => keep(g, filters)),
  };
}
