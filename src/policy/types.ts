/**
 * The policy: limits on what guests/ may ask for, read from `guestops.policy.yaml` (or
 * `--policy FILE`) and given to the planner as plain input. Field rules live in
 * `schemas/policy.schema.json`; these types follow it. Deeply frozen once loaded.
 */
import type { SourceLocation } from '../desired/types.js';

/** One `emailDomains` entry: guests of files matching `files` may be moved only to `allow`. */
export interface DomainRule {
  /** Glob relative to the repository root (the working directory), `/`-separated. */
  readonly files: string;
  /** Lower-cased domains, `*.example.com` for subdomains. */
  readonly allow: readonly string[];
  /** Where the rule is written, for reasons that name it. */
  readonly location: SourceLocation;
}

export interface Policy {
  /** The file read, relative to the working directory; null for the built-in defaults (no file). */
  readonly file: string | null;
  readonly emailDomains: readonly DomainRule[];
  /** Whether guests may be moved to a consumer mail domain (see consumer-domains.ts). */
  readonly allowConsumerDomains: boolean;
  /** Most guests whose sign-in email may change in one apply. */
  readonly maxEmailChanges: number;
  /** Most guest accounts one apply may disable (expired or `enabled: false`): as consequential as resets. */
  readonly maxDisables: number;
  /** Days after a guest's `expires` before it is disabled, when its file's `defaults.gracePeriod` sets none. */
  readonly gracePeriodDays: number;
  /** When present, only users whose current mail is at one of these (lower-cased) domains are managed. */
  readonly manage?: { readonly guestDomains: readonly string[]; readonly location: SourceLocation };
}

/** Default for `maxEmailChanges`: a handful of people move per review, not a tenant. */
export const DEFAULT_MAX_EMAIL_CHANGES = 10;

/** Default for `maxDisables`: offboarding a handful of guests per review, not a partner at once. */
export const DEFAULT_MAX_DISABLES = 10;

/**
 * No policy file: consumer domains refused, at most 10 email changes and 10 disables per apply,
 * no grace period after `expires`, no allow-lists.
 */
export const DEFAULT_POLICY: Policy = Object.freeze({
  file: null,
  emailDomains: Object.freeze([]) as readonly DomainRule[],
  allowConsumerDomains: false,
  maxEmailChanges: DEFAULT_MAX_EMAIL_CHANGES,
  maxDisables: DEFAULT_MAX_DISABLES,
  gracePeriodDays: 0,
});

/** Where guestops looks for the policy when `--policy` is not given. */
export const DEFAULT_POLICY_FILE = 'guestops.policy.yaml';
