/**
 * Which declared guests' users the guest list settles, and the reads that settle the rest:
 * - a guest declared by id or UPN whose user is listed keeps that user;
 * - one whose user is not listed (a member, a typo, a deleted guest) is read with `id in (…)` or
 *   `userPrincipalName in (…)`, 15 to a request: both default queries (user resource,
 *   "Properties" table). One `GET /users/{id}` each was 34 inner requests at 50,000 guests;
 *   now 3;
 * - a new, email-only guest keeps the listed users carrying its address; when none does, the
 *   address may still sit on a member, in `mail` or only in `otherMails` (inviting it then would
 *   make a second account for the same person), so it is looked up both ways — `mail eq` and
 *   `otherMails/any(m:m eq …)` work without advanced query parameters.
 * Users are returned in guests/ order, the listed ones first, as the one-by-one answers were: the
 * plan lists them in that order.
 */
import type { DesiredGuest } from '../desired/types.js';
import type { BatchGet, BatchResult } from './batch.js';
import { IN_VALUES } from './attribute-markers.js';
import { odataString, withQuery } from './odata.js';

type RawUser = Record<string, unknown>;

export interface DeclaredLookups {
  /** The users the list settled, in guests/ order. */
  readonly listed: readonly RawUser[];
  /** The reads the rest need (each URL once). */
  readonly gets: readonly BatchGet[];
  /** The users those reads found, in guests/ order; `answers` are to `gets`, in order (a 404 finds none). */
  found(answers: readonly BatchResult[]): RawUser[];
}

/**
 * `owns[i]`: the listed user of `guests[i]` when it is declared by id or UPN and listed.
 * `carriers`: listed users by the (normalised) address they carry, for the email-only guests'.
 * `select` and `expand`: what a read of a declared user asks for.
 */
export function declaredLookups(
  guests: readonly DesiredGuest[],
  owns: readonly (RawUser | undefined)[],
  carriers: ReadonlyMap<string, readonly RawUser[]>,
  select: string,
  expand: Readonly<Record<string, string>>,
): DeclaredLookups {
  const listed: RawUser[] = [];
  const gets: BatchGet[] = [];
  const getIndex = new Map<string, number>();
  const ask = (url: string): number => {
    let i = getIndex.get(url);
    if (i === undefined) {
      i = gets.push({ url }) - 1;
      getIndex.set(url, i);
    }
    return i;
  };
  const missing = { id: [] as string[], upn: [] as string[] };
  const missingKeys = new Set<string>();
  const order: ({ readonly by: 'id' | 'upn'; readonly key: string } | { readonly by: 'address'; readonly gets: readonly number[] })[] = [];
  guests.forEach((g, i) => {
    if (g.id || g.upn) {
      const own = owns[i];
      if (own !== undefined) {
        listed.push(own);
        return;
      }
      const by = g.id ? 'id' : 'upn';
      const value = (g.id ?? g.upn)!;
      const key = value.toLowerCase();
      if (!missingKeys.has(`${by}:${key}`)) {
        missingKeys.add(`${by}:${key}`);
        missing[by].push(value);
      }
      order.push({ by, key });
      return;
    }
    const carrying = carriers.get(g.email.trim().toLowerCase());
    if (carrying !== undefined) {
      listed.push(...carrying);
      return;
    }
    order.push({
      by: 'address',
      gets: [
        ask(withQuery('/users', { $filter: `mail eq ${odataString(g.email)}`, $select: select })),
        ask(withQuery('/users', { $filter: `otherMails/any(m:m eq ${odataString(g.email)})`, $select: select })),
      ],
    });
  });
  const identityGets = new Map<number, 'id' | 'upn'>();
  for (const by of ['id', 'upn'] as const) {
    const property = by === 'id' ? 'id' : 'userPrincipalName';
    for (let k = 0; k < missing[by].length; k += IN_VALUES) {
      const chunk = missing[by].slice(k, k + IN_VALUES).map(odataString);
      identityGets.set(ask(withQuery('/users', { $filter: `${property} in (${chunk.join(',')})`, $select: select, ...expand })), by);
    }
  }

  const found = (answers: readonly BatchResult[]): RawUser[] => {
    const users = answers.map((res): RawUser[] => {
      if (res.status === 404) return []; // not found: the planner blocks it
      const value = (res.body as { value?: unknown } | null)?.value;
      return Array.isArray(value) ? (value as RawUser[]) : [];
    });
    const readBy = { id: new Map<string, RawUser>(), upn: new Map<string, RawUser>() };
    for (const [i, by] of identityGets) {
      for (const u of users[i]!) {
        const key = u[by === 'id' ? 'id' : 'userPrincipalName'];
        if (typeof key === 'string') readBy[by].set(key.toLowerCase(), u);
      }
    }
    const out: RawUser[] = [];
    for (const o of order) {
      if (o.by === 'address') {
        for (const i of o.gets) out.push(...users[i]!);
      } else {
        const u = readBy[o.by].get(o.key);
        if (u !== undefined) out.push(u);
      }
    }
    return out;
  };
  return { listed, gets, found };
}
