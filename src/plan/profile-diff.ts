/**
 * The profile update a guest needs: `mail` must equal the declared email (Microsoft recommends the
 * redemption email be in `mail`, and Graph refuses a reset to an address found in neither `mail`
 * nor `otherMails`), and a declared `otherMails` is the whole list. Comparisons ignore case; what
 * is written is the declared spelling.
 */
import type { DesiredGuest } from '../desired/types.js';
import type { ObservedUser } from './observed.js';
import type { UpdateProfileAction } from './types.js';
import { sameEmail, sameEmailSet } from './email-compare.js';

export function diffProfile(guest: DesiredGuest, user: ObservedUser): UpdateProfileAction | undefined {
  const mailDiffers = !sameEmail(user.mail, guest.email);
  const otherMailsDiffer = guest.otherMails !== undefined && !sameEmailSet(user.otherMails, guest.otherMails);
  if (!mailDiffers && !otherMailsDiffer) return undefined;
  const reasons: string[] = [];
  if (mailDiffers) reasons.push('mail differs from the declared email');
  if (otherMailsDiffer) reasons.push('otherMails differs from the declared list');
  return {
    type: 'update-profile',
    reason: reasons.join('; '),
    ...(mailDiffers ? { mail: { from: user.mail, to: guest.email } } : {}),
    ...(otherMailsDiffer ? { otherMails: { from: [...user.otherMails], to: [...guest.otherMails!] } } : {}),
  };
}
