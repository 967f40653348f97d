/**
 * The one escaper for text guestops prints that it did not write itself: emails, UPNs, file
 * names, reasons, Graph error codes and messages, marker fields, GitHub API errors. Such text is
 * hostile until proven otherwise:
 * - a control character (ESC, a C1 such as CSI U+009B, a line break) recolours or clears a
 *   reviewer's terminal, or splits one value into two lines;
 * - bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069) make an address read differently
 *   from what it is;
 * - the GitHub Actions runner executes a log line as a workflow command when it starts with `::`
 *   after leading whitespace (`::error …`, `::add-mask::`, `::stop-commands::`), and a line that
 *   holds `##[` anywhere as a legacy command (`##[stop-commands]…`);
 * - in markdown (job summary, PR comment) it could open HTML (`<img src=…>`, `</summary>`).
 *
 * One function per sink:
 *   escapeUntrusted   a value inside a terminal/log line (plan text, progress, errors)
 *   escapeToAscii     the same, and every non-ASCII character too (validate's located messages)
 *   guardLines        a whole composed text about to be written to a log (line-level rules)
 *   annotationText    an annotation's title or message (@actions/core escapes the line breaks)
 *   jsonText          serialised JSON about to be printed (lossless: escapes stay inside strings)
 *   stopCommandsBlock in GitHub Actions, a block the runner must not read commands from
 * Markdown sinks live in markdown-escape.ts and pass values through `escapeUntrusted` first.
 */
import { randomBytes } from 'node:crypto';

/**
 * C0 controls, DEL, C1 controls, the Arabic letter mark, LRM/RLM, line/paragraph separators,
 * bidi embeddings/overrides and isolates, and the BOM / zero-width no-break space.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
/**
 * UNSAFE_CHAR but for TAB, LF and CR: in serialised JSON those are the formatting between tokens
 * (inside strings JSON.stringify escapes them). Left out of the class rather than passed through
 * by a callback: a pretty-printed plan has a line break every few dozen characters (230,000 in
 * the bench's 100,000-guest plan), and a callback per match was most of jsonText's time.
 */
const UNSAFE_IN_JSON = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function hex4(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `##[` anywhere → `#\u0023[`, and `::` after leading whitespace → `\u003a:` (the runner trims
 * leading whitespace before looking for `::`). Applied to values and to whole lines.
 */
function neutraliseCommands(s: string): string {
  return s.replace(/##\[/g, '#\\u0023[').replace(/^(\s*):(?=:)/, '$1\\u003a');
}

/** A value inside one terminal or log line: unsafe characters as `\uXXXX`, commands neutralised. */
export function escapeUntrusted(s: string): string {
  return neutraliseCommands(s.replace(UNSAFE_CHAR, hex4));
}

/**
 * Stricter: printable ASCII only; line breaks and tabs as `\n` `\r` `\t`, everything else as
 * `\uXXXX` (`\u{XXXXX}` beyond the BMP). For messages that quote YAML values, where a look-alike
 * character in a reported value would hide what is wrong.
 */
export function escapeToAscii(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\u{${cp.toString(16)}}`;
  }
  return neutraliseCommands(out);
}

/**
 * Line-level guard for a composed text (values already escaped): no line may start with `::` or
 * hold `##[`, however the pieces joined up (a value ending in `#` after a literal `#`). Leaves
 * guestops' own colour sequences alone.
 */
export function guardLines(text: string): string {
  // The whole text in three passes, not line by line: the JSON plan of the bench's 100,000 guests
  // is 230,000 lines, and splitting and re-joining them took about 0.2 s. The same rules:
  // CR is escaped first, `##[` cannot span a line, and `::` counts only after a line's leading
  // white space.
  return text
    .replace(/\r/g, '\\u000d')
    .replace(/##\[/g, '#\\u0023[')
    // A capture, not a lookbehind: V8 then scans for the line break first (half the time on
    // the 4 MB JSON plan of 50,000 guests, the same output).
    .replace(/(^|\n)([^\S\n]*):(?=:)/g, '$1$2\\u003a');
}

/**
 * An annotation title or message. @actions/core percent-encodes `%`, CR, LF (and `:` `,` in
 * properties), so the command line itself cannot be broken; this keeps what GitHub displays free
 * of control and bidi characters. Line breaks guestops put between lines are kept.
 */
export function annotationText(s: string): string {
  return s
    .split('\n')
    .map((line) => escapeUntrusted(line))
    .join('\n');
}

/**
 * JSON.stringify escapes C0 controls but leaves C1, bidi and line-separator characters raw. They
 * can only occur inside JSON strings, where `\uXXXX` is the same value: printed JSON parses to
 * exactly the same data. Then the line guard (`##[` → `#\u0023[`, again the same string).
 */
export function jsonText(json: string): string {
  return guardLines(json.replace(UNSAFE_IN_JSON, hex4));
}

/** A token nobody can predict, so text inside the block cannot end it early. */
export function stopCommandsToken(): string {
  return randomBytes(16).toString('hex');
}

/**
 * In GitHub Actions, `text` (whole lines) between `::stop-commands::TOKEN` and `::TOKEN::`: the
 * runner executes no workflow command in between, whatever slipped through. Outside Actions the
 * text as it is. Written with ONE write call so no other output lands inside the block.
 */
export function stopCommandsBlock(text: string, inActions: boolean, token: string = stopCommandsToken()): string {
  const guarded = guardLines(text);
  if (!inActions || guarded === '') return guarded;
  const body = guarded.endsWith('\n') ? guarded : guarded + '\n';
  return `::stop-commands::${token}\n${body}::${token}::\n`;
}
