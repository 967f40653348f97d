/**
 * Who is applying: the run id written into pending intents (a re-run of the same CI run may
 * resume its own intents at once; another run waits for the lease) and the commit recorded in
 * markers (which revision of guests/ a guest was last applied from).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';

export function resolveRunId(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['GUESTOPS_RUN_ID'];
  if (explicit) return explicit.slice(0, 40);
  const gh = env['GITHUB_RUN_ID'];
  // A re-run of a GitHub run keeps GITHUB_RUN_ID: exactly the "same run" that may resume.
  if (gh) return `gh-${gh}`.slice(0, 40);
  return `local-${randomUUID()}`.slice(0, 40);
}

/** GITHUB_SHA, else `git rev-parse --short=12 HEAD` in `cwd`, else null (best effort, never fails). */
export function resolveCommit(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<string | null> {
  const sha = env['GITHUB_SHA'];
  if (sha) return Promise.resolve(sha.slice(0, 12));
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, timeout: 5_000 }, (err, stdout) => {
      const out = String(stdout ?? '').trim();
      resolve(err || !/^[0-9a-f]{4,40}$/.test(out) ? null : out);
    });
  });
}
