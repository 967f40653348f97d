/**
 * Words shared by the text and markdown renderers, so both tell a reviewer the same thing.
 * Nothing here escapes: each renderer escapes for its own medium.
 */
import type { Action, BlockedCode, ResetReason } from '../plan/types.js';
import type { InvitationSettings } from '../desired/types.js';
import { lifecyclePhrase } from './describe-lifecycle.js';

export const RESET_REASON: Readonly<Record<ResetReason, string>> = {
  'email-changed': 'the declared email differs from the one guestops last applied',
  'generation-bumped': 'the declared generation went up: one more reset with the same email',
  'adopted-with-new-email': 'first time guestops manages this guest, and the declared email differs from its mail',
  'interrupted-before-reset': 'an earlier apply recorded its intent but never reached the reset: finishing it once',
};

export const BLOCKED_TITLE: Readonly<Record<BlockedCode, string>> = {
  'not-found': 'not found',
  'not-a-guest': 'not a guest',
  'role-holder-app-only': 'holds a directory role (app-only caller)',
  'generation-decreased': 'generation decreased',
  'intent-held': 'another apply holds an intent',
  'marker-unreadable': 'state marker unreadable',
  'identity-mismatch': 'identity mismatch',
  'email-in-use': 'email already in use',
  'domain-change-unacknowledged': 'sign-in domain change not acknowledged',
  'domain-not-allowed': 'domain not allowed by the policy',
  'consumer-domain': 'consumer mail domain',
  'outside-manage-scope': 'outside the policy\'s manage scope',
  'sponsor-not-found': 'sponsor not found',
  'disabled-before-invite': 'disabled before it was invited',
  'invited-guest-undeclared': 'an earlier invitee of this file is undeclared',
  'email-not-invitable': 'Graph refuses this invitation address',
};

export const ACTION_TITLE: Readonly<Record<Action['type'], string>> = {
  'update-profile': 'update profile',
  'reset-redemption': 'reset redemption',
  adopt: 'adopt',
  'record-marker': 'record marker',
  invite: 'invite',
  disable: 'disable account',
  enable: 'enable account',
  'update-sponsors': 'update sponsors',
};

/** One line describing the invitation Graph will receive (reset or invite). */
export function describeInvitation(inv: InvitationSettings): string {
  const parts = [`redirect ${inv.redirectUrl}`];
  if (inv.sendMessage) {
    parts.push(`invitation email sent${inv.messageLanguage !== undefined && inv.customizedMessageBody === undefined ? ` (${inv.messageLanguage})` : ''}`);
    if (inv.ccRecipients.length > 0) parts.push(`cc ${inv.ccRecipients.join(', ')}`);
    if (inv.customizedMessageBody !== undefined) parts.push('custom message body');
  } else {
    parts.push('no invitation email (the guest gets the redemption link another way)');
  }
  return parts.join('; ');
}

/** A short phrase per action, e.g. "reset redemption (email changed)". */
export function actionPhrase(a: Action): string {
  switch (a.type) {
    case 'reset-redemption':
      return `reset redemption (${a.reason.replace(/-/g, ' ')})`;
    case 'update-profile':
      return `update ${[a.mail ? 'mail' : null, a.otherMails ? 'otherMails' : null].filter((x) => x !== null).join(' + ')}`;
    case 'disable':
    case 'enable':
    case 'update-sponsors':
      return lifecyclePhrase(a);
    default:
      return ACTION_TITLE[a.type];
  }
}

/** "generation 2", or "generation 1 → 2" when the reset moves it. */
export function generationChange(previous: { readonly generation: number } | undefined, next: number, arrow = '→'): string {
  return previous !== undefined && previous.generation !== next ? `generation ${previous.generation} ${arrow} ${next}` : `generation ${next}`;
}
