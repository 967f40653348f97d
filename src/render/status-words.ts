/** Words of the status report shared by its text and markdown renderings (no escaping here). */
import type { GuestStatus, StatusReport } from '../status/report.js';

export function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

export function stateWords(g: GuestStatus): string {
  if (!g.found) return g.id === null && g.upn === null ? 'not invited yet' : 'not found in the tenant';
  const state = g.state ?? 'no redemption state';
  return g.stateDays !== null && g.stateSince !== null ? `${state} since ${g.stateSince.slice(0, 10)} (${days(g.stateDays)})` : state;
}

export function accountWords(g: GuestStatus): string {
  if (g.accountEnabled === null) return 'unknown';
  if (g.accountEnabled) return 'enabled';
  return g.disabledOn ? `disabled by guestops on ${g.disabledOn}` : 'disabled (not by guestops)';
}

export function expiryWords(g: GuestStatus): string {
  if (g.expires === null || g.expiresInDays === null) return 'no expiry';
  if (g.expiresInDays < 0) return `ended ${g.expires} (${days(-g.expiresInDays)} ago)`;
  return `until ${g.expires} (${g.expiresInDays === 0 ? 'last day' : `${days(g.expiresInDays)} left`})`;
}

export function signInWords(g: GuestStatus): string | undefined {
  if (g.lastSignIn === undefined) return undefined;
  if (g.lastSignIn === null) return 'never signed in';
  return `last sign-in ${g.lastSignIn.slice(0, 10)} (${days(g.inactiveDays ?? 0)} ago)`;
}

export function appliedWords(g: GuestStatus): string {
  return g.lastApplied ? `guestops last applied ${g.lastApplied.at.slice(0, 10)} at generation ${g.lastApplied.generation}` : 'not managed by guestops yet';
}

export function resendWords(g: GuestStatus): string | undefined {
  return g.resend ? `to re-send the invitation: ${g.resend.change} at ${g.resend.file}:${g.resend.line}, then apply` : undefined;
}

export function filterWords(r: StatusReport): string {
  const f = r.filters;
  const parts = [
    f.pendingOverDays !== undefined ? `pending over ${days(f.pendingOverDays)}` : null,
    f.expiringWithinDays !== undefined ? `expiring within ${days(f.expiringWithinDays)}` : null,
    f.inactiveOverDays !== undefined ? `inactive over ${days(f.inactiveOverDays)}` : null,
  ].filter((x) => x !== null);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function signInNote(r: StatusReport): string | undefined {
  return r.signInActivity.available ? undefined : `Sign-in activity is not available to this identity: ${r.signInActivity.reason}.`;
}
