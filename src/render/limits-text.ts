/**
 * The plan's limits in words, for the text and markdown plans: what apply will refuse, and how
 * to approve more when that is intended.
 */
import type { PlanLimit } from '../plan/types.js';

function known(l: PlanLimit): { what: (n: number) => string; setting: string; raise: string } | undefined {
  if (l.name === 'max-resets') {
    return {
      what: (n) => `${n} reset${n === 1 ? '' : 's'}`,
      setting: '--max-resets',
      raise: `plan and apply with --max-resets ${l.planned} (or GUESTOPS_MAX_RESETS=${l.planned})`,
    };
  }
  return undefined;
}

/** One sentence per limit (plain text; callers escape for their format). */
export function limitSentence(l: PlanLimit): string {
  const k = known(l);
  const what = k ? k.what : (n: number) => `${n}`;
  const setting = k ? k.setting : l.name;
  if (!l.exceeded) return `Limit: ${what(l.planned)} of at most ${l.max} (${setting}).`;
  return (
    `Apply will refuse this plan: ${what(l.planned)}, more than ${setting} ${l.max}; nothing would be written.` +
    (k ? ` If that many is intended, ${k.raise}.` : '')
  );
}
