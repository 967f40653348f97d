/**
 * The planner: desired state + observed tenant → plan. Pure (no I/O, no clock, no randomness):
 * the same input always gives the same plan, so `plan` in a PR and the re-plan inside `apply`
 * agree, and tests can pin every rule. Each rule lives in its own module; this file only orders
 * them for one guest.
 */
import type { DesiredGuest, DesiredState } from '../desired/types.js';
import type { ObservedTenant, ObservedUser } from './observed.js';
import type { Action, Blocked, GuestPlan, Plan } from './types.js';
import { usersCarrying, indexUsers, matchGuest, type MatchResult } from './match.js';
import { DEFAULT_LEASE_SECONDS, interpretMarker, type LeaseOptions } from './marker-state.js';
import { diffProfile } from './profile-diff.js';
import { decideReset } from './reset-decision.js';
import { emailHash, parseMarker } from './marker.js';
import { sameEmail } from './email-compare.js';
import { observedDigest } from './observed-digest.js';
import { summarize } from './summary.js';
import { addressConflict, describeHolder, newAddressOf, type DeclaredAt } from './address-conflict.js';
import { APP_ONLY_ROLE_RULE, roleHolderBlock } from './role-holder.js';
import { guardGuest } from './guard.js';
import { collectRisks, type GuestRiskInput } from './risks.js';
import { diffInvitationSettings } from './invitation-changes.js';
import { DEFAULT_POLICY, type Policy } from '../policy/types.js';
import { planInviteLifecycle, planLifecycle, type LifecycleOptions } from './lifecycle.js';
import { disablesOf } from './disable-cap.js';
import { idsToDeclare, undeclaredInviteeBlock } from './invited-undeclared.js';
import { checkMarkersElsewhere } from './marker-elsewhere.js';
import { invitationAddressBlock } from './invitation-address.js';

export { DEFAULT_LEASE_SECONDS, APP_ONLY_ROLE_RULE };

export interface PlanOptions {
  /** The clock, given by the caller: only used to tell whether another run's intent lease expired. */
  readonly now: Date;
  /** The clock of lifecycle decisions (expiry, grace); default `now`. See cli/lifecycle-clock.ts. */
  readonly today?: Date;
  /** How long an apply run's pending intent holds off other runs. Default DEFAULT_LEASE_SECONDS (900). */
  readonly leaseSeconds: number;
  /** The apply run re-planning, when any: its own pending intents may be resumed at once. */
  readonly runId?: string;
  /** The policy (guestops.policy.yaml); default: the built-in one. */
  readonly policy?: Policy;
  /** The guest files at the review's base, to show invitation-setting changes the tenant cannot. */
  readonly base?: DesiredState;
  /** Email-only guests of the base that guests/ no longer declares, per file (invited-undeclared.ts). */
  readonly formerEmailOnly?: ReadonlyMap<string, ReadonlySet<string>>;
}

export function buildPlan(desired: DesiredState, observed: ObservedTenant, options: PlanOptions): Plan {
  checkMarkersElsewhere(observed);
  const index = indexUsers(observed.users, desired.guests);
  const lease: LeaseOptions = { now: options.now, leaseSeconds: options.leaseSeconds, ...(options.runId !== undefined ? { runId: options.runId } : {}) };
  // Each guest is matched once: the claims across guests and the guest's own plan use the same match.
  const matches = desired.guests.map((g) => matchGuest(g, index));
  const claims = claimedUsers(desired.guests, matches);
  const policy = options.policy ?? DEFAULT_POLICY;
  const rules: Rules = {
    // A file's `defaults.gracePeriod` wins; else the policy's (default 0 days).
    life: { now: options.today ?? options.now, defaultGraceDays: policy.gracePeriodDays, sponsorRefs: observed.sponsorRefs, callerKind: observed.caller.kind },
    users: [...observed.users, ...(observed.undeclaredInvitees ?? [])],
    former: options.formerEmailOnly ?? new Map(),
    declaredAt: (id) => {
      const g = claims.get(id.toLowerCase())?.[0];
      return g ? `${g.source.file}:${g.source.line}` : undefined;
    },
  };
  const decided = desired.guests.map((guest, i) => decide(guest, matches[i]!, lease, claims, rules));
  // The addresses email changes go to, and every user carrying one (the address holders observe
  // looked up included): each change is blocked when another user holds its address.
  const newAddresses = new Set<string>();
  desired.guests.forEach((guest, i) => {
    const d = decided[i]!;
    const address = 'unsettled' in d ? newAddressOf(guest, d.actions) : undefined;
    if (address !== undefined) newAddresses.add(address);
  });
  const holders = usersCarrying(newAddresses, observed.users, observed.addressHolders ?? []);
  const guests: GuestPlan[] = [];
  const riskInputs: GuestRiskInput[] = [];
  desired.guests.forEach((guest, i) => {
    const outcome = settle(guest, decided[i]!, observed.caller.kind, holders, rules.declaredAt);
    const planned = planGuest(guest, outcome, policy);
    if (planned === undefined) return;
    const { plan: g, acknowledgedAt, holdsRole } = planned;
    guests.push(g);
    riskInputs.push({ plan: g, holdsRole, ...(acknowledgedAt !== undefined ? { acknowledgedAt } : {}) });
  });
  const invitationChanges = options.base !== undefined ? diffInvitationSettings(options.base, desired) : undefined;
  const toDeclare = idsToDeclare(desired.guests, matches);
  return {
    formatVersion: 1,
    desiredDigest: desired.digest,
    caller: { kind: observed.caller.kind },
    summary: summarize(guests, desired.guests.length),
    guests,
    risks: collectRisks(riskInputs, invitationChanges ?? []),
    emailChanges: { count: guests.filter((g) => g.emailChange !== undefined && g.blocked === undefined).length, max: policy.maxEmailChanges },
    ...disablesOf(guests, policy),
    ...(invitationChanges !== undefined ? { invitationChanges } : {}),
    policyFile: policy.file,
    ...(toDeclare.length > 0 ? { idsToDeclare: toDeclare } : {}),
  };
}

/** What the rules across users need: every observed user, and where users are declared. */
interface Rules {
  readonly users: readonly ObservedUser[];
  /** Email-only guests of the base no longer declared, per file (invited-undeclared.ts). */
  readonly former: ReadonlyMap<string, ReadonlySet<string>>;
  readonly declaredAt: DeclaredAt;
  readonly life: LifecycleOptions;
}

export interface Outcome {
  readonly user?: ObservedUser;
  readonly actions: readonly Action[];
  readonly blocked?: Blocked;
}

/**
 * A matched guest's actions before the last two rules: the address check, which needs every
 * holder of the addresses the plan's email changes go to (known only once every guest is
 * decided), and the role-holder check after it.
 */
interface Unsettled {
  readonly unsettled: ObservedUser;
  readonly actions: Action[];
}

/** The last two rules of a matched guest; any other outcome is final already. */
function settle(guest: DesiredGuest, decided: Outcome | Unsettled, callerKind: 'app' | 'delegated', holders: ReadonlyMap<string, readonly ObservedUser[]>, declaredAt: DeclaredAt): Outcome {
  if (!('unsettled' in decided)) return decided;
  const { unsettled: user, actions } = decided;
  const conflict = addressConflict(guest, user, actions, holders, declaredAt);
  if (conflict) return { user, actions: [], blocked: conflict };
  const role = roleHolderBlock(callerKind, user, actions);
  if (role) return { user, actions: [], blocked: role };
  return { user, actions };
}

/** The guest's entry in the plan; undefined for a guest with nothing to do (the plan lists only the others). */
function planGuest(guest: DesiredGuest, decided: Outcome, policy: Policy): { plan: GuestPlan; acknowledgedAt?: string; holdsRole: boolean } | undefined {
  const refusedAddress = invitationAddressBlock(decided.actions);
  const guarded = guardGuest(guest, refusedAddress ? { ...(decided.user ? { user: decided.user } : {}), actions: [], blocked: refusedAddress } : decided, policy);
  const outcome = guarded.outcome;
  // Before the digest, which is most of a guest's cost: most guests have nothing to do.
  if (outcome.blocked === undefined && outcome.actions.length === 0) return undefined;
  const user = outcome.user;
  const plan: GuestPlan = {
    key: guest.id ?? guest.upn ?? guest.email,
    id: user?.id ?? null,
    upn: user?.userPrincipalName ?? guest.upn ?? null,
    email: guest.email,
    file: guest.source.file,
    line: guest.source.line,
    actions: outcome.blocked === undefined ? outcome.actions : [],
    ...(outcome.blocked !== undefined ? { blocked: outcome.blocked } : {}),
    ...(guarded.emailChange !== undefined ? { emailChange: guarded.emailChange } : {}),
    observedDigest: observedDigest(user),
  };
  return { plan, holdsRole: user?.hasDirectoryRole === true, ...(guarded.acknowledgedAt !== undefined ? { acknowledgedAt: guarded.acknowledgedAt } : {}) };
}

function decide(guest: DesiredGuest, match: MatchResult, lease: LeaseOptions, claims: ReadonlyMap<string, readonly DesiredGuest[]>, rules: Rules): Outcome | Unsettled {
  if (match.kind === 'blocked') {
    // An invitation to an address another user carries: say where that user is declared, if it is.
    const blocked =
      match.blocked.code === 'email-in-use' && match.user && rules.declaredAt(match.user.id)
        ? { ...match.blocked, reason: `${match.blocked.reason}; it is ${describeHolder(match.user, rules.declaredAt)}` }
        : match.blocked;
    return { ...(match.user ? { user: match.user } : {}), actions: [], blocked };
  }
  if (match.kind === 'invite') {
    const invitee = planInviteLifecycle(guest, rules.life);
    if (invitee.blocked) return { actions: [], blocked: invitee.blocked };
    const orphaned = undeclaredInviteeBlock(guest, rules.users, (id) => claims.has(id.toLowerCase()), rules.former);
    if (orphaned) return { actions: [], blocked: orphaned };
    return {
      actions: [
        {
          type: 'invite',
          reason: 'no user has this email yet',
          email: guest.email,
          generation: guest.generation,
          ...(guest.otherMails !== undefined ? { otherMails: [...guest.otherMails] } : {}),
          invitation: guest.invitation,
          ...(invitee.sponsors !== undefined ? { sponsors: [...invitee.sponsors] } : {}),
        },
      ],
    };
  }
  const user = match.user;
  const sharing = claims.get(user.id.toLowerCase()) ?? [];
  if (sharing.length > 1) {
    const where = sharing.map((g) => `${g.source.file}:${g.source.line}`).join(', ');
    return { user, actions: [], blocked: { code: 'identity-mismatch', reason: `user ${user.id} is declared by more than one guest (${where})` } };
  }
  if (user.userType !== 'Guest') {
    return {
      user,
      actions: [],
      blocked: {
        code: 'not-a-guest',
        reason: `user ${user.id} has userType ${user.userType ?? '(none)'}, not Guest: a redemption reset would convert an internal account to B2B`,
      },
    };
  }
  // Parsed once: the marker's state here, its disable day in the lifecycle below.
  const parsedMarker = parseMarker(user.marker);
  const marker = interpretMarker(user, lease, parsedMarker);
  if (marker.kind === 'blocked') return { user, actions: [], blocked: marker.blocked };

  const actions: Action[] = [];
  const profile = diffProfile(guest, user);
  if (marker.kind === 'absent') {
    if (profile) actions.push(profile);
    if (sameEmail(guest.email, user.mail)) {
      actions.push({
        type: 'adopt',
        reason: 'first time guestops manages this guest: record a baseline, no reset',
        generation: guest.generation,
        email: user.mail!,
      });
    } else {
      actions.push({
        type: 'reset-redemption',
        reason: 'adopted-with-new-email',
        email: guest.email,
        generation: guest.generation,
        invitation: guest.invitation,
      });
    }
  } else {
    if (marker.recordHappened) {
      const p = marker.recordHappened;
      actions.push({
        type: 'record-marker',
        reason: `an earlier apply (run ${p.runId}) reset the guest at generation ${p.generation} but did not record it`,
        generation: p.generation,
        emailHash: p.emailHash,
        email: emailHash(guest.email) === p.emailHash ? guest.email : null,
      });
    }
    const decision = decideReset(guest, marker.baseline, marker.interrupted);
    if (decision.kind === 'blocked') return { user, actions: [], blocked: decision.blocked };
    if (profile) actions.push(profile);
    if (decision.kind === 'reset') {
      actions.push({
        type: 'reset-redemption',
        reason: decision.reason,
        email: guest.email,
        generation: guest.generation,
        previous: decision.previous,
        invitation: guest.invitation,
      });
    } else if (marker.interrupted) {
      // The intent's reset never happened and the declaration no longer asks for it: clear it.
      const p = marker.interrupted;
      actions.push({
        type: 'record-marker',
        reason: `an earlier apply (run ${p.runId}) intended a reset that never happened and is no longer declared: clear the intent`,
        generation: marker.baseline.generation,
        emailHash: marker.baseline.emailHash,
        email: emailHash(guest.email) === marker.baseline.emailHash ? guest.email : null,
      });
    }
  }

  const lifecycle = planLifecycle(guest, user, rules.life, parsedMarker);
  if (lifecycle.blocked) return { user, actions: [], blocked: lifecycle.blocked };
  if (lifecycle.disabling) actions.splice(0, actions.length, ...whileDisabled(actions, guest, user));
  actions.push(...lifecycle.actions);

  return { unsettled: user, actions };
}

/** Observed user id → declared guests resolving to it, so one user is never managed twice. */
function claimedUsers(guests: readonly DesiredGuest[], matches: readonly MatchResult[]): Map<string, DesiredGuest[]> {
  const claims = new Map<string, DesiredGuest[]>();
  for (let i = 0; i < guests.length; i++) {
    const m = matches[i]!;
    if (m.kind !== 'matched') continue;
    const id = m.user.id.toLowerCase();
    const list = claims.get(id);
    if (list === undefined) claims.set(id, [guests[i]!]);
    else list.push(guests[i]!);
  }
  return claims;
}

/**
 * An account that is (being) switched off gets no reset and no profile change: an ended access is
 * never handed to a new address. What the declaration asks for waits until it is enabled again;
 * a guest guestops has never managed still gets its baseline, so the later enable is recorded.
 */
function whileDisabled(actions: readonly Action[], guest: DesiredGuest, user: ObservedUser): Action[] {
  // record-marker waits too: the pending intent it would settle stays on the marker (apply keeps it
  // when it records the disable), so the reset it proves is recorded once the guest is enabled.
  const kept = actions.filter((a) => a.type !== 'reset-redemption' && a.type !== 'update-profile' && a.type !== 'record-marker');
  const adopting = actions.some((a) => a.type === 'reset-redemption' && a.reason === 'adopted-with-new-email');
  if (adopting) {
    kept.push({ type: 'adopt', reason: 'first time guestops manages this guest: record a baseline, no reset while disabled', generation: guest.generation, email: user.mail ?? guest.email });
  }
  return kept;
}
