/**
 * Which file each imported guest goes to: one per email domain (`guests/fabrikam.example.yaml`)
 * by default, or one `guests/imported.yaml`. A group too big for the loader's 1 MiB file limit
 * is split into numbered parts (`gmail.com.part2.yaml`), so a 50,000-guest domain still loads.
 */
import type { ImportEntry } from './import-entry.js';

export type GroupBy = 'domain' | 'none';

export const SINGLE_FILE_STEM = 'imported';

/** Room under the loader's 1 MiB limit for long comments and quoting (bytes). */
export const MAX_FILE_BUDGET = 900 * 1024;

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * A file stem for a domain: domains are letters, digits, `-` and `.` (the schema's email pattern
 * guarantees it for a valid email); anything else is replaced so a name can never leave the folder.
 */
export function stemFor(domain: string): string {
  const safe = domain.replace(/[^a-z0-9.-]/g, '_').replace(/^\.+/, '_');
  return safe === '' ? 'unknown-domain' : safe;
}

export function groupEntries(entries: readonly ImportEntry[], by: GroupBy): Map<string, ImportEntry[]> {
  const groups = new Map<string, ImportEntry[]>();
  for (const e of entries) {
    const stem = by === 'none' ? SINGLE_FILE_STEM : stemFor(domainOf(e.email));
    const list = groups.get(stem);
    if (list) list.push(e);
    else groups.set(stem, [e]);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Splits a sorted group into parts whose rendered size stays under the budget. */
export function splitBySize<T>(items: readonly T[], sizeOf: (item: T) => number, budget = MAX_FILE_BUDGET): T[][] {
  const parts: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && used + size > budget) {
      parts.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += size;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

export function partStem(stem: string, part: number): string {
  return part === 1 ? stem : `${stem}.part${part}`;
}
