/**
 * `plan --skip-if-unchanged`: whether a pull request changes anything guestops reads. The plan
 * check runs for every pull request so that it can be a required check; for those that touch
 * neither guests/ nor the policy, reading the tenant would only repeat the base's plan.
 *
 * Guests compare by the desired-state digest (what the YAML means, not how it is laid out); the
 * policy by its bytes, the stricter test: any edit of the policy file gets a full plan.
 */
import { readFile } from 'node:fs/promises';
import type { DesiredState } from '../desired/types.js';

async function textOrNull(path: string | null | undefined): Promise<string | null> {
  if (path === null || path === undefined) return null;
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** `headPolicyFile`: the policy file in use (null: built-in defaults); `basePolicyFile`: `--base-policy`. */
export async function unchangedFromBase(
  head: DesiredState,
  base: DesiredState,
  headPolicyFile: string | null,
  basePolicyFile: string | undefined,
): Promise<boolean> {
  if (head.digest !== base.digest) return false;
  return (await textOrNull(headPolicyFile)) === (await textOrNull(basePolicyFile));
}

export function nothingToPlanText(): string {
  return 'Nothing to plan: guests/ and the policy file are the same as the base branch, so this pull request changes nothing in the tenant. (Drift between the base and the tenant is the drift check\'s job.)';
}
