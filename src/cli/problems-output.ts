/**
 * Prints validation problems for people and for GitHub: one `FILE:LINE:COL: error CODE: message`
 * line each on stderr, and under GitHub Actions (`GITHUB_ACTIONS=true`) also an annotation on
 * that file and line (@actions/core writes the `::error file=...` workflow command to stdout),
 * so the problem shows in the pull request's diff. Shared by validate, plan and apply.
 */
import type { AnnotationProperties } from '@actions/core';
import type { Problem } from '../desired/types.js';
import { escapeText, formatProblem } from '../desired/problem-format.js';
import { inGithubActions } from '../github/actions-env.js';
import { escapeUntrusted } from '../render/untrusted.js';
import { capAnnotations } from '../github/annotations.js';

export interface ReportOptions {
  /** Where the text lines go. Default: process.stderr. */
  readonly stream?: { write(text: string): unknown };
  /** Environment deciding whether annotations are emitted. Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Resolves once the annotations are written too (@actions/core is imported only inside Actions). */
export async function reportProblems(problems: readonly Problem[], options: ReportOptions = {}): Promise<void> {
  const stream = options.stream ?? process.stderr;
  if (problems.length > 0) stream.write(problems.map((p) => formatProblem(p) + '\n').join(''));
  if (!inGithubActions(options.env ?? process.env)) return;
  const core = await import('@actions/core');
  // Every problem is on stderr; annotations are capped so a broken tree does not flood the PR.
  const { shown, omitted } = capAnnotations(problems.map((p) => ({ ...p, level: p.severity })));
  for (const p of shown) {
    const properties: AnnotationProperties = {
      title: p.code,
      // GitHub matches the path as written: keep non-ASCII names (müller.yaml) intact and only
      // neutralise control characters; @actions/core escapes `%`, `:`, `,` and line breaks itself.
      file: escapeUntrusted(p.location.file),
      startLine: p.location.line,
      startColumn: p.location.column,
    };
    if (p.severity === 'error') core.error(escapeText(p.message), properties);
    else core.warning(escapeText(p.message), properties);
  }
  if (omitted > 0) core.notice(`${omitted} more problem annotation(s) not shown; the job log lists every problem.`, { title: 'guestops: annotations capped' });
}
