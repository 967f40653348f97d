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

/*
 * Graph's own limits (≤ 250 otherMails of ≤ 250 characters, one cc recipient, 254-character
 * addresses) are field rules: they live in schemas/guests.schema.json, the single source.
 */

/** RFC 5321: a mailbox local part is at most 64 octets (not expressible in the schema's format). */
export const MAX_EMAIL_LOCAL_PART = 64;

/** Longest user value quoted inside a problem message; longer values are shortened. */
export const MAX_QUOTED_VALUE = 80;
