/**
 * Value rules for the lifecycle fields (`sponsors`, `expires`, `enabled`, `gracePeriod`): the
 * wording of a schema refusal, and what the schema cannot say — that `expires` is a real calendar
 * day and that a sponsor is listed once.
 */
import type { Problem, SourceLocation } from './types.js';
import type { YMapping, YNode } from './yaml-tree.js';
import type { ProblemCode } from './codes.js';
import { problem } from './problems.js';
import { quoteValue } from './problem-format.js';

const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** Whether `YYYY-MM-DD` names a day that exists (no 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Wording of a schema refusal of a lifecycle value (schema.ts asks before its generic message). */
export function lifecycleIssue(shape: string, text: string, field: string): { code: ProblemCode; message: string } | undefined {
  if (shape === 'guests/*/sponsors/*' || shape === 'defaults/sponsors/*') {
    return { code: 'invalid-sponsor', message: `${field} ${quoteValue(text)} is neither an object id (GUID) nor a user principal name (e.g. erin@contoso.onmicrosoft.com)` };
  }
  if (shape === 'guests/*/expires') return { code: 'invalid-expires', message: `expires ${quoteValue(text)} is not a date YYYY-MM-DD (e.g. 2026-06-30)` };
  // `gracePeriod` at the top is the policy file's (schemas/policy.schema.json); guest files refuse the key there.
  if (shape === 'defaults/gracePeriod' || shape === 'gracePeriod') return { code: 'invalid-grace-period', message: `gracePeriod ${quoteValue(text)} is not a number of days such as 14d` };
  return undefined;
}

function entry(m: YMapping, key: string): YNode | undefined {
  return m.entries.find((e) => e.key === key)?.value;
}

function sponsorDuplicates(list: YNode | undefined, file: string, name: string): Problem[] {
  if (list?.kind !== 'sequence') return [];
  const problems: Problem[] = [];
  const seen = new Map<string, YNode>();
  list.items.forEach((item, i) => {
    if (item.kind !== 'scalar' || typeof item.value !== 'string') return;
    const key = item.value.toLowerCase();
    const first = seen.get(key);
    if (first) {
      const at: SourceLocation = { file, ...item.position };
      problems.push(problem('duplicate-sponsor', `${name}[${i}] ${quoteValue(item.value)} repeats a sponsor already listed at line ${first.position.line}, column ${first.position.column}`, at));
    } else seen.set(key, item);
  });
  return problems;
}

/** Problems of one guest's lifecycle fields beyond the schema. */
export function checkLifecycleEntry(guest: YMapping, file: string): Problem[] {
  const problems = sponsorDuplicates(entry(guest, 'sponsors'), file, 'sponsors');
  const expires = entry(guest, 'expires');
  if (expires?.kind === 'scalar' && typeof expires.value === 'string' && DATE.test(expires.value) && !isCalendarDate(expires.value)) {
    problems.push(problem('invalid-expires', `expires ${quoteValue(expires.value)} is not a day of the calendar`, { file, ...expires.position }));
  }
  return problems;
}

/** Problems of the file's `defaults` lifecycle fields beyond the schema. */
export function checkLifecycleDefaults(root: YNode, file: string): Problem[] {
  if (root.kind !== 'mapping') return [];
  const defaults = entry(root, 'defaults');
  return defaults?.kind === 'mapping' ? sponsorDuplicates(entry(defaults, 'sponsors'), file, 'defaults.sponsors') : [];
}
