/**
 * Sponsor writes (user-post-sponsors.md, user-delete-sponsors.md). Both are made idempotent here,
 * so a lost answer can be re-sent and a crashed apply re-run: adding a sponsor that is already
 * there answers 400 "One or more added object references already exist…" — the wanted state, so
 * success; removing one that is already gone answers 404 — also the wanted state.
 */
import { toGraphError, type Graph, type GraphResponse } from './client.js';
import { userSegment } from './odata.js';

/** The read URL Graph wants in `@odata.id` (a directoryObject works for users and groups). */
export function directoryObjectUrl(id: string): string {
  return `https://graph.microsoft.com/v1.0/directoryObjects/${encodeURIComponent(id)}`;
}

const ALREADY_THERE = /already exist/i;

export async function addSponsor(graph: Graph, userId: string, sponsorId: string): Promise<GraphResponse> {
  const r = await graph.send({
    method: 'POST',
    path: `/users/${userSegment(userId)}/sponsors/$ref`,
    body: { '@odata.id': directoryObjectUrl(sponsorId) },
    idempotent: true,
  });
  if (r.status >= 200 && r.status < 300) return r;
  if (r.status === 400 && ALREADY_THERE.test(JSON.stringify(r.body ?? ''))) return r;
  throw toGraphError(r);
}

export async function removeSponsor(graph: Graph, userId: string, sponsorId: string): Promise<GraphResponse> {
  const r = await graph.send({ method: 'DELETE', path: `/users/${userSegment(userId)}/sponsors/${userSegment(sponsorId)}/$ref` });
  if ((r.status >= 200 && r.status < 300) || r.status === 404) return r;
  throw toGraphError(r);
}
