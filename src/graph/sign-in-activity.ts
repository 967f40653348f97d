/**
 * Last sign-ins of the tenant's guests from `signInActivity` (user.md: selectable only with
 * AuditLog.Read.All, in a tenant with Microsoft Entra ID P1). One paged list of guests with
 * `$select=id,signInActivity` — Graph serves at most 120 users per page when signInActivity is
 * selected (user-list.md) — so about ceil(N/120) requests. Without the permission or the
 * licence Graph answers 403 on the first page: that is reported once as "not available", never
 * as a failure of the whole status.
 */
import type { Graph } from './client.js';
import { GraphError } from './graph-error.js';
import { listGuests } from './guest-listing.js';

export interface SignIn {
  /** `lastSuccessfulSignInDateTime` (interactive or not; recorded by Graph since December 2023). */
  readonly lastSuccessful: string | null;
  /** `lastSignInDateTime`: last interactive attempt, successful or not. */
  readonly lastAttempt: string | null;
}

export type SignIns =
  | { readonly available: true; readonly byId: ReadonlyMap<string, SignIn> }
  | { readonly available: false; readonly reason: string };

export async function readSignIns(graph: Graph): Promise<SignIns> {
  try {
    const { users } = await listGuests(graph, { select: ['id', 'signInActivity'] });
    const byId = new Map<string, SignIn>();
    for (const u of users) {
      if (typeof u['id'] !== 'string') continue;
      const a = (u['signInActivity'] ?? null) as Record<string, unknown> | null;
      const str = (k: string): string | null => (a && typeof a[k] === 'string' ? (a[k] as string) : null);
      byId.set(u['id'].toLowerCase(), { lastSuccessful: str('lastSuccessfulSignInDateTime'), lastAttempt: str('lastSignInDateTime') });
    }
    return { available: true, byId };
  } catch (e) {
    if (e instanceof GraphError && e.status === 403) {
      return { available: false, reason: `${e.graphCode ?? 'Forbidden'}: ${e.graphMessage ?? 'not permitted'} (needs AuditLog.Read.All and a Microsoft Entra ID P1 tenant)` };
    }
    throw e;
  }
}
