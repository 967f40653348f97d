/**
 * Matching used by the policy: domains against `example.com` / `*.example.com` patterns, and
 * guest file paths against globs. Both are small on purpose (no dependency): a pattern is either
 * exact or a subdomain wildcard, and a glob knows `*`, `**` and `?`, nothing else.
 */

/** The domain of an address, lower-cased ("" when there is no `@`). */
export function domainOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? '' : email.slice(at + 1).toLowerCase();
}

/** `example.com` matches itself only; `*.example.com` matches its subdomains, not itself. */
export function domainMatches(domain: string, pattern: string): boolean {
  const d = domain.toLowerCase();
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) return d.endsWith(p.slice(1)) && d.length > p.length - 1;
  return d === p;
}

export function domainInList(domain: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => domainMatches(domain, p));
}

const compiled = new Map<string, RegExp>();

/** A glob as a regular expression: `**` spans folders, `*` and `?` stay inside one. */
export function globRegExp(glob: string): RegExp {
  let re = compiled.get(glob);
  if (re) return re;
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` also matches no folder at all (guests/**/x.yaml matches guests/x.yaml).
      if (glob[i + 2] === '/') {
        src += '(?:.*/)?';
        i += 2;
      } else {
        src += '.*';
        i += 1;
      }
    } else if (c === '*') src += '[^/]*';
    else if (c === '?') src += '[^/]';
    else src += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  re = new RegExp(`^${src}$`);
  compiled.set(glob, re);
  return re;
}

/** Whether a guest file (relative, any separator) matches a glob (leading `./` ignored on both). */
export function fileMatches(file: string, glob: string): boolean {
  const f = file.replace(/\\/g, '/').replace(/^\.\//, '');
  return globRegExp(glob.replace(/^\.\//, '')).test(f);
}
