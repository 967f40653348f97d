/** OData query building: string literals are escaped the way Graph expects ('' for '). */

/** `O'Brien` → `'O''Brien'` */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Builds `path?$a=...&$b=...` with every value percent-encoded (so `#`, `&`, `+`, `%` and quotes
 * inside an email cannot change the query's meaning). `$` and `,` stay readable.
 */
export function withQuery(path: string, query: Readonly<Record<string, string | number | undefined>>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    parts.push(`${k}=${encodeURIComponent(String(v)).replace(/%24/g, '$').replace(/%2C/g, ',')}`);
  }
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

/** A user key (object id or UPN) as a path segment: UPNs of guests contain `#`. */
export function userSegment(idOrUpn: string): string {
  return encodeURIComponent(idOrUpn);
}
