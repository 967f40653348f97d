/** Targeted user reads and writes used by apply (one request each, through the Graph door). */
import type { ObservedUser } from '../plan/observed.js';
import { toGraphError, type Graph, type GraphResponse } from './client.js';
import type { MarkerProperty } from './marker-property.js';
import { toObservedUser, userSelect } from './observe.js';
import { odataString, userSegment, withQuery } from './odata.js';
import { retryStale, settle } from './consistency.js';

/** `PATCH /users/{id}`: absolute values only, so sending it twice has the same effect. */
export async function patchUser(graph: Graph, id: string, body: Record<string, unknown>): Promise<GraphResponse> {
  return graph.call({ method: 'PATCH', path: `/users/${userSegment(id)}`, body });
}

/**
 * `PATCH /users/{id}` of a user guestops created at `createdAt` (its invitation): a replica that
 * has not seen the new user yet answers 404, so a 404 is re-sent until the consistency window has
 * passed (microsoft-graph-docs #15839: PATCH right after an invitation answered 404).
 */
export async function patchNewUser(graph: Graph, id: string, body: Record<string, unknown>, createdAt: number): Promise<GraphResponse> {
  const r = await retryStale(
    graph.consistency,
    createdAt,
    () => graph.send({ method: 'PATCH', path: `/users/${userSegment(id)}`, body }),
    (res) => res.status === 404,
    `PATCH /users/${id} answered 404 for the user guestops just invited`,
  );
  if (r.status < 200 || r.status > 299) throw toGraphError(r);
  return r;
}

/**
 * Reads the user until it shows what guestops wrote at `since` (`shows`), or until a read past
 * the consistency window still does not: resolves with the user showing it, else null.
 */
export async function awaitUser(
  graph: Graph,
  id: string,
  marker: MarkerProperty,
  since: number,
  shows: (u: ObservedUser) => boolean,
  onRead?: (r: GraphResponse<Record<string, unknown>>) => void,
): Promise<ObservedUser | null> {
  const u = await settle(graph.consistency, since, async () => {
    const r = await getUser(graph, id, marker);
    onRead?.(r);
    const user = userFrom(r, marker);
    return user && shows(user) ? user : undefined;
  }, `GET /users/${id} does not show guestops' own write yet`);
  return u ?? null;
}

/** `GET /users/{id}?$select=...`; resolves on 2xx and 404 (use `userFrom`), rejects otherwise. */
export async function getUser(graph: Graph, id: string, marker: MarkerProperty): Promise<GraphResponse<Record<string, unknown>>> {
  const r = await graph.send<Record<string, unknown>>({ method: 'GET', path: withQuery(`/users/${userSegment(id)}`, { $select: userSelect(marker) }) });
  if (r.status !== 404 && (r.status < 200 || r.status > 299)) throw toGraphError(r);
  return r;
}

export function userFrom(r: GraphResponse<Record<string, unknown>>, marker: MarkerProperty): ObservedUser | null {
  return r.status === 404 || !r.body ? null : toObservedUser(r.body, marker);
}

/** `GET /users?$filter=mail eq '...'` (escaped), for finding a just-invited guest. */
export async function findUsersByMail(graph: Graph, email: string, marker: MarkerProperty): Promise<GraphResponse<{ value?: Record<string, unknown>[] }>> {
  return graph.call({ method: 'GET', path: withQuery('/users', { $filter: `mail eq ${odataString(email)}`, $select: userSelect(marker) }) });
}

export function usersFrom(r: GraphResponse<{ value?: Record<string, unknown>[] }>, marker: MarkerProperty): ObservedUser[] {
  return (r.body?.value ?? []).map((u) => toObservedUser(u, marker));
}
