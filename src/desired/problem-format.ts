/**
 * Renders problems as `FILE:LINE:COL: error CODE: message`, the shape editors, CI logs and
 * `grep` understand. Everything that came from a guest file (values, key names, file names) is
 * escaped first: a hostile file must not be able to forge extra output lines or send terminal
 * escape sequences through an error message.
 */
import type { Problem } from './types.js';
import { MAX_QUOTED_VALUE } from './limits.js';
import { escapeToAscii } from '../render/untrusted.js';

/** Control, non-ASCII and invisible characters as `\uXXXX`, workflow commands neutralised (src/render/untrusted.ts). */
export const escapeText = escapeToAscii;

/** A user value inside a message: double-quoted, escaped, and shortened when long. */
export function quoteValue(value: string): string {
  const chars = Array.from(value);
  const long = chars.length > MAX_QUOTED_VALUE;
  const shown = long ? chars.slice(0, MAX_QUOTED_VALUE - 20).join('') : value;
  const quoted = `"${escapeText(shown.replace(/\\/g, '\\\\').replace(/"/g, '\\"'))}"`;
  return long ? `${quoted}... (${chars.length} characters)` : quoted;
}

export function formatProblem(p: Problem): string {
  const { file, line, column } = p.location;
  return `${escapeText(file)}:${line}:${column}: ${p.severity} ${p.code}: ${escapeText(p.message)}`;
}
