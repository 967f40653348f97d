/**
 * What guestops observed in the tenant: the input of the pure planner next to the desired state.
 * Filled by `src/graph/` from one bulk list (plus a few targeted reads); nothing here does I/O.
 */

/** A user as read from Graph with guestops' `$select`. Property names follow Graph v1.0. */
export interface ObservedUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName: string | null;
  readonly mail: string | null;
  readonly otherMails: readonly string[];
  /** `Guest` | `Member` (null when Graph returns none). */
  readonly userType: string | null;
  readonly creationType: string | null;
  /** `PendingAcceptance` | `Accepted` | null. */
  readonly externalUserState: string | null;
  readonly externalUserStateChangeDateTime: string | null;
  /** The raw state-marker string stored on the user (see `marker.ts`), or null when absent. */
  readonly marker: string | null;
  /**
   * Whether the user holds any directory role. Only looked up when the caller is app-only
   * (Graph refuses app-only resets of role holders); undefined when not looked up.
   */
  readonly hasDirectoryRole?: boolean;
  /** `accountEnabled` (null when Graph returned none). */
  readonly accountEnabled?: boolean | null;
  readonly createdDateTime?: string | null;
  /** Sponsor object ids; undefined when not read (no declared guest asked for sponsors). */
  readonly sponsors?: readonly string[];
}

/** Who is calling Graph: Graph refuses some operations to app-only callers. */
export interface Caller {
  readonly kind: 'app' | 'delegated';
}

export interface ObservedTenant {
  readonly caller: Caller;
  /** The users guestops could find for the declared guests (undeclared users are never touched). */
  readonly users: readonly ObservedUser[];
  /**
   * Other users carrying an address a declared guest is about to get (its declared email, when
   * that differs from its user's `mail`): guests from the bulk list, members from targeted
   * lookups. Only read, never touched: they make the planner block an address conflict.
   */
  readonly addressHolders?: readonly ObservedUser[];
  /**
   * Each declared sponsor reference (lower-cased id or UPN) → the object id it names, or null when
   * no such user exists. Only filled when some guest declares sponsors.
   */
  readonly sponsorRefs?: ReadonlyMap<string, string | null>;
  /**
   * Guests from the bulk list that no declaration resolves to but whose marker says guestops
   * invited them for an email-only guest (marker field `f`). Only read, never touched: an
   * invitation from the same file is blocked while one is undeclared (invited-undeclared.ts).
   */
  readonly undeclaredInvitees?: readonly ObservedUser[];
  /**
   * Declared users with no value in the marker property in use but a value in another one that
   * could hold a guestops marker (read only when the property in use is an extensionAttributeN).
   */
  readonly markersElsewhere?: {
    readonly inUse: string;
    readonly found: readonly { readonly id: string; readonly property: string; readonly raw: string }[];
  };
}
