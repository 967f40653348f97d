/**
 * The I/O edge of the policy: which file (`--policy FILE`, else `guestops.policy.yaml` when it
 * exists, else the built-in defaults) and reading it under the guest files' size cap.
 */
import { readFile, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileStart, problem } from '../desired/problems.js';
import { MAX_FILE_BYTES } from '../desired/limits.js';
import { parsePolicy, type PolicyResult } from './parse.js';
import { DEFAULT_POLICY, DEFAULT_POLICY_FILE } from './types.js';

/**
 * @param explicit the `--policy` value; a missing explicit file is an error, a missing default
 * file means the built-in defaults.
 */
export async function loadPolicy(explicit: string | undefined, cwd: string = process.cwd()): Promise<PolicyResult> {
  const path = explicit ?? DEFAULT_POLICY_FILE;
  const display = relative(cwd, path.startsWith('/') ? path : `${cwd}/${path}`) || path;
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) return { ok: false, problems: [problem('policy-unreadable', 'the policy is not a regular file', fileStart(display))] };
    size = s.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && explicit === undefined) return { ok: true, policy: DEFAULT_POLICY };
    return { ok: false, problems: [problem('policy-unreadable', `cannot read the policy file: ${code ?? String(e)}`, fileStart(display))] };
  }
  if (size > MAX_FILE_BYTES) {
    return { ok: false, problems: [problem('file-too-large', `the policy file is ${size} bytes; at most ${MAX_FILE_BYTES} bytes (1 MiB) are read`, fileStart(display))] };
  }
  return parsePolicy(await readFile(path), display);
}
