/**
 * `POST /invitations` — invite a new guest, or with `resetRedemption` reset an existing guest's
 * redemption. Paced under the invitation manager's 150 requests / 5 s per tenant, and NOT
 * idempotent: only a 429 (refused before acting) is retried by the middleware. Any other failure
 * without a clear 4xx leaves the outcome unknown, and the caller must read the user back.
 */
import type { InvitationSettings } from '../desired/types.js';
import type { Graph, GraphResponse } from './client.js';
import { graphErrorFields } from './graph-error.js';
import { retryStale } from './consistency.js';

export interface InvitationRequest {
  readonly email: string;
  readonly invitation: InvitationSettings;
  /** Set for a redemption reset of this existing user. */
  readonly resetUserId?: string;
  /** Sponsor object ids of a new guest (Graph `invitedUserSponsors`); never sent with a reset. */
  readonly sponsors?: readonly string[];
}

export interface InvitationBody {
  invitedUserEmailAddress: string;
  inviteRedirectUrl: string;
  sendInvitationMessage: boolean;
  invitedUserMessageInfo?: {
    messageLanguage?: string;
    ccRecipients?: { emailAddress: { address: string } }[];
    customizedMessageBody?: string;
  };
  resetRedemption?: true;
  invitedUser?: { id: string };
  invitedUserSponsors?: { id: string }[];
}

export function invitationBody(req: InvitationRequest): InvitationBody {
  const s = req.invitation;
  const info: NonNullable<InvitationBody['invitedUserMessageInfo']> = {};
  if (s.messageLanguage !== undefined) info.messageLanguage = s.messageLanguage;
  if (s.ccRecipients.length > 0) info.ccRecipients = s.ccRecipients.map((address) => ({ emailAddress: { address } }));
  if (s.customizedMessageBody !== undefined) info.customizedMessageBody = s.customizedMessageBody;
  const body: InvitationBody = {
    invitedUserEmailAddress: req.email,
    inviteRedirectUrl: s.redirectUrl,
    sendInvitationMessage: s.sendMessage,
    ...(Object.keys(info).length > 0 ? { invitedUserMessageInfo: info } : {}),
  };
  if (req.resetUserId !== undefined) {
    body.resetRedemption = true;
    body.invitedUser = { id: req.resetUserId };
  } else if (req.sponsors !== undefined && req.sponsors.length > 0) {
    body.invitedUserSponsors = req.sponsors.map((id) => ({ id }));
  }
  return body;
}

/** Sends one invitation after waiting for the pacer. Resolves with any HTTP status. */
export async function postInvitation(graph: Graph, req: InvitationRequest): Promise<GraphResponse<{ invitedUser?: { id?: string }; status?: string }>> {
  await graph.invitationPacer.acquire();
  return graph.send({ method: 'POST', path: '/invitations', body: invitationBody(req), idempotent: false });
}

/**
 * Graph's refusal of a reset whose email is not on the user (azure-docs #71825, #86773). Right
 * after guestops itself put the email there it only means the replica checking the precondition
 * has not seen that write yet (msgraph-beta-sdk-dotnet #394).
 */
export const EMAIL_NOT_ON_USER = /doesn't match any emails on the user object/i;

export function isEmailNotOnUser(r: GraphResponse<unknown>): boolean {
  return r.status === 400 && EMAIL_NOT_ON_USER.test(graphErrorFields(r.body).graphMessage ?? '');
}

/**
 * A reset: like postInvitation, but when guestops wrote the email onto the user at `emailWrittenAt`
 * the "doesn't match any emails" 400 is re-sent until the consistency window has passed. Every
 * re-send waits for the pacer again (it is one more request to the invitation manager).
 */
export async function postReset(
  graph: Graph,
  req: InvitationRequest & { readonly resetUserId: string },
  emailWrittenAt: number | undefined,
  onStale?: (r: GraphResponse<unknown>) => void,
): Promise<GraphResponse<{ invitedUser?: { id?: string }; status?: string }>> {
  if (emailWrittenAt === undefined) return postInvitation(graph, req);
  return retryStale(graph.consistency, emailWrittenAt, () => postInvitation(graph, req), (r) => {
    const stale = isEmailNotOnUser(r);
    if (stale) onStale?.(r);
    return stale;
  }, `POST /invitations answered that the email is not on user ${req.resetUserId}, right after guestops put it there`);
}
