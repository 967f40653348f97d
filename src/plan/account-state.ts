/**
 * Rule: should the account be enabled? Pure; the clock is the caller's.
 *   - `enabled: false` → disable.
 *   - `expires: D` → access through the whole UTC day D; from D+1 00:00Z plus the grace period
 *     (the file's `gracePeriod`, else the caller's default) the plan disables the account.
 *   - Otherwise the account should be enabled, but guestops only enables an account it disabled
 *     itself (its marker records the day) or one declared `enabled: true`: an account someone
 *     disabled in the portal (a compromised guest, say) is not switched back on by omission.
 * guestops never deletes a user.
 */
import type { DesiredGuest } from '../desired/types.js';
import type { ObservedUser } from './observed.js';
import type { DeclaredAt, DisableAction, EnableAction } from './types.js';

const DAY_MS = 86_400_000;

/** The first instant the guest is past its access (expires day + 1, + grace days), in ms. */
export function expiryCutoff(expires: string, graceDays: number): number {
  return Date.parse(`${expires}T00:00:00Z`) + (1 + graceDays) * DAY_MS;
}

function declared(guest: DesiredGuest, key: 'expires' | 'enabled'): DeclaredAt | null {
  const at = guest.fields[key];
  return at ? { file: at.file, line: at.line } : null;
}

export interface AccountInput {
  readonly now: Date;
  /** Grace days when the guest's file sets none (the policy's, else 0). */
  readonly defaultGraceDays: number;
  /** The day guestops disabled the account, from its marker. */
  readonly disabledOn: string | undefined;
}

/** Whether the declaration wants the account off at `now`, and why. */
export function wantsDisabled(guest: DesiredGuest, now: Date, defaultGraceDays: number): DisableAction['why'] | null {
  if (guest.enabled === false) return 'declared-disabled';
  if (guest.expires !== undefined && now.getTime() >= expiryCutoff(guest.expires, guest.gracePeriodDays ?? defaultGraceDays)) return 'expired';
  return null;
}

export function decideAccount(guest: DesiredGuest, user: ObservedUser, input: AccountInput): DisableAction | EnableAction | null {
  const why = wantsDisabled(guest, input.now, input.defaultGraceDays);
  if (why !== null) {
    if (user.accountEnabled === false) return null;
    if (why === 'declared-disabled') {
      return { type: 'disable', why, reason: 'the guest is declared enabled: false', declaredAt: declared(guest, 'enabled') };
    }
    const grace = guest.gracePeriodDays ?? input.defaultGraceDays;
    return {
      type: 'disable',
      why,
      reason: `access expired on ${guest.expires}${grace > 0 ? ` (grace period ${grace} day${grace === 1 ? '' : 's'})` : ''}`,
      expires: guest.expires!,
      ...(grace > 0 ? { graceDays: grace } : {}),
      declaredAt: declared(guest, 'expires'),
    };
  }
  if (user.accountEnabled !== false) return null;
  if (guest.enabled === true) {
    return {
      type: 'enable',
      why: 'declared-enabled',
      reason: 'the guest is declared enabled: true',
      ...(input.disabledOn ? { disabledSince: input.disabledOn } : {}),
      declaredAt: declared(guest, 'enabled'),
    };
  }
  if (input.disabledOn === undefined) return null;
  return {
    type: 'enable',
    why: 'no-longer-expired',
    reason: guest.expires !== undefined ? `access now runs until ${guest.expires}` : 'the guest no longer has an expiry date',
    disabledSince: input.disabledOn,
    declaredAt: declared(guest, 'expires'),
  };
}
