/**
 * Emails, names and reasons come from YAML and from the tenant. A control character in them (an
 * ANSI escape that clears a reviewer's terminal, a line break that splits one address into two
 * diff lines) is shown escaped as `\uXXXX` instead.
 */
export function escapeControlChars(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
