/**
 * `POST /invitations` (api-reference/v1.0/api/invitation-post.md, resources/invitation.md,
 * entra-docs external-id/reset-redemption-status.md; refusals from GRAPH.md's sources).
 * A new invitation creates a guest; `resetRedemption: true` with `invitedUser.id` resets an
 * existing user's redemption: id, UPN, groups stay; externalUserState → PendingAcceptance with a
 * new change time. A reset of an internal member converts it to B2B collaboration, as the service
 * does ("invite internal users to B2B collaboration"; userType stays Member) — guestops must refuse
 * to ask for that.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { PERMISSIONS, requireAny } from './auth.js';
import { jsonBody, metadata, type GraphResponse, type HandlerContext } from './context.js';
import { GraphError, badRequest, resourceNotFound } from './graph-error.js';
import { checkInvitationAddress } from './directory-rules.js';
import type { UserData } from './tenant.js';
import { invitedUserSponsors } from './invited-sponsors.js';

/** Characters invitation-post.md says invitedUserEmailAddress must not contain. */
const FORBIDDEN = /[~!#$%^&*()+=[\]{}\\/|;:"<>?,\s]/;

export function isValidInvitationEmail(email: string): boolean {
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@')) return false;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (FORBIDDEN.test(local) || FORBIDDEN.test(domain)) return false;
  // `.` and `-` are allowed except at the start or end of the local part.
  if (/^[.-]|[.-]$/.test(local)) return false;
  return /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(domain);
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v.trim() === '') {
    // Wording is our guess; the docs mark the property required and the service answers 400.
    throw badRequest(`The '${key}' property is required.`, 'BadRequest');
  }
  return v;
}

interface MessageInfo {
  readonly messageLanguage: string | null;
  readonly ccRecipients: { emailAddress: { address: string; name: string | null } }[];
  readonly customizedMessageBody: string | null;
}

function parseMessageInfo(raw: unknown): MessageInfo {
  if (raw === undefined || raw === null) return { messageLanguage: null, ccRecipients: [], customizedMessageBody: null };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badRequest("Invalid value for 'invitedUserMessageInfo'.", 'BadRequest');
  const o = raw as Record<string, unknown>;
  const cc = o['ccRecipients'] ?? [];
  if (!Array.isArray(cc)) throw badRequest("Invalid value for 'invitedUserMessageInfo.ccRecipients'.", 'BadRequest');
  if (cc.length > 1) {
    // invitedUserMessageInfo.md: "Currently, you can add only one additional recipient." Wording of the 400 is a guess.
    throw badRequest('Only one additional recipient is supported in ccRecipients.', 'BadRequest');
  }
  const recipients = cc.map((r: unknown) => {
    const addr = (r as { emailAddress?: { address?: unknown; name?: unknown } } | null)?.emailAddress?.address;
    if (typeof addr !== 'string' || !isValidInvitationEmail(addr)) {
      throw badRequest("Invalid email address in 'invitedUserMessageInfo.ccRecipients'.", 'BadRequest');
    }
    const name = (r as { emailAddress: { name?: unknown } }).emailAddress.name;
    return { emailAddress: { address: addr, name: typeof name === 'string' ? name : null } };
  });
  const lang = o['messageLanguage'];
  const body = o['customizedMessageBody'];
  if (lang !== undefined && lang !== null && typeof lang !== 'string') throw badRequest("Invalid value for 'messageLanguage'.", 'BadRequest');
  if (body !== undefined && body !== null && typeof body !== 'string') throw badRequest("Invalid value for 'customizedMessageBody'.", 'BadRequest');
  return { messageLanguage: (lang as string | undefined) ?? null, ccRecipients: recipients, customizedMessageBody: (body as string | undefined) ?? null };
}

/** Shape of the redeem link the service returns (host and parameters modelled on the doc example). */
function redeemUrl(tenantId: string, userId: string): string {
  const ticket = randomBytes(12).toString('hex');
  const inner = `https://invitations.microsoft.com/redeem/?tenant=${tenantId}&user=${userId}&ticket=${ticket}&ver=2.0`;
  return `https://login.microsoftonline.com/redeem?rd=${encodeURIComponent(inner)}`;
}

/** `local_domain#EXT#@tenant.onmicrosoft.com`, the UPN Entra gives an invited guest. */
export function guestUpn(email: string, tenantDomain: string): string {
  return `${email.replace('@', '_')}#EXT#@${tenantDomain}`;
}

export function createInvitation(ctx: HandlerContext): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.invite);
  const body = jsonBody(ctx);
  const email = requiredString(body, 'invitedUserEmailAddress');
  const redirect = requiredString(body, 'inviteRedirectUrl');
  if (!isValidInvitationEmail(email)) {
    // Wording is our guess; the character rules are invitation-post.md's.
    throw badRequest(`The invited user email address '${email}' is not valid.`, 'BadRequest');
  }
  const send = body['sendInvitationMessage'] ?? false;
  if (typeof send !== 'boolean') throw badRequest("Invalid value for 'sendInvitationMessage'.", 'BadRequest');
  const reset = body['resetRedemption'] ?? false;
  if (typeof reset !== 'boolean') throw badRequest("Invalid value for 'resetRedemption'.", 'BadRequest');
  const userType = body['invitedUserType'] ?? 'Guest';
  if (userType !== 'Guest' && userType !== 'Member') throw badRequest("Invalid value for 'invitedUserType': use Guest or Member.", 'BadRequest');
  const displayName = body['invitedUserDisplayName'];
  if (displayName !== undefined && displayName !== null && typeof displayName !== 'string') {
    throw badRequest("Invalid value for 'invitedUserDisplayName'.", 'BadRequest');
  }
  const info = parseMessageInfo(body['invitedUserMessageInfo']);
  const tenant = ctx.tenant;
  const sponsors = invitedUserSponsors(tenant, body, reset);

  let user: UserData;
  if (reset) {
    // GRAPH.md: resetting needs at least User.ReadWrite.All (invitation-post.md, PR #9248).
    requireAny(ctx.caller, PERMISSIONS.reset);
    const invited = body['invitedUser'];
    const id = (invited as { id?: unknown } | null | undefined)?.id;
    if (typeof id !== 'string' || id === '') {
      throw badRequest("'invitedUser.id' is required when 'resetRedemption' is true.", 'BadRequest');
    }
    const found = tenant.userById(id);
    // Looked up through the replication lag: a user still replicating its creation is not found.
    const seen = found ? tenant.visibleUser(found) : undefined;
    if (!found || !seen) throw resourceNotFound(id);
    const rec = found;
    if (ctx.caller.kind === 'app' && tenant.roleAssignmentsOf(rec.data.id).length > 0) {
      // reset-redemption-status.md: app-only calls cannot reset a user holding a directory role;
      // the 403 body is the one reported in azure-docs issue #71825.
      throw new GraphError(403, 'Forbidden', 'Generic authorization exception.');
    }
    // The precondition is checked against what a reader sees: right after a PATCH of mail the
    // service answers this 400 (msgraph-beta-sdk-dotnet #394, azure-docs #86773).
    const addresses = [seen['mail'], ...((seen['otherMails'] as unknown[] | undefined) ?? [])]
      .filter((m): m is string => typeof m === 'string')
      .map((m) => m.toLowerCase());
    if (!addresses.includes(email.toLowerCase())) {
      // Wording reported in azure-docs issues #71825 / #86773 (and msgraph-beta-sdk-dotnet #394),
      // with the service's typographic apostrophes (U+2019) kept as the service sends them.
      throw badRequest(
        'The email you\u2019re using to invite this user doesn\u2019t match any emails on the user object. Please add this email to the user object and try again.',
        'BadRequest',
      );
    }
    const changes: Record<string, unknown> = { externalUserState: 'PendingAcceptance' };
    // user.md: "timestamp for the latest change to the externalUserState". Whether a reset that
    // leaves a pending guest pending moves it is undocumented: the seed's changeTimeRule decides
    // (replication.ts). The rule reads the true state: the service decides on its primary copy.
    const stateChanges = rec.data['externalUserState'] !== 'PendingAcceptance';
    if (stateChanges || tenant.replication.settings.changeTimeRule === 'always') {
      changes['externalUserStateChangeDateTime'] = tenant.nextChangeTime(rec.data['externalUserStateChangeDateTime']);
    }
    // An internal member invited to B2B collaboration becomes an external (B2B) account but keeps
    // userType Member (external-id/invite-internal-users.md); the conversion shows as an
    // externalUserState on a Member, which guestops must never cause.
    tenant.updateUser(rec, changes);
    user = rec.data;
  } else {
    // An address another user carries is refused; a guest whose mail it is, re-invited (directory-rules.ts).
    const existing = checkInvitationAddress(tenant, email);
    if (existing) {
      // Re-inviting an existing guest returns that guest (the service does not create a duplicate).
      user = existing.data;
    } else {
      const id = randomUUID();
      const upn = guestUpn(email, tenant.tenantDomain);
      if (tenant.userByUpn(upn)) throw badRequest('Another object with the same value for property userPrincipalName already exists.');
      // Readers get 404 for this user until its creation replicates (replication.ts).
      user = tenant.createUser({
        id,
        userPrincipalName: upn,
        displayName: (displayName as string | undefined) ?? email,
        mail: email,
        otherMails: [email],
        userType,
        creationType: 'Invitation',
        externalUserState: 'PendingAcceptance',
        externalUserStateChangeDateTime: tenant.nextChangeTime(undefined),
        accountEnabled: true,
        identities: [{ signInType: 'userPrincipalName', issuer: tenant.tenantDomain, issuerAssignedId: upn }],
        createdDateTime: new Date().toISOString(),
        ...(sponsors.length > 0 ? { sponsors } : {}),
      }).data;
    }
  }

  const invitationId = randomUUID();
  const url = redeemUrl(tenant.tenantId, user.id);
  if (send) {
    tenant.messages.push({
      invitationId,
      userId: user.id,
      to: email,
      cc: info.ccRecipients.map((r) => r.emailAddress.address),
      body: info.customizedMessageBody,
      // invitedUserMessageInfo.md: messageLanguage defaults to en-US.
      language: info.messageLanguage ?? 'en-US',
      inviteRedeemUrl: url,
      inviteRedirectUrl: redirect,
      resetRedemption: reset,
      time: new Date().toISOString(),
    });
  }
  // Body shape of the v1.0 example response in invitation-post.md.
  return {
    status: 201,
    body: {
      '@odata.context': metadata(ctx, 'invitations/$entity'),
      id: invitationId,
      inviteRedeemUrl: url,
      invitedUserDisplayName: (displayName as string | undefined) ?? (user['displayName'] as string | null) ?? null,
      invitedUserType: reset ? (user['userType'] as string) : userType,
      invitedUserEmailAddress: email,
      sendInvitationMessage: send,
      resetRedemption: reset,
      inviteRedirectUrl: redirect,
      status: 'PendingAcceptance',
      invitedUserMessageInfo: {
        messageLanguage: info.messageLanguage,
        ccRecipients: info.ccRecipients,
        customizedMessageBody: info.customizedMessageBody,
      },
      invitedUser: { id: user.id },
    },
  };
}
