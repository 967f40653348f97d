/**
 * The typed desired state: what `guests/**\/*.yaml` declare once loaded, validated and resolved.
 * The field rules live in `schemas/guests.schema.json`; these types follow it.
 * Everything here is deeply frozen by the loader, so no later stage can alter what was reviewed.
 */

/** Where something was declared: path relative to the working directory, 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Invitation settings after `defaults.invitation` and the guest's own `invitation` are merged. */
export interface InvitationSettings {
  /** Graph `inviteRedirectUrl`. Default `https://myapps.microsoft.com`. */
  readonly redirectUrl: string;
  /** Graph `sendInvitationMessage`. Default `false`, as in Graph. */
  readonly sendMessage: boolean;
  /** Graph `invitedUserMessageInfo.messageLanguage` (Graph default en-US; ignored when a body is set). */
  readonly messageLanguage?: string;
  /** Graph `invitedUserMessageInfo.ccRecipients`; Graph supports at most one. */
  readonly ccRecipients: readonly string[];
  /** Graph `invitedUserMessageInfo.customizedMessageBody`. */
  readonly customizedMessageBody?: string;
}

/** Lifecycle keys of a guest (sponsors may come from the file's defaults: then its location is there). */
export type LifecycleField = 'sponsors' | 'expires' | 'enabled';

/** Per-field source locations (of each key) of one guest entry, for annotations on the exact YAML line. */
export type GuestFieldLocations = Readonly<
  Partial<Record<'id' | 'upn' | 'email' | 'otherMails' | 'generation' | 'invitation' | 'acknowledgeDomainChange' | LifecycleField, SourceLocation>>
>;

/**
 * `acknowledgeDomainChange: OLD -> NEW`, domains lower-cased. `at` says where it was written: next
 * to the guest, or once in the file's `defaults` (a partner that renamed its domain).
 */
export interface DomainChangeAck {
  readonly from: string;
  readonly to: string;
  readonly at: 'guest' | 'defaults';
}

export interface DesiredGuest {
  /** Entra object id (lower-case GUID), when declared. */
  readonly id?: string;
  /** userPrincipalName, when declared. */
  readonly upn?: string;
  /** The address the guest redeems with. */
  readonly email: string;
  /** When present, the whole `otherMails` list; when absent, guestops leaves `otherMails` alone. */
  readonly otherMails?: readonly string[];
  /** Bumping it asks for one more reset with the same email. Default 0. */
  readonly generation: number;
  readonly invitation: InvitationSettings;
  /** Domain-change acknowledgements that apply to this guest (its own first, then the file's); absent when none. */
  readonly domainChangeAcks?: readonly DomainChangeAck[];
  /** Sponsors (object ids or UPNs) from the guest or its file's defaults: the whole set; absent = left alone. */
  readonly sponsors?: readonly string[];
  /** Last day of access (UTC, YYYY-MM-DD). */
  readonly expires?: string;
  /** Explicit account state: false disables, true enables. */
  readonly enabled?: boolean;
  /** Days after `expires` before disabling (the file's `defaults.gracePeriod`). */
  readonly gracePeriodDays?: number;
  /** Where the guest's list item starts (its first key, just after the `- `). */
  readonly source: SourceLocation;
  readonly fields: GuestFieldLocations;
}

export interface DesiredState {
  /** Guests in a stable order: by file path, then position in the file. */
  readonly guests: readonly DesiredGuest[];
  /** Every file read, relative to the working directory, sorted. */
  readonly files: readonly string[];
  /**
   * sha256 (hex) over the canonical JSON of `guests` without source locations: two trees that
   * mean the same thing have the same digest. Saved plans carry it to detect a stale plan.
   */
  readonly digest: string;
}

/** One validation problem, printed as `FILE:LINE:COL: severity CODE: message`. */
export interface Problem {
  readonly severity: 'error' | 'warning';
  /** Stable code, e.g. `schema-unknown-key`. */
  readonly code: string;
  readonly message: string;
  readonly location: SourceLocation;
}

export type LoadResult =
  | { readonly ok: true; readonly state: DesiredState; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };
