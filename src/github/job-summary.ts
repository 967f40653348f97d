/**
 * Appends markdown to the job summary (GITHUB_STEP_SUMMARY) through @actions/core. GitHub refuses
 * a step summary over 1 MiB and then shows nothing, so an oversized plan is cut with a note
 * rather than lost.
 */
import * as core from '@actions/core';

export const SUMMARY_MAX_BYTES = 1024 * 1024;

export function fitSummary(markdown: string, maxBytes = SUMMARY_MAX_BYTES): string {
  const text = markdown.endsWith('\n') ? markdown : markdown + '\n';
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const note = '\n\n… truncated: the plan is larger than a job summary may be; use the plan-json output for all of it.\n';
  const budget = maxBytes - Buffer.byteLength(note, 'utf8');
  // Cut on a character boundary: decode the byte prefix and drop a split trailing character.
  let cut = Buffer.from(text, 'utf8').subarray(0, budget).toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return cut + note;
}

/** Appends to the summary file; a no-op when the runner gave none (not in Actions). */
export async function appendJobSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (!env['GITHUB_STEP_SUMMARY']) return false;
  await core.summary.addRaw(fitSummary(markdown)).write();
  core.summary.emptyBuffer();
  return true;
}
