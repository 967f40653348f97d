/**
 * Executes the plan of ONE guest, in the order that keeps every crash recoverable:
 *
 *   reset:   PATCH profile + pending intent (one atomic write: the reset email is in mail/otherMails
 *            and the intent is recorded before anything irreversible)
 *            → GET until our intent (and the reset email) shows, or a read past the window says
              another run replaced it
 *            → POST /invitations resetRedemption
 *            → PATCH final marker (no pending)
 *   adopt / record-marker / profile only: one PATCH (profile and marker together)
 *   invite:  POST /invitations → PATCH otherMails + marker on the new user
 *
 * The intent read-back is what stops a second apply that planned at the same moment: only the run
 * whose intent is on the user sends the reset. Under eventual consistency it concludes "lost" only
 * from a read started past the consistency window (src/graph/consistency.ts).
 *
 * Exactly once: a reset is only ever sent while our pending intent holds `before`; if the POST's
 * outcome is unknown (timeout, reset connection, 5xx) the user is read back — a change time that
 * moved past `before`, or the state going Accepted → PendingAcceptance, proves Graph did the
 * reset, so it is NOT sent again. A read-back that shows no reset counts only once it was read
 * past the consistency window, and only licenses a re-send when Graph ANSWERED (500/502/503: the
 * request is over); when every re-send was answered and none shows, the intent is taken back
 * (the tenant shows the reset did not happen). With no answer at all (timeout, connection reset) or a gateway timeout (504),
 * the request may still be running inside Graph and land after the read-back; re-sending it would
 * reset the guest twice, so the guest is reported failed with its intent left in place. A crash
 * leaves the intent too; the next plan (same run id, or after the lease) either records the reset
 * or redoes it. Invitations of new guests follow the same rule (send-once.ts).
 */
import type { ObservedUser } from '../plan/observed.js';
import type { Action, GuestPlan, ResetRedemptionAction, InviteAction } from '../plan/types.js';
import { declarationFileHash, emailHash, formatMarker, parseMarker, type Marker } from '../plan/marker.js';
import { resetProven } from '../plan/marker-state.js';
import { GuestopsError, isGuestopsError } from '../errors.js';
import type { Graph } from '../graph/client.js';
import type { MarkerProperty } from '../graph/marker-property.js';
import { awaitUser, findUsersByMail, getUser, patchNewUser, patchUser, userFrom, usersFrom } from '../graph/users.js';
import { postInvitation, postReset } from '../graph/invitations.js';
import { normalizeEmail } from '../plan/email-compare.js';
import { StepRecorder } from './step-recorder.js';
import { sendOnce } from './send-once.js';
import { checkUnchangedSincePlan } from './pre-write-check.js';
import type { GuestReport } from './report.js';
import { accountBody, applySponsors, markerWithAccount } from './lifecycle-steps.js';

export interface ExecutionContext {
  readonly graph: Graph;
  readonly marker: MarkerProperty;
  readonly runId: string;
  readonly commit: string | null;
  readonly now: () => Date;
  /** Observed users by lower-case id, as read by the re-plan. */
  readonly observed: ReadonlyMap<string, ObservedUser>;
  /** How many times a reset/invite whose outcome stayed unknown is re-sent after a read-back. */
  readonly unknownOutcomeRetries?: number;
}


function find<T extends Action['type']>(actions: readonly Action[], type: T): Extract<Action, { type: T }> | undefined {
  return actions.find((a) => a.type === type) as Extract<Action, { type: T }> | undefined;
}

function profileBody(actions: readonly Action[]): Record<string, unknown> {
  const p = find(actions, 'update-profile');
  if (!p) return {};
  return {
    ...(p.mail ? { mail: p.mail.to } : {}),
    ...(p.otherMails ? { otherMails: [...p.otherMails.to] } : {}),
  };
}

export async function executeGuest(ctx: ExecutionContext, gp: GuestPlan): Promise<GuestReport> {
  const t0 = performance.now();
  const rec = new StepRecorder();
  const base = {
    key: gp.key, id: gp.id, upn: gp.upn, email: gp.email, file: gp.file, line: gp.line,
    actions: gp.actions.map((a) => a.type),
  };
  if (gp.blocked) {
    return { ...base, outcome: 'blocked', blocked: gp.blocked, steps: [], ms: 0 };
  }
  try {
    const invite = find(gp.actions, 'invite');
    if (invite) {
      const invitedId = await runInvite(ctx, rec, invite, gp.file);
      return { ...base, invitedId, outcome: 'applied', steps: rec.steps, ms: Math.round(performance.now() - t0) };
    }
    await runExisting(ctx, rec, gp);
    return { ...base, outcome: 'applied', steps: rec.steps, ms: Math.round(performance.now() - t0) };
  } catch (e) {
    const code = isGuestopsError(e) ? e.code : 'internal-error';
    const message = e instanceof Error ? e.message : String(e);
    return { ...base, outcome: 'failed', error: { code, message }, steps: rec.steps, ms: Math.round(performance.now() - t0) };
  }
}

async function runExisting(ctx: ExecutionContext, rec: StepRecorder, gp: GuestPlan): Promise<void> {
  if (!gp.id) throw new GuestopsError('plan-without-id', `plan for ${gp.key} has actions but no user id`);
  const id = gp.id;
  const user = ctx.observed.get(id.toLowerCase());
  if (!user) throw new GuestopsError('user-not-observed', `user ${id} was not in the observed tenant`);
  // The plan's inputs must still hold at the first write (pre-write-check.ts).
  await checkUnchangedSincePlan(ctx, rec, id, user);
  const parsed = parseMarker(user.marker);
  const existing: Marker | undefined = parsed.kind === 'ok' ? parsed.marker : undefined;

  // The marker the user carries once any record-marker / adopt is taken into account.
  const record = find(gp.actions, 'record-marker');
  const adopt = find(gp.actions, 'adopt');
  const now = ctx.now().toISOString();
  const commit = ctx.commit ?? undefined;
  let baseline: Marker | undefined = existing ? stripPending(existing) : undefined;
  if (record) baseline = { generation: record.generation, emailHash: record.emailHash, appliedAt: now, ...(commit ? { commit } : {}) };
  if (adopt) baseline = { generation: adopt.generation, emailHash: emailHash(adopt.email), appliedAt: now, ...(commit ? { commit } : {}) };

  const profile = { ...profileBody(gp.actions), ...accountBody(gp.actions) };
  const reset = find(gp.actions, 'reset-redemption');
  if (!reset) {
    const body: Record<string, unknown> = { ...profile };
    // Only the account changes: keep the marker as it is (a pending intent included), adding the
    // account record, so no interrupted reset is forgotten while the guest is disabled.
    const withAccount = markerWithAccount(record || adopt ? baseline : existing, gp.actions, ctx.now());
    if (withAccount) Object.assign(body, ctx.marker.patch(formatMarker(withAccount)));
    else if (record || adopt) Object.assign(body, ctx.marker.patch(formatMarker(baseline!)));
    if (Object.keys(body).length > 0) {
      const step = record || adopt || withAccount ? (Object.keys(profile).length ? 'update-profile' : 'write-marker') : 'update-profile';
      await rec.run(step, { method: 'PATCH', path: `/users/${id}` }, () => patchUser(ctx.graph, id, body));
    }
    await applySponsors(ctx.graph, rec, id, find(gp.actions, 'update-sponsors'));
    return;
  }
  await runReset(ctx, rec, id, user, reset, profile, baseline, now);
  await applySponsors(ctx.graph, rec, id, find(gp.actions, 'update-sponsors'));
}

function stripPending(m: Marker): Marker {
  const { pending: _pending, ...rest } = m;
  return rest;
}

async function runReset(
  ctx: ExecutionContext,
  rec: StepRecorder,
  id: string,
  user: ObservedUser,
  reset: ResetRedemptionAction,
  profile: Record<string, unknown>,
  baseline: Marker | undefined,
  now: string,
): Promise<void> {
  const before = user.externalUserStateChangeDateTime;
  // No baseline yet (adoption with a new email): the baseline is the state found, so a crash
  // before the reset still leaves "declared email differs from applied email" for the next plan.
  const applied: Marker = baseline ?? { generation: reset.generation, emailHash: emailHash(user.mail ?? ''), appliedAt: now };
  // The intent leaves out `invitedFor`: an applied marker plus a pending one must fit the 256
  // characters of a directory extension. The final marker carries it on.
  const { invitedFor, ...appliedOnly } = applied;
  const intent: Marker = {
    ...appliedOnly,
    pending: { generation: reset.generation, emailHash: emailHash(reset.email), at: now, runId: ctx.runId, before, beforeState: user.externalUserState },
  };
  const intentText = formatMarker(intent);
  // The reset's precondition is that its email is on the user; when this PATCH is what puts it
  // there, a replica may not see it yet (the "doesn't match any emails" 400).
  const addsEmail = writesEmail(profile, reset.email) && !carries(user, reset.email);
  const patchedAt = ctx.graph.consistency.now();
  await rec.run(Object.keys(profile).length ? 'update-profile' : 'write-intent', { method: 'PATCH', path: `/users/${id}` }, () =>
    patchUser(ctx.graph, id, { ...profile, ...ctx.marker.patch(intentText) }),
  );

  // Read back: another apply may have overwritten our intent, or reset the guest meanwhile. A read
  // that does not show our own write yet proves nothing under eventual consistency: it is re-read
  // inside the consistency window (awaitUser), and only a read past the window that still shows
  // another marker means another run replaced the intent. Seeing the intent also means the
  // replica saw the profile written with it, so the reset is not spent on a lagging precondition.
  const ours = (u: ObservedUser) => {
    const m = parseMarker(u.marker);
    return m.kind === 'ok' && m.marker.pending?.runId === ctx.runId.slice(0, 40) && m.marker.pending.at === now && (!addsEmail || carries(u, reset.email));
  };
  const fresh = await awaitUser(ctx.graph, id, ctx.marker, patchedAt, ours, (r) => rec.response('verify-intent', r, r.status === 200));
  if (!fresh) {
    throw new GuestopsError('intent-lost', `another apply replaced guestops' intent on user ${id} before the reset; nothing was reset by this run — re-run later`);
  }
  if (fresh.externalUserStateChangeDateTime !== before) {
    throw new GuestopsError('changed-concurrently', `user ${id}'s redemption state changed while this run prepared the reset; nothing was reset by this run — re-run to record it`);
  }

  await sendOnce({
    step: 'reset-redemption',
    rec,
    consistency: ctx.graph.consistency,
    retries: ctx.unknownOutcomeRetries ?? 2,
    send: () => postReset(ctx.graph, { email: reset.email, invitation: reset.invitation, resetUserId: id }, addsEmail ? patchedAt : undefined),
    accept: () => true,
    // The change time moves on every reset of an Accepted guest (see resetProven).
    readBack: async () => {
      const back = await rec.run('read-back', { method: 'GET', path: `/users/${id}` }, () => getUser(ctx.graph, id, ctx.marker));
      const u = userFrom(back, ctx.marker);
      return u && resetProven(intent.pending!, u) ? true : undefined;
    },
    onRefused: async () => void (await clearIntent(ctx, rec, id, applied)),
    onNotDone: async () =>
      (await clearIntent(ctx, rec, id, applied))
        ? "guestops' intent was taken back (the profile stays written), so the next apply of any run sends the reset"
        : 'taking the intent back failed too: the intent stays on the user and the next apply records the reset or sends it',
    refusedCode: 'reset-refused',
    throttledCode: 'reset-throttled',
    unknownCode: 'reset-outcome-unknown',
    notDoneCode: 'reset-not-done',
    what: `the reset of ${id}`,
    nextRun: 'the intent stays on the user and the next apply records the reset or sends it',
  });

  const final: Marker = {
    generation: reset.generation, emailHash: emailHash(reset.email), appliedAt: ctx.now().toISOString(),
    ...(ctx.commit ? { commit: ctx.commit } : {}), ...(invitedFor !== undefined ? { invitedFor } : {}),
  };
  await rec.run('write-marker', { method: 'PATCH', path: `/users/${id}` }, () => patchUser(ctx.graph, id, ctx.marker.patch(formatMarker(final))));
}

function writesEmail(profile: Record<string, unknown>, email: string): boolean {
  const want = normalizeEmail(email);
  const other = Array.isArray(profile['otherMails']) ? (profile['otherMails'] as string[]) : [];
  return (typeof profile['mail'] === 'string' && normalizeEmail(profile['mail']) === want) || other.some((m) => normalizeEmail(m) === want);
}

function carries(u: Pick<ObservedUser, 'mail' | 'otherMails'>, email: string): boolean {
  const want = normalizeEmail(email);
  return (u.mail !== null && normalizeEmail(u.mail) === want) || u.otherMails.some((m) => normalizeEmail(m) === want);
}

/**
 * Graph refused the reset for sure, or answered every attempt and the tenant shows no reset: take
 * our intent back so other runs are not held off for the lease. Whether it was taken back.
 */
async function clearIntent(ctx: ExecutionContext, rec: StepRecorder, id: string, applied: Marker): Promise<boolean> {
  try {
    await rec.run('clear-intent', { method: 'PATCH', path: `/users/${id}` }, () => patchUser(ctx.graph, id, ctx.marker.patch(formatMarker(applied))));
    return true;
  } catch {
    // Recorded as a failed step; the intent's lease expires on its own.
    return false;
  }
}

/** Invites the guest declared (email-only) in `file`; resolves with the new user's id. */
async function runInvite(ctx: ExecutionContext, rec: StepRecorder, invite: InviteAction, file: string): Promise<string> {
  const id = await sendOnce({
    step: 'invite',
    rec,
    consistency: ctx.graph.consistency,
    retries: ctx.unknownOutcomeRetries ?? 2,
    send: () => postInvitation(ctx.graph, { email: invite.email, invitation: invite.invitation, ...(invite.sponsors ? { sponsors: invite.sponsors } : {}) }),
    accept: (r) => (typeof r.body?.invitedUser?.id === 'string' ? r.body.invitedUser.id : undefined),
    readBack: async () => {
      const back = await rec.run('read-back', { method: 'GET', path: '/users' }, () => findUsersByMail(ctx.graph, invite.email, ctx.marker));
      const users = usersFrom(back, ctx.marker);
      return users.length === 1 ? users[0]!.id : undefined;
    },
    refusedCode: 'invite-refused',
    throttledCode: 'invite-throttled',
    unknownCode: 'invite-outcome-unknown',
    notDoneCode: 'invite-not-done',
    what: `the invitation of ${invite.email}`,
    nextRun: 'the next plan invites it, or names the user it created',
  });
  // The user exists from here on; a replica that has not seen it yet answers the PATCH 404.
  const createdAt = ctx.graph.consistency.now();
  // `invitedFor` lets a later plan see that this user belongs to an email-only guest of `file`.
  const marker: Marker = {
    generation: invite.generation, emailHash: emailHash(invite.email), appliedAt: ctx.now().toISOString(),
    ...(ctx.commit ? { commit: ctx.commit } : {}), invitedFor: declarationFileHash(file),
  };
  const body: Record<string, unknown> = { ...(invite.otherMails ? { otherMails: [...invite.otherMails] } : {}), ...ctx.marker.patch(formatMarker(marker)) };
  await rec.run('write-marker', { method: 'PATCH', path: `/users/${id}` }, () => patchNewUser(ctx.graph, id, body, createdAt));
  return id;
}

