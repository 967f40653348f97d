/**
 * A plan is serialisable data (terraform-style): `plan` computes it without writing, renderers
 * turn it into text/markdown/JSON, `apply` executes it after checking it is not stale.
 */
import type { InvitationSettings } from '../desired/types.js';

export type ResetReason =
  /** Declared email differs from the one guestops last applied. */
  | 'email-changed'
  /** Declared generation is greater than the one guestops last applied. */
  | 'generation-bumped'
  /** First time guestops sees the guest and the declared email differs from its `mail`. */
  | 'adopted-with-new-email'
  /** An earlier apply recorded its intent but never reached the reset (crash); finish it. */
  | 'interrupted-before-reset';

export interface UpdateProfileAction {
  readonly type: 'update-profile';
  readonly reason: string;
  /** Present when `mail` changes. */
  readonly mail?: { readonly from: string | null; readonly to: string };
  /** Present when the declared `otherMails` differs from the observed one as a set. */
  readonly otherMails?: { readonly from: readonly string[]; readonly to: readonly string[] };
}

export interface ResetRedemptionAction {
  readonly type: 'reset-redemption';
  readonly reason: ResetReason;
  /** The address the guest will redeem with (Graph `invitedUserEmailAddress`). */
  readonly email: string;
  /** The generation the marker records once the reset is done. */
  readonly generation: number;
  /** Previous applied state, for the reviewer (absent on adoption). */
  readonly previous?: { readonly generation: number; readonly emailChanged: boolean };
  readonly invitation: InvitationSettings;
}

export interface AdoptAction {
  readonly type: 'adopt';
  readonly reason: string;
  /** Baseline recorded in the marker. */
  readonly generation: number;
  readonly email: string;
}

/**
 * Only the marker is written, no request to /invitations: either an earlier apply reset the guest
 * but died before recording it (the marker moves to that intent's target), or an earlier apply
 * recorded an intent whose reset never happened and is no longer wanted (the intent is cleared).
 */
export interface RecordMarkerAction {
  readonly type: 'record-marker';
  readonly reason: string;
  /** Generation the marker records. */
  readonly generation: number;
  /**
   * What the marker records as its email (`emailHash` of marker.ts). Apply must write THIS, not
   * a hash of `email`: the marker stores only a hash, so when the declaration has moved on since
   * the interrupted reset the address that was reset is not known.
   */
  readonly emailHash: string;
  /** The recorded address when the declaration still names it (for the reviewer); else null. */
  readonly email: string | null;
}

/**
 * A declared guest without id/upn that does not exist yet: Graph `POST /invitations` (no reset).
 * Apply then records the marker `{generation, emailHash(email)}` on the new user: that marker is
 * how the next plan recognises the user it invited (see match.ts) instead of inviting again.
 */
export interface InviteAction {
  readonly type: 'invite';
  readonly reason: string;
  readonly email: string;
  readonly generation: number;
  /** The declared `otherMails`, when declared: apply sets it on the new user after the invitation. */
  readonly otherMails?: readonly string[];
  readonly invitation: InvitationSettings;
  /** Object ids of the declared sponsors (Graph `invitedUserSponsors`), when declared. */
  readonly sponsors?: readonly string[];
}

/** Where the declaration that causes a lifecycle action sits (the `expires:`/`enabled:`/`sponsors:` key). */
export interface DeclaredAt {
  readonly file: string;
  readonly line: number;
}

/** `PATCH accountEnabled: false`: the guest's access ended (or was declared off). guestops never deletes a user. */
export interface DisableAction {
  readonly type: 'disable';
  readonly why: 'expired' | 'declared-disabled';
  readonly reason: string;
  /** The declared last day, when expiry is the cause. */
  readonly expires?: string;
  readonly graceDays?: number;
  readonly declaredAt: DeclaredAt | null;
}

/** `PATCH accountEnabled: true`: an account guestops disabled is wanted again (or `enabled: true`). */
export interface EnableAction {
  readonly type: 'enable';
  readonly why: 'declared-enabled' | 'no-longer-expired';
  readonly reason: string;
  /** The day guestops recorded disabling it, when it did. */
  readonly disabledSince?: string;
  readonly declaredAt: DeclaredAt | null;
}

/** Sponsors as a set: `POST …/sponsors/$ref` for each added, `DELETE …/sponsors/{id}/$ref` for each removed. */
export interface UpdateSponsorsAction {
  readonly type: 'update-sponsors';
  readonly reason: string;
  /** `ref` as declared (UPN or id), `id` the object id it names. */
  readonly add: readonly { readonly ref: string; readonly id: string }[];
  /** Object ids of sponsors to remove. */
  readonly remove: readonly string[];
  readonly declaredAt: DeclaredAt | null;
}

export type LifecycleAction = DisableAction | EnableAction | UpdateSponsorsAction;

export type Action = UpdateProfileAction | ResetRedemptionAction | AdoptAction | RecordMarkerAction | InviteAction | LifecycleAction;
export type ActionType = Action['type'];

/** Stable codes for why a guest cannot be changed. */
export type BlockedCode =
  | 'not-found'
  | 'not-a-guest'
  | 'role-holder-app-only'
  | 'generation-decreased'
  | 'intent-held'
  | 'marker-unreadable'
  | 'identity-mismatch'
  | 'email-in-use'
  /** The sign-in moves to another domain and the YAML does not acknowledge it (domain-acknowledgement.ts). */
  | 'domain-change-unacknowledged'
  /** The policy's `emailDomains` does not allow the new address's domain for this file. */
  | 'domain-not-allowed'
  /** The sign-in would move to a consumer mail domain and the policy does not allow it. */
  | 'consumer-domain'
  /** The policy's `manage` scope does not cover this user. */
  | 'outside-manage-scope'
  | 'sponsor-not-found'
  | 'disabled-before-invite'
  /** An invitation from a file whose earlier email-only invitee is no longer declared (invited-undeclared.ts). */
  | 'invited-guest-undeclared'
  /** A reset or invitation to an address Graph refuses as an invitation address (a `+`). */
  | 'email-not-invitable';

export interface Blocked {
  readonly code: BlockedCode;
  readonly reason: string;
}

export interface GuestPlan {
  /** The declared key: `id` when declared, else `upn`, else `email` (new guest). */
  readonly key: string;
  /** Resolved object id (null for a guest still to be invited or not found). */
  readonly id: string | null;
  readonly upn: string | null;
  readonly email: string;
  readonly file: string;
  readonly line: number;
  /** In execution order: update-profile always precedes reset-redemption. */
  readonly actions: readonly Action[];
  readonly blocked?: Blocked;
  /** The sign-in address this plan moves the guest from → to (absent when it stays). */
  readonly emailChange?: EmailChange;
  /**
   * sha256 (hex, 16 chars) of the observed user fields the plan depended on; `apply --plan`
   * refuses when it differs at apply time (the tenant changed since the plan).
   */
  readonly observedDigest: string;
}

export interface PlanSummary {
  readonly resets: number;
  readonly profileUpdates: number;
  readonly adoptions: number;
  readonly invites: number;
  /** Guests whose only write is the marker (an interrupted apply is being finished or cleared). */
  readonly markerRecords: number;
  readonly blocked: number;
  readonly unchanged: number;
  /** Lifecycle counts, present only when not zero (older plans and consumers stay as they were). */
  readonly disables?: number;
  readonly enables?: number;
  readonly sponsorUpdates?: number;
}

/** `from` is the user's current address (null when the tenant holds none). */
export interface EmailChange {
  readonly from: string | null;
  readonly to: string;
}

export type RiskKind = 'domain-change' | 'consumer-domain' | 'role-holder' | 'adoption-with-new-email' | 'invitation-settings' | 'disable';

/** One line of the plan's opening risk section (risks.ts). */
export interface Risk {
  readonly kind: RiskKind;
  /** The guest's key, or the file for invitation settings. */
  readonly key: string;
  readonly file: string;
  readonly line: number;
  readonly from?: string | null;
  readonly to?: string;
  readonly detail: string;
}

/** Invitation settings of some guests of `file` changed since the review's base (invitation-changes.ts). */
export interface InvitationChange {
  readonly file: string;
  /** The first affected guest's line. */
  readonly line: number;
  readonly fields: readonly string[];
  readonly from: InvitationSettings;
  readonly to: InvitationSettings;
  /** Keys (id, upn or email) of the guests with this change. */
  readonly guests: readonly string[];
}

/** An email-only guest guestops invited: the `id:` its YAML should declare (invited-undeclared.ts). */
export interface IdToDeclare {
  readonly email: string;
  readonly file: string;
  readonly line: number;
  readonly id: string;
}

/** A limit apply enforces before its first write (see limits.ts). */
export interface PlanLimit {
  readonly name: string;
  readonly max: number;
  readonly planned: number;
  /** Apply refuses the whole plan, nothing written. */
  readonly exceeded: boolean;
}

export interface Plan {
  readonly formatVersion: 1;
  /** Digest of the desired state the plan was computed from (see DesiredState.digest). */
  readonly desiredDigest: string;
  readonly caller: { readonly kind: 'app' | 'delegated' };
  readonly summary: PlanSummary;
  /** Guests with actions or blocked, in desired-state order; unchanged guests are only counted. */
  readonly guests: readonly GuestPlan[];
  /*
   * The fields below are optional only so a plan saved before they existed still reads; buildPlan
   * always sets them.
   */
  /** What the reviewer must read first. */
  readonly risks?: readonly Risk[];
  /** Guests whose sign-in email this plan changes, and the policy's cap per apply. */
  readonly emailChanges?: { readonly count: number; readonly max: number };
  /** Guest accounts this plan disables, and the policy's cap per apply; absent when none. */
  readonly disables?: { readonly count: number; readonly max: number };
  /** Invitation-setting changes since `--base-dir`; absent when no base was given. */
  readonly invitationChanges?: readonly InvitationChange[];
  /** The policy file the plan was made under (null: built-in defaults). */
  readonly policyFile?: string | null;
  /** Email-only guests guestops invited earlier, with the `id:` to add to each. */
  readonly idsToDeclare?: readonly IdToDeclare[];
  /** What apply will refuse; set by the CLI from its settings (absent in older saved plans). */
  readonly limits?: readonly PlanLimit[];
}
