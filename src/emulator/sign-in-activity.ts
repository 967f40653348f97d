/**
 * `signInActivity` (resources/signInActivity.md; CSDL complex type graph.signInActivity) is only
 * returned when asked for with `$select`, and only when both hold:
 *   - the caller has AuditLog.Read.All besides a user-read permission (user.md, signInActivity:
 *     "requires ... AuditLog.Read.All"); without it Graph answers 403 "Calling principal does not
 *     have required MSGraph permissions AuditLog.Read.All" (reported in 12Knocksinna/Office365itpros
 *     PR #109; the code Authorization_RequestDenied is our guess);
 *   - the tenant has a Microsoft Entra ID P1 (or P2) licence; otherwise 403
 *     Authentication_RequestFromNonPremiumTenantOrB2CTenant "Neither tenant is B2C or tenant
 *     doesn't have premium license" (microsoft-graph-docs #12772, #14118; azure-docs PR #77948).
 * The whole request is refused, not just the property: a caller that wants it "when permitted"
 * has to ask separately from the reads it cannot do without.
 */
import { hasAny } from './auth.js';
import type { HandlerContext } from './context.js';
import { GraphError, badRequest } from './graph-error.js';

export const SIGN_IN_ACTIVITY = 'signInActivity';
const AUDIT_LOG_READ = ['AuditLog.Read.All'];

/**
 * user-list.md: with `$select=signInActivity` a page holds at most 120 users whatever `$top` asks.
 */
export const SIGN_IN_PAGE_MAX = 120;

export const SIGN_IN_PROPERTIES = [
  'lastNonInteractiveSignInDateTime', 'lastNonInteractiveSignInRequestId', 'lastSignInDateTime',
  'lastSignInRequestId', 'lastSuccessfulSignInDateTime', 'lastSuccessfulSignInRequestId',
] as const;

export function missingAuditLogPermission(): GraphError {
  return new GraphError(403, 'Authorization_RequestDenied', 'Calling principal does not have required MSGraph permissions AuditLog.Read.All');
}

export function nonPremiumTenant(): GraphError {
  return new GraphError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', "Neither tenant is B2C or tenant doesn't have premium license");
}

/**
 * Refuses a request that selects signInActivity when the caller or tenant may not read it.
 * `byUpn`: a single-user read addressed by userPrincipalName — Graph answers 400 there and wants
 * the object id (Microsoft Q&A 1311910, "Selecting the 'signInActivity' resource using UPN is not
 * supported"; the wording of the 400 is our guess).
 */
export function checkSignInActivityAccess(ctx: HandlerContext, select: readonly string[] | undefined, byUpn = false): void {
  if (!select?.includes(SIGN_IN_ACTIVITY)) return;
  if (!hasAny(ctx.caller, AUDIT_LOG_READ)) throw missingAuditLogPermission();
  if (!ctx.tenant.entraIdP1) throw nonPremiumTenant();
  if (byUpn) throw badRequest("signInActivity can only be selected on a user addressed by its object id, not by userPrincipalName.");
}

/** Whether a `$select` asks for signInActivity (lists then page by at most SIGN_IN_PAGE_MAX). */
export function selectsSignInActivity(select: readonly string[] | undefined): boolean {
  return select?.includes(SIGN_IN_ACTIVITY) === true;
}
