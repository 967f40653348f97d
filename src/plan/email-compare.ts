/**
 * Email comparison as Entra does it: addresses are case-insensitive. guestops compares
 * case-insensitively everywhere and writes the declared spelling when it writes.
 */

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function sameEmail(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  return normalizeEmail(a) === normalizeEmail(b);
}

/** Same set of addresses, ignoring case, order and duplicates. */
export function sameEmailSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a.map(normalizeEmail));
  const sb = new Set(b.map(normalizeEmail));
  if (sa.size !== sb.size) return false;
  for (const x of sa) if (!sb.has(x)) return false;
  return true;
}
