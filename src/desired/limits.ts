/**
 * Hard limits on guest files. They exist so a hostile pull request cannot make `guestops validate`
 * (which runs on untrusted branches in CI) slow, memory-hungry or crash; the values are far above
 * anything a real guest list needs and are documented in the README.
 */

/** Largest guest file read, in bytes (1 MiB). Bigger files are rejected before being read. */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Deepest YAML collection nesting accepted. The format itself never nests deeper than 4
 * (file → guests → guest → invitation → ccRecipients); the margin keeps error messages about
 * misplaced keys readable while the parser stops long before any stack could be at risk.
 */
export const MAX_YAML_DEPTH = 32;

/** Graph: `otherMails` holds at most 250 values of at most 250 characters each (GRAPH.md). */
export const MAX_OTHER_MAILS = 250;
export const MAX_OTHER_MAIL_LENGTH = 250;

/** Graph: `invitedUserMessageInfo.ccRecipients` supports one additional recipient (GRAPH.md). */
export const MAX_CC_RECIPIENTS = 1;

/** RFC 5321: a mailbox local part is at most 64 octets and a path at most 254 characters. */
export const MAX_EMAIL_LOCAL_PART = 64;
export const MAX_EMAIL_LENGTH = 254;

/** Longest user value quoted inside a problem message; longer values are shortened. */
export const MAX_QUOTED_VALUE = 80;
