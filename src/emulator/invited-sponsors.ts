/**
 * `invitedUserSponsors` on `POST /invitations` (CSDL: invitation.invitedUserSponsors,
 * Collection(directoryObject); invitation-post.md: "the users or groups who are sponsors of the
 * invited user"), given as `[{ "id": "<object id>" }]`. Each must name an existing user (the
 * emulator has no groups): otherwise 404 as for any missing reference (wording of Graph's
 * Request_ResourceNotFound). With `resetRedemption` the docs say nothing about sponsors; the
 * emulator refuses the combination (stricter) — a reset must not change who is responsible.
 */
import { badRequest, resourceNotFound } from './graph-error.js';
import type { Tenant } from './tenant.js';

export function invitedUserSponsors(tenant: Tenant, body: Record<string, unknown>, reset: boolean): string[] {
  const raw = body['invitedUserSponsors'];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw badRequest("Invalid value for 'invitedUserSponsors'.", 'BadRequest');
  if (reset && raw.length > 0) throw badRequest("'invitedUserSponsors' cannot be combined with 'resetRedemption' in the Graph emulator.", 'BadRequest');
  const ids: string[] = [];
  for (const item of raw) {
    const id = (item as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '') throw badRequest("Each 'invitedUserSponsors' item needs an 'id'.", 'BadRequest');
    const rec = tenant.userById(id);
    if (!rec) throw resourceNotFound(id);
    if (!ids.some((x) => x.toLowerCase() === rec.data.id.toLowerCase())) ids.push(rec.data.id);
  }
  return ids;
}
