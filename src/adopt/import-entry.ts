/** One guest as import declares it, and its lines in a guest file. */
import { commentText, yamlFlowList, yamlString } from './yaml-scalar.js';

export interface ImportEntry {
  readonly id: string;
  /** Written as a trailing comment on the `id:` line, for the reviewer (never parsed back). */
  readonly upn: string;
  /** The guest's current `mail`. */
  readonly email: string;
  /** The tenant's `otherMails`; undefined leaves `otherMails` unmanaged (see entry-check.ts). */
  readonly otherMails?: readonly string[];
  readonly generation: number;
}

/** Lines of one `guests:` list item, two-space indented like the hand-written demo files. */
export function entryLines(e: ImportEntry): string[] {
  const lines = [`  - id: ${yamlString(e.id)}${e.upn ? `   # ${commentText(e.upn)}` : ''}`, `    email: ${yamlString(e.email)}`];
  if (e.otherMails !== undefined) lines.push(`    otherMails: ${yamlFlowList(e.otherMails)}`);
  lines.push(`    generation: ${e.generation}`);
  return lines;
}

/** Import's file order: by email (case-insensitive), then id, so re-imports diff cleanly. */
export function compareEntries(a: ImportEntry, b: ImportEntry): number {
  const x = a.email.toLowerCase();
  const y = b.email.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
