/**
 * Escaping for GitHub-flavoured markdown. Emails, UPNs and names come from YAML and from the
 * tenant, and a PR comment is rendered HTML: user data must never open a tag, break a table or
 * fence, or notify anyone (a UPN like `x#EXT#@contoso…` would @-mention "contoso" as plain text).
 * User data therefore goes into code spans (GitHub neither links, mentions nor parses markup
 * inside them), or HTML-escaped inside `<code>` where the context is HTML (`<summary>`).
 * Every value also goes through `escapeUntrusted` (src/render/untrusted.ts): a markdown plan is
 * printed to CI logs too, where control characters and workflow commands must not pass.
 */
import { escapeUntrusted } from './untrusted.js';

/** Text inside an HTML element or attribute. */
export function escapeHtml(s: string): string {
  return escapeUntrusted(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * A code span holding `s` literally. The delimiter is one backtick longer than the longest run
 * inside; line breaks become spaces (a span cannot hold one); inside a table cell `|` is escaped
 * as `\|`, which GFM resolves before parsing the span.
 */
export function codeSpan(s: string, inTable = false): string {
  let text = escapeUntrusted(s.replace(/[\r\n]+/g, ' '));
  if (inTable) text = text.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** `<code>` for HTML contexts such as `<summary>`. */
export function htmlCode(s: string): string {
  return `<code>${escapeHtml(s.replace(/[\r\n]+/g, ' '))}</code>`;
}

/** A fenced block whose fence no line inside can close. */
export function fencedBlock(info: string, raw: readonly string[]): string[] {
  const lines = raw.map(escapeUntrusted);
  const longest = Math.max(0, ...lines.flatMap((l) => l.match(/`{3,}/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...lines, fence];
}
