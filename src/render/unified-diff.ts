/**
 * Property changes as unified diffs, one value per line (an address list reads better as lines
 * than as one long JSON array), computed with the `diff` package.
 */
import { structuredPatch } from 'diff';
import type { UpdateProfileAction } from '../plan/types.js';
import { escapeUntrusted } from './untrusted.js';

function lines(values: readonly string[]): string {
  // One value per line: a line break inside a value is shown escaped, never as a second line.
  return values.map((v) => `${escapeUntrusted(v)}\n`).join('');
}

/** `--- name`, `+++ name`, then hunks; empty when equal. */
export function unifiedDiff(name: string, from: readonly string[], to: readonly string[]): string[] {
  const patch = structuredPatch(name, name, lines(from), lines(to), undefined, undefined, { context: 3 });
  if (patch.hunks.length === 0) return [];
  const out = [`--- ${name}`, `+++ ${name}`];
  for (const h of patch.hunks) {
    out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    out.push(...h.lines);
  }
  return out;
}

/** The diff lines of a profile update: `mail` first, then `otherMails`. */
export function profileDiff(a: UpdateProfileAction): string[] {
  const out: string[] = [];
  if (a.mail) out.push(...unifiedDiff('mail', a.mail.from === null ? [] : [a.mail.from], [a.mail.to]));
  if (a.otherMails) out.push(...unifiedDiff('otherMails', a.otherMails.from, a.otherMails.to));
  return out;
}

/** A single value as terraform prints it: quoted, escaped; `(none)` for no value. */
function quoted(v: string | null): string {
  return v === null ? '(none)' : escapeUntrusted(JSON.stringify(v));
}

/**
 * A profile update the way terraform shows one: a single value as `mail: "a" -> "b"`, a unified
 * diff only for a list (`otherMails`), where added and removed lines read better than two arrays.
 */
export function profileChangeLines(a: UpdateProfileAction): string[] {
  const out: string[] = [];
  if (a.mail) out.push(`mail: ${quoted(a.mail.from)} -> ${quoted(a.mail.to)}`);
  if (a.otherMails) out.push(...unifiedDiff('otherMails', a.otherMails.from, a.otherMails.to));
  return out;
}
