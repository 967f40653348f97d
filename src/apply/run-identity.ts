/**
 * Who is applying: the run id written into pending intents (a re-run of the same CI run may
 * resume its own intents at once; another run waits for the lease) and the commit recorded in
 * markers (which revision of guests/ a guest was last applied from).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { GuestopsError } from '../errors.js';
import { RUN_ID } from '../plan/marker.js';

export function resolveRunId(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['GUESTOPS_RUN_ID'];
  if (explicit) {
    // Written into markers, whose parser accepts only such a token: refuse what it would refuse.
    if (!RUN_ID.test(explicit)) throw new GuestopsError('usage', "GUESTOPS_RUN_ID must be 1 to 40 letters, digits, '.', '_' or '-'");
    return explicit;
  }
  const gh = env['GITHUB_RUN_ID'];
  // A re-run of a GitHub run keeps GITHUB_RUN_ID: exactly the "same run" that may resume.
  if (gh && RUN_ID.test(`gh-${gh}`)) return `gh-${gh}`;
  return `local-${randomUUID()}`.slice(0, 40);
}

/** GITHUB_SHA, else `git rev-parse --short=12 HEAD` in `cwd`, else null (best effort, never fails). */
export function resolveCommit(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<string | null> {
  const sha = env['GITHUB_SHA'];
  if (sha) return Promise.resolve(/^[0-9a-f]{4,40}$/i.test(sha) ? sha.slice(0, 12) : null);
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, timeout: 5_000 }, (err, stdout) => {
      const out = String(stdout ?? '').trim();
      resolve(err || !/^[0-9a-f]{4,40}$/.test(out) ? null : out);
    });
  });
}
