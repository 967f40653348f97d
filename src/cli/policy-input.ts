/**
 * Loads the policy for validate, plan and apply: `--policy FILE`, else guestops.policy.yaml when
 * it exists, else the built-in defaults. Problems are printed like guest-file problems (located,
 * annotated under GitHub Actions) and the command exits 1 before any request reaches Graph.
 */
import { loadPolicy } from '../policy/load.js';
import type { Policy } from '../policy/types.js';
import { reportProblems } from './problems-output.js';

/** The `--policy` help lines, its text starting at column `column` like the command's other options. */
export function policyUsage(column: number): string {
  const pad = ' '.repeat(column);
  return `${'  --policy FILE'.padEnd(column)}the policy file (default: guestops.policy.yaml when it exists, else built-in
${pad}defaults: no consumer mail domains, at most 10 email changes per apply)`;
}

/** The policy, or null after its problems were printed (the command exits 1). */
export async function loadPolicyOrReport(explicit: string | undefined): Promise<Policy | null> {
  const result = await loadPolicy(explicit);
  if (!result.ok) {
    await reportProblems(result.problems);
    return null;
  }
  return result.policy;
}
