/**
 * `plan --base-dir DIR`: the guest folder as of the review's base. It is only compared with, never
 * planned, so its problems are reported as one line (the pull request's own files are what
 * validation is about) and a base that does not exist yet (the first pull request) is empty.
 */
import { stat } from 'node:fs/promises';
import { loadDesiredState } from '../desired/load.js';
import type { DesiredState } from '../desired/types.js';
import { escapeText } from '../desired/problem-format.js';

const EMPTY: DesiredState = Object.freeze({ guests: [], files: [], digest: '' });

/** The base state; EMPTY when the folder does not exist; null after printing why it is unusable. */
export async function loadBaseOrReport(dir: string): Promise<DesiredState | null> {
  try {
    await stat(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
  }
  const result = await loadDesiredState(dir, { cwd: process.cwd() });
  if (result.ok) return result.state;
  const first = result.problems.find((p) => p.severity === 'error')!;
  process.stderr.write(`guestops: --base-dir ${escapeText(dir)} is not a valid guest folder (${result.problems.length} problem(s), first: ${escapeText(first.code)} in ${escapeText(first.location.file)}); compare against a valid base or leave --base-dir out\n`);
  return null;
}
