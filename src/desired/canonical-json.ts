/**
 * JSON with object keys sorted and no whitespace: the same data always gives the same text,
 * whatever order the YAML declared its keys in. Used for the desired-state digest.
 *
 * `memo` caches the text of objects seen before by identity: the guests of one file share their
 * resolved invitation settings object, so the digest of 10,000 guests writes each settings
 * object out once per file instead of once per guest (npm run bench: the digest was among the
 * top CPU costs of plan). Only frozen or otherwise unchanging values may be memoised.
 */
export function canonicalJson(value: unknown, memo?: WeakMap<object, string>): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const known = memo?.get(value);
  if (known !== undefined) return known;
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      out += (i > 0 ? ',' : '') + (v === undefined ? 'null' : canonicalJson(v, memo));
    }
    out += ']';
  } else {
    const keys = Object.keys(value).sort();
    out = '{';
    let first = true;
    for (const k of keys) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      out += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v, memo);
      first = false;
    }
    out += '}';
  }
  memo?.set(value, out);
  return out;
}
