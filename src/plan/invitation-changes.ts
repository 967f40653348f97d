/**
 * Invitation settings are not stored in the tenant: they ride along on a file's next reset or
 * invitation. A pull request that changes `ccRecipients` to another domain or rewrites
 * `customizedMessageBody` writes nothing today, so the tenant cannot show it; the only honest
 * comparison is with the guest files at the review's base (`plan --base-dir`). Compared per guest
 * (resolved settings, so a per-guest override counts too) and reported per file.
 */
import type { DesiredGuest, DesiredState, InvitationSettings } from '../desired/types.js';
import type { InvitationChange } from './types.js';

const FIELDS = ['redirectUrl', 'sendMessage', 'messageLanguage', 'ccRecipients', 'customizedMessageBody'] as const;

function guestKey(g: DesiredGuest): string {
  return g.id !== undefined ? `id:${g.id}` : g.upn !== undefined ? `upn:${g.upn.toLowerCase()}` : `email:${g.email.toLowerCase()}`;
}

function same(a: InvitationSettings, b: InvitationSettings, field: (typeof FIELDS)[number]): boolean {
  const x = a[field];
  const y = b[field];
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => v === y[i]);
  return x === y;
}

/** The settings fields that differ, in reading order. */
export function changedFields(from: InvitationSettings, to: InvitationSettings): (typeof FIELDS)[number][] {
  return FIELDS.filter((f) => !same(from, to, f));
}

/**
 * Per file of `head`, each distinct (before → after) settings change among guests declared in both
 * trees (matched by id, else upn, else email; a guest that moved files counts in its new file).
 */
export function diffInvitationSettings(base: DesiredState, head: DesiredState): InvitationChange[] {
  const before = new Map(base.guests.map((g) => [guestKey(g), g]));
  const out: InvitationChange[] = [];
  const byFilePair = new Map<string, { change: InvitationChange; guests: string[] }>();
  for (const g of head.guests) {
    const b = before.get(guestKey(g));
    if (b === undefined) continue;
    const fields = changedFields(b.invitation, g.invitation);
    if (fields.length === 0) continue;
    const pair = `${g.source.file}\u0000${JSON.stringify(b.invitation)}\u0000${JSON.stringify(g.invitation)}`;
    const seen = byFilePair.get(pair);
    const who = g.id ?? g.upn ?? g.email;
    if (seen) {
      seen.guests.push(who);
      continue;
    }
    const guests = [who];
    const change: InvitationChange = { file: g.source.file, line: g.source.line, fields, from: b.invitation, to: g.invitation, guests };
    byFilePair.set(pair, { change, guests });
    out.push(change);
  }
  return out;
}
