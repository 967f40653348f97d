/**
 * The desired state's digest: sha256 over the canonical JSON (keys sorted, no whitespace) of the
 * guests without their source locations. Two trees that mean the same thing have the same digest;
 * saved plans carry it so apply can refuse a plan made from other guest files.
 *
 * A guest's keys are known, so they are written in their sorted order from one list instead of
 * being listed and sorted per guest (at 100,000 guests the generic walk took 0.5–0.65 s, this
 * 0.33–0.4 s, for the very same bytes). The list is a record over
 * the type's keys, so a field added to DesiredGuest does not compile until it is listed here —
 * a field left out of the digest would let a saved plan pass for guest files that changed it.
 */
import { createHash } from 'node:crypto';
import type { DesiredGuest } from './types.js';
import { canonicalJson } from './canonical-json.js';

/** Where a guest was written is not what it means: locations stay out of the digest. */
type LocationKey = 'source' | 'fields';
type DigestedKey = Exclude<keyof DesiredGuest, LocationKey>;

const DIGESTED: { readonly [K in DigestedKey]-?: true } = {
  id: true,
  upn: true,
  email: true,
  otherMails: true,
  generation: true,
  invitation: true,
  domainChangeAcks: true,
  sponsors: true,
  expires: true,
  enabled: true,
  gracePeriodDays: true,
};
/** Sorted as canonicalJson sorts keys (`Array.prototype.sort`: UTF-16 code units). */
const DIGESTED_ORDER = (Object.keys(DIGESTED) as DigestedKey[]).sort();

/** canonicalJson of the guest without `source` and `fields`. */
export function guestCanonicalJson(guest: DesiredGuest, memo?: WeakMap<object, string>): string {
  let out = '{';
  for (const key of DIGESTED_ORDER) {
    const value = guest[key];
    if (value === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}"${key}":${canonicalJson(value, memo)}`;
  }
  return `${out}}`;
}

/** The JSON array of the guests' canonical JSON, fed to the hash guest by guest (never one big string). */
export function desiredDigest(guests: readonly DesiredGuest[]): string {
  const hash = createHash('sha256');
  // The invitation settings object is shared by a file's guests: memoised by identity.
  const memo = new WeakMap<object, string>();
  hash.update('[');
  for (let i = 0; i < guests.length; i++) hash.update((i > 0 ? ',' : '') + guestCanonicalJson(guests[i]!, memo));
  hash.update(']');
  return hash.digest('hex');
}
