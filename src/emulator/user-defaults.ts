/**
 * Properties every real user has that a hand-written seed may leave out: `accountEnabled`
 * (Edm.Boolean; a new account is enabled) and `createdDateTime` (Edm.DateTimeOffset, set by the
 * service). A seed value always wins.
 */
import type { UserData } from './tenant.js';

/** When a seed user gives no creation time: a fixed instant, so runs of the same seed agree. */
export const SEED_CREATED_DATE_TIME = '2026-01-01T00:00:00Z';

export function withUserDefaults(u: UserData): UserData {
  if (u['accountEnabled'] === undefined) u['accountEnabled'] = true;
  if (u['createdDateTime'] === undefined) u['createdDateTime'] = SEED_CREATED_DATE_TIME;
  return u;
}
