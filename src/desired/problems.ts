/** Building and ordering validation problems. */
import type { Problem, SourceLocation } from './types.js';
import type { ProblemCode } from './codes.js';

export function problem(code: ProblemCode, message: string, location: SourceLocation): Problem {
  return { severity: 'error', code, message, location };
}

export function warning(code: ProblemCode, message: string, location: SourceLocation): Problem {
  return { severity: 'warning', code, message, location };
}

/** The start of a file, for problems about the file as a whole. */
export function fileStart(file: string): SourceLocation {
  return { file, line: 1, column: 1 };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Stable order: file, line, column, then code (so output never depends on traversal order). */
export function compareProblems(a: Problem, b: Problem): number {
  return (
    compareText(a.location.file, b.location.file) ||
    a.location.line - b.location.line ||
    a.location.column - b.location.column ||
    compareText(a.code, b.code) ||
    compareText(a.message, b.message)
  );
}

export function formatLocation(l: SourceLocation): string {
  return `${l.file}:${l.line}:${l.column}`;
}
