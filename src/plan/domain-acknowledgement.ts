/**
 * A change of sign-in domain is refused unless the YAML acknowledges it, next to the guest or
 * once per file in `defaults` (a partner that renamed its domain). Three added lines (`id:`, an
 * email at a look-alike domain, `sendMessage: false`) must not read as an ordinary update: the
 * acknowledgement names both domains, so the reviewer reads them in the diff itself.
 */
import type { DesiredGuest, DomainChangeAck } from '../desired/types.js';
import { formatLocation } from '../desired/problems.js';
import { domainOf } from '../policy/match.js';
import type { Blocked, EmailChange } from './types.js';

export type AckDecision =
  | { readonly kind: 'same-domain' }
  | { readonly kind: 'acknowledged'; readonly ack: DomainChangeAck; readonly where: string }
  | { readonly kind: 'blocked'; readonly blocked: Blocked };

export function checkDomainChange(guest: DesiredGuest, change: EmailChange): AckDecision {
  const to = domainOf(change.to);
  const declaredAt = `${guest.source.file}:${guest.source.line}`;
  if (change.from === null) {
    return {
      kind: 'blocked',
      blocked: {
        code: 'domain-change-unacknowledged',
        reason: `the user has no mail, otherMails or guest UPN telling which domain it signs in with now, so a move to ${to} cannot be checked (declared at ${declaredAt}); set its mail in the tenant first`,
      },
    };
  }
  const from = domainOf(change.from);
  if (from === to) return { kind: 'same-domain' };
  const acks = guest.domainChangeAcks ?? [];
  const ack = acks.find((a) => a.from === from && a.to === to);
  const ackAt = guest.fields.acknowledgeDomainChange;
  if (ack) return { kind: 'acknowledged', ack, where: ackAt ? formatLocation(ackAt) : declaredAt };
  const written = acks.length > 0 ? ` The acknowledgement${ackAt ? ` at ${formatLocation(ackAt)}` : ''} says ${acks.map((a) => `${a.from} -> ${a.to}`).join(' and ')}, not this move.` : '';
  return {
    kind: 'blocked',
    blocked: {
      code: 'domain-change-unacknowledged',
      reason:
        `the sign-in moves from ${change.from} to ${change.to}: from domain ${from} to ${to}, and whoever holds the new address gets this guest's access.${written} ` +
        `If intended, add \`acknowledgeDomainChange: ${from} -> ${to}\` to the guest at ${declaredAt} (or, for a partner that renamed its domain, to the file's defaults)`,
    },
  };
}
