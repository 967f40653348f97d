/**
 * The day lifecycle decisions are made on: expiry and grace (plan, apply) and the day counts of
 * `guestops status`. It is the real clock, unless GUESTOPS_NOW names another moment — for tests
 * and rehearsals only ("what will the plan disable on 1 July?"), so a test of an expiry boundary
 * never depends on the date it runs. Only these decisions read it: leases, markers' timestamps
 * and the apply report keep the real clock, so a rehearsal never writes a false time to a tenant.
 */
import { GuestopsError } from '../errors.js';

/** `2026-07-01` (midnight UTC) or a full ISO 8601 time with `Z` or an offset. */
const FORM = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

export function lifecycleNow(env: NodeJS.ProcessEnv = process.env): Date {
  const raw = env['GUESTOPS_NOW'];
  if (raw === undefined || raw === '') return new Date();
  const t = FORM.test(raw) ? Date.parse(raw.length === 10 ? `${raw}T00:00:00Z` : raw) : NaN;
  // Date.parse rolls 2026-02-30 over to March; a round trip of the day refuses it.
  if (!Number.isFinite(t) || (raw.length === 10 && new Date(t).toISOString().slice(0, 10) !== raw)) {
    throw new GuestopsError('invalid-now', `GUESTOPS_NOW must be a day such as 2026-07-01 or a time such as 2026-07-01T09:00:00Z (it is for tests and rehearsals), got '${raw}'`);
  }
  return new Date(t);
}
