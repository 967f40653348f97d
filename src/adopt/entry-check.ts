/**
 * Makes sure every imported guest is something `guestops validate` accepts, by running the
 * loader's own checks (parseGuestFile: YAML, JSON Schema, per-guest rules) on the entry as it
 * will be written — no second copy of the rules that could drift from the real ones.
 *
 * Tenants hold values the schema refuses: a `mail` Graph would not accept as an invitation
 * address (e.g. with `+` or `#`), or odd `otherMails` entries (duplicates differing in case,
 * non-addresses). A bad `otherMails` only costs the entry its `otherMails` key (guestops then
 * leaves that list alone); a bad `email` skips the guest, with the loader's message.
 */
import { parseGuestFile } from '../desired/guest-file.js';
import { renderGuestFile } from './guest-file-text.js';
import type { ImportEntry } from './import-entry.js';

export type EntryCheck =
  | { readonly kind: 'ok'; readonly entry: ImportEntry; readonly note?: string }
  | { readonly kind: 'skip'; readonly why: string };

const encoder = new TextEncoder();

function problemsOf(entry: ImportEntry): { line: number; message: string }[] {
  const { text } = renderGuestFile([entry], { schemaRef: 'guests.schema.json', description: 'check' });
  const parsed = parseGuestFile(encoder.encode(text), 'check.yaml');
  return parsed.problems.filter((p) => p.severity === 'error').map((p) => ({ line: p.location.line, message: `${p.code}: ${p.message}` }));
}

export function checkEntry(entry: ImportEntry): EntryCheck {
  const problems = problemsOf(entry);
  if (problems.length === 0) return { kind: 'ok', entry };
  if (entry.otherMails !== undefined) {
    const { otherMails: _dropped, ...rest } = entry;
    const again = problemsOf(rest);
    if (again.length === 0) {
      return { kind: 'ok', entry: rest, note: `otherMails left out (guestops will not manage that list): ${problems[0]!.message}` };
    }
    return { kind: 'skip', why: again[0]!.message };
  }
  return { kind: 'skip', why: problems[0]!.message };
}
