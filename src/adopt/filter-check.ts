/**
 * `import --filter` is combined as `userType eq 'Guest' and (FILTER)`. A filter that closes the
 * parenthesis itself — `startswith(mail,'a')) or (userType eq 'Member'` — would turn that into
 * "guests starting with a, or any member", and members would be written into guest files. So the
 * filter must be balanced on its own: every `(` closed, no `)` closing what guestops opened, and
 * no string literal left open (OData escapes a quote inside a string as `''`).
 */
import { GuestopsError } from '../errors.js';

/** Why `filter` is not balanced, or null when it is. Columns are 1-based. */
export function filterImbalance(filter: string): string | null {
  let depth = 0;
  let inString = false;
  let stringStart = 0;
  for (let i = 0; i < filter.length; i++) {
    const ch = filter[i];
    if (inString) {
      if (ch === "'") {
        if (filter[i + 1] === "'") i++;
        else inString = false;
      }
      continue;
    }
    if (ch === "'") {
      inString = true;
      stringStart = i;
    } else if (ch === '(') depth++;
    else if (ch === ')') {
      if (depth === 0) return `has a ')' at column ${i + 1} that closes nothing it opened`;
      depth--;
    }
  }
  if (inString) return `has a quote at column ${stringStart + 1} that is never closed`;
  if (depth > 0) return `leaves ${depth} '(' unclosed`;
  return null;
}

export function checkImportFilter(filter: string | undefined): void {
  if (filter === undefined) return;
  const why = filterImbalance(filter);
  if (why !== null) {
    throw new GuestopsError('import-filter-invalid', `--filter ${why}: guestops reads userType eq 'Guest' and (FILTER), so the filter must be balanced on its own. Nothing was read or written`);
  }
}
