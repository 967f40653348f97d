/**
 * Every problem code the desired-state loader can report. Codes are stable: tests, CI annotations
 * and users' scripts match on them, so a code never changes meaning once released. The one-line
 * explanations double as documentation (`guestops validate --help` lists them).
 */
export const PROBLEM_CODES = {
  // Paths: what is (not) read under the guest directory.
  'path-not-yaml': 'a file that is neither .yaml/.yml nor documentation (.md) nor hidden',
  'path-directory-named-yaml': 'a directory whose name ends in .yaml/.yml (would read as a file in review)',
  'path-symlink-outside': 'a symbolic link leading outside the guest directory (never followed)',
  'path-symlink-directory': 'a symbolic link to a directory (not followed, so no cycles)',
  'path-broken-symlink': 'a symbolic link whose target does not exist',
  'path-not-regular-file': 'a .yaml path that is a FIFO, socket or device',
  // Files: bytes before YAML.
  'file-too-large': 'the file exceeds the size cap (1 MiB)',
  'file-not-utf8': 'the file is not valid UTF-8',
  'file-contains-nul': 'the file contains a NUL character',
  'file-empty': 'warning: the file declares nothing (zero guests)',
  'file-not-mapping': 'the document is not a mapping with `guests:`',
  // YAML: constructs the format does not use, refused rather than interpreted.
  'yaml-syntax': 'the file is not well-formed YAML',
  'yaml-too-deep': 'collections nested deeper than the format allows',
  'yaml-multiple-documents': 'more than one YAML document (`---`) in a file',
  'yaml-duplicate-key': 'the same key twice in one mapping',
  'yaml-anchor': 'an anchor (`&name`); anchors, aliases and merge keys are not supported',
  'yaml-alias': 'an alias (`*name`); anchors, aliases and merge keys are not supported',
  'yaml-merge-key': 'a merge key (`<<`); anchors, aliases and merge keys are not supported',
  'yaml-tag': 'an explicit tag (`!!str`, `!!js/function`, `!custom`); tags are not supported',
  'yaml-directive': 'a %YAML or %TAG directive',
  'yaml-complex-key': 'a mapping key that is not a plain string',
  'yaml-forbidden-key': 'a `__proto__`, `constructor` or `prototype` key',
  // Schema: field rules from schemas/guests.schema.json.
  'schema-unknown-key': 'a key the schema does not define (typos are never ignored)',
  'schema-missing-key': 'a required key is absent',
  'schema-type': 'a value of the wrong type',
  'schema-invalid-value': 'a value the schema refuses',
  'invalid-id': '`id` is not an object id (GUID)',
  'invalid-upn': '`upn` is not a user principal name',
  'invalid-email': 'not a valid email address',
  'email-forbidden-character': 'an invitation email with a character Graph refuses',
  'email-too-long': 'an email address longer than SMTP allows',
  'too-many-other-mails': 'more `otherMails` than Graph stores (250)',
  'other-mail-too-long': 'an `otherMails` entry longer than Graph stores (250)',
  'too-many-cc-recipients': 'more than the one cc recipient Graph supports',
  'invalid-generation': '`generation` is not an integer >= 0',
  'invalid-redirect-url': '`redirectUrl` is not an absolute https URL',
  'redirect-not-https': '`redirectUrl` uses plain http',
  'invalid-domain-acknowledgement': '`acknowledgeDomainChange` is not `OLD -> NEW` with two domains',
  'invalid-message-language': '`messageLanguage` is not a language tag such as en-US',
  'invalid-sponsor': 'a sponsor that is neither an object id (GUID) nor a user principal name',
  'invalid-expires': '`expires` is not a calendar date YYYY-MM-DD',
  'invalid-grace-period': '`gracePeriod` is not a number of days such as 14d',
  'duplicate-sponsor': 'the same sponsor twice in one `sponsors` list (case-insensitive)',
  // The policy file (guestops.policy.yaml).
  'policy-unreadable': 'the policy file named by --policy cannot be read',
  'policy-format-version': '`formatVersion` is not a version this guestops reads',
  'invalid-domain': 'not a domain (example.com) or subdomain wildcard (*.example.com)',
  // Rules across entries and files.
  'duplicate-other-mail': 'the same address twice in one `otherMails` (case-insensitive)',
  'duplicate-guest': 'the same guest (id or upn) declared twice',
  'duplicate-email': 'one email declared for two guests (case-insensitive)',
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;
