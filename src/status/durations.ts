/** `14d` → 14: the day counts status filters take (days only, so a reader never guesses units). */
import { GuestopsError } from '../errors.js';

export function parseDays(option: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^([0-9]{1,5})d$/.exec(raw);
  if (!m) throw new GuestopsError('usage', `--${option} must be a number of days such as 14d, got '${raw}'. Run 'guestops status --help'.`);
  return Number(m[1]);
}

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (negative when `from` is later). */
export function daysBetween(from: string | number, to: Date): number {
  const t = typeof from === 'number' ? from : Date.parse(from);
  return Math.floor((to.getTime() - t) / DAY_MS);
}
