/**
 * A schema-valid guest file → typed DesiredGuest values: invitation settings resolved
 * (built-in defaults ← the file's `defaults.invitation` ← the guest's `invitation`, key by key),
 * ids lower-cased, and every guest and field carrying its source location.
 * Only called on files that passed every check, so shapes are trusted here.
 */
import type { DesiredGuest, DomainChangeAck, GuestFieldLocations, InvitationSettings, SourceLocation } from './types.js';
import type { YMapping, YNode, ScalarValue } from './yaml-tree.js';
import { guestNodes } from './rules.js';
import { resolveLifecycle } from './resolve-lifecycle.js';

/** Graph's own defaults for POST /invitations, except the redirect, which Graph requires. */
export const BUILT_IN_INVITATION: InvitationSettings = Object.freeze({
  redirectUrl: 'https://myapps.microsoft.com',
  sendMessage: false,
  ccRecipients: Object.freeze([]) as readonly string[],
});

type Plain = ScalarValue | Plain[] | { [key: string]: Plain };

/**
 * The plain value of a node, for ajv. Objects get a null prototype, so no key of a guest file can
 * reach Object.prototype (the YAML reader already refuses `__proto__`, `constructor` and
 * `prototype`; this is the second lock): with no prototype there is no `__proto__` setter or any
 * other inherited accessor for an assignment to meet, and assigning makes the same own, enumerable,
 * writable data property that defining would (defineProperty per key was 0.1 s at 100,000 guests).
 */
export function toPlain(node: YNode): Plain {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'sequence') return node.items.map(toPlain);
  const out = Object.create(null) as { [key: string]: Plain };
  for (const e of node.entries) out[e.key] = toPlain(e.value);
  return out;
}

function get(m: YMapping | undefined, key: string): YNode | undefined {
  return m?.entries.find((e) => e.key === key)?.value;
}

function mapping(node: YNode | undefined): YMapping | undefined {
  return node?.kind === 'mapping' ? node : undefined;
}

function scalar(node: YNode | undefined): ScalarValue | undefined {
  return node?.kind === 'scalar' ? node.value : undefined;
}

function strings(node: YNode | undefined): string[] | undefined {
  return node?.kind === 'sequence' ? node.items.map((i) => String(scalar(i))) : undefined;
}

/** Layers one `invitation:` mapping over already-resolved settings. */
function overlay(base: InvitationSettings, inv: YMapping | undefined): InvitationSettings {
  if (!inv) return base;
  const redirectUrl = scalar(get(inv, 'redirectUrl'));
  const sendMessage = scalar(get(inv, 'sendMessage'));
  const messageLanguage = scalar(get(inv, 'messageLanguage'));
  const cc = strings(get(inv, 'ccRecipients'));
  const body = scalar(get(inv, 'customizedMessageBody'));
  const out: { -readonly [K in keyof InvitationSettings]: InvitationSettings[K] } = {
    redirectUrl: typeof redirectUrl === 'string' ? redirectUrl : base.redirectUrl,
    sendMessage: typeof sendMessage === 'boolean' ? sendMessage : base.sendMessage,
    ccRecipients: cc ?? base.ccRecipients,
  };
  const lang = typeof messageLanguage === 'string' ? messageLanguage : base.messageLanguage;
  if (lang !== undefined) out.messageLanguage = lang;
  const text = typeof body === 'string' ? body : base.customizedMessageBody;
  if (text !== undefined) out.customizedMessageBody = text;
  return out;
}

/** `OLD -> NEW` (schema-checked) → its two domains, lower-cased. */
export function parseDomainAck(text: string, at: DomainChangeAck['at']): DomainChangeAck {
  const [from = '', to = ''] = text.split(/->|→/).map((s) => s.trim().toLowerCase());
  return { from, to, at };
}

export function resolveGuests(root: YNode, file: string): DesiredGuest[] {
  if (root.kind !== 'mapping') return [];
  const defaults = mapping(get(root, 'defaults'));
  const fileInvitation = overlay(BUILT_IN_INVITATION, mapping(get(defaults, 'invitation')));
  const fileAckText = scalar(get(defaults, 'acknowledgeDomainChange'));
  const fileAck = typeof fileAckText === 'string' ? parseDomainAck(fileAckText, 'defaults') : undefined;
  const fileAckKey = defaults?.entries.find((e) => e.key === 'acknowledgeDomainChange')?.keyPosition;
  const loc = (node: { position: { line: number; column: number } }): SourceLocation => ({ file, line: node.position.line, column: node.position.column });

  return guestNodes(root).map((g) => {
    const fields: { -readonly [K in keyof GuestFieldLocations]: SourceLocation } = {};
    for (const e of g.entries) {
      if (e.key === 'id' || e.key === 'upn' || e.key === 'email' || e.key === 'otherMails' || e.key === 'generation' || e.key === 'invitation' || e.key === 'acknowledgeDomainChange') {
        fields[e.key] = { file, ...e.keyPosition };
      }
    }
    const ackText = scalar(get(g, 'acknowledgeDomainChange'));
    const acks = [...(typeof ackText === 'string' ? [parseDomainAck(ackText, 'guest')] : []), ...(fileAck ? [fileAck] : [])];
    // A guest without its own acknowledgement points at the file's, so a block or risk line can name it.
    if (fields.acknowledgeDomainChange === undefined && fileAckKey !== undefined) fields.acknowledgeDomainChange = { file, ...fileAckKey };
    const id = scalar(get(g, 'id'));
    const upn = scalar(get(g, 'upn'));
    const generation = scalar(get(g, 'generation'));
    const otherMails = strings(get(g, 'otherMails'));
    const guest: { -readonly [K in keyof DesiredGuest]: DesiredGuest[K] } = {
      email: String(scalar(get(g, 'email'))),
      generation: typeof generation === 'number' ? generation : 0,
      invitation: overlay(fileInvitation, mapping(get(g, 'invitation'))),
      source: loc(g),
      fields,
    };
    if (typeof id === 'string') guest.id = id.toLowerCase();
    if (typeof upn === 'string') guest.upn = upn;
    if (otherMails) guest.otherMails = otherMails;
    if (acks.length > 0) guest.domainChangeAcks = acks;
    return Object.assign(guest, resolveLifecycle(root, g, file, fields));
  });
}
