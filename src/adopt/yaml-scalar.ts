/**
 * The small, safe YAML writer import needs: scalars and comments only, never a general dumper.
 * A value is written plain only when it is certainly read back as the same string (letters,
 * digits and `@ . _ + -`, not starting with an indicator); anything else becomes a JSON string,
 * which is a valid YAML double-quoted scalar with the same meaning. So `o'brien@x`, `a#b@x`,
 * `"quoted"@x`, non-ASCII and control characters all round-trip through the loader.
 */

/** Starts with a letter or digit; then only characters that are never YAML syntax in plain style. */
const PLAIN_SAFE = /^[A-Za-z0-9][A-Za-z0-9@._+-]*$/;
/** Plain scalars the YAML core schema would read as something else than a string. */
const NOT_A_STRING = /^(?:true|false|yes|no|on|off|null|~|[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.nan)$/i;

export function yamlString(value: string): string {
  if (value !== '' && PLAIN_SAFE.test(value) && !NOT_A_STRING.test(value)) return value;
  return JSON.stringify(value);
}

/** `[a, b]`, each item a safe scalar: flow style keeps one guest's addresses on one line. */
export function yamlFlowList(values: readonly string[]): string {
  return `[${values.map(yamlString).join(', ')}]`;
}

/**
 * Text safe inside a `# ...` comment: one line, printable. Control characters (a newline would end
 * the comment and inject YAML) are replaced by `?`.
 */
export function commentText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff ? '?' : ch;
  }
  return out;
}
