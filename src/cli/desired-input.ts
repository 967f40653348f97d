/**
 * Loads guests/ for plan and apply: validation always runs first, so bad YAML is reported with
 * its file:line and guestops exits 1 before a single request reaches Graph.
 */
import { loadDesiredState } from '../desired/load.js';
import type { DesiredState } from '../desired/types.js';
import { reportProblems } from './problems-output.js';

/** The desired state, or null after problems were printed (the command exits 1). */
export async function loadOrReport(dir: string): Promise<DesiredState | null> {
  const result = await loadDesiredState(dir, { cwd: process.cwd() });
  if (!result.ok) {
    await reportProblems(result.problems);
    return null;
  }
  if (result.warnings.length > 0) await reportProblems(result.warnings);
  return result.state;
}
