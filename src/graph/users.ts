/** Targeted user reads and writes used by apply (one request each, through the Graph door). */
import type { ObservedUser } from '../plan/observed.js';
import { toGraphError, type Graph, type GraphResponse } from './client.js';
import type { MarkerProperty } from './marker-property.js';
import { toObservedUser, userSelect } from './observe.js';
import { odataString, userSegment, withQuery } from './odata.js';

/** `PATCH /users/{id}`: absolute values only, so sending it twice has the same effect. */
export async function patchUser(graph: Graph, id: string, body: Record<string, unknown>): Promise<GraphResponse> {
  return graph.call({ method: 'PATCH', path: `/users/${userSegment(id)}`, body });
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
