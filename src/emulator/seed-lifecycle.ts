/**
 * Seed checks for the lifecycle fields of a user: `accountEnabled`, `createdDateTime`,
 * `signInActivity` (CSDL graph.signInActivity: DateTimeOffset and String members) and `sponsors`
 * (object ids of other seed users: the emulator stores the relationship as ids).
 */
import { SeedProblem } from './seed.js';
import { SIGN_IN_PROPERTIES } from './sign-in-activity.js';

function fail(where: string, what: string): never {
  throw new SeedProblem(`${where}: ${what}`);
}

export function checkLifecycleFields(users: readonly Record<string, unknown>[], ids: ReadonlySet<string>): void {
  users.forEach((u, i) => {
    const w = `users[${i}]`;
    if (u['accountEnabled'] !== undefined && typeof u['accountEnabled'] !== 'boolean') fail(`${w}.accountEnabled`, 'must be true or false');
    const created = u['createdDateTime'];
    if (created !== undefined && (typeof created !== 'string' || Number.isNaN(Date.parse(created)))) fail(`${w}.createdDateTime`, 'must be an ISO 8601 date-time');
    const sia = u['signInActivity'];
    if (sia !== undefined && sia !== null) {
      if (typeof sia !== 'object' || Array.isArray(sia)) fail(`${w}.signInActivity`, 'must be an object');
      for (const [k, v] of Object.entries(sia as Record<string, unknown>)) {
        if (!(SIGN_IN_PROPERTIES as readonly string[]).includes(k)) fail(`${w}.signInActivity.${k}`, `is not a signInActivity property (${SIGN_IN_PROPERTIES.join(', ')})`);
        if (v === null) continue;
        if (typeof v !== 'string' || (k.endsWith('DateTime') && Number.isNaN(Date.parse(v)))) fail(`${w}.signInActivity.${k}`, k.endsWith('DateTime') ? 'must be an ISO 8601 date-time or null' : 'must be a string or null');
      }
    }
    const sponsors = u['sponsors'];
    if (sponsors !== undefined) {
      if (!Array.isArray(sponsors) || sponsors.some((s) => typeof s !== 'string')) fail(`${w}.sponsors`, 'must be an array of user object ids');
      for (const s of sponsors as string[]) if (!ids.has(s.toLowerCase())) fail(`${w}.sponsors`, `${s} is not the id of a user in this seed`);
    }
  });
}
