/**
 * In GitHub Actions, apply writes only for the commit its branch points at now. A re-run of an
 * old apply run (the "Re-run jobs" button, or a workflow_dispatch queued behind a later merge)
 * carries that old commit's guests/: applying it would move guests back to addresses a later,
 * reviewed merge had changed. The runner names the run's commit (GITHUB_SHA) and ref
 * (GITHUB_REF); the branch's current head comes from the GitHub API with the job's token
 * (`contents: read`). Anything that cannot be verified refuses, before any Graph request.
 */
import { GuestopsError } from '../errors.js';
import { GithubRest } from './rest.js';

export interface RunCommit {
  readonly owner: string;
  readonly repo: string;
  readonly branch: string;
  readonly sha: string;
}

/** The run's commit and branch, or null outside a GitHub Actions run (no GITHUB_SHA). */
export function runCommit(env: NodeJS.ProcessEnv): RunCommit | null {
  if (env['GITHUB_ACTIONS'] !== 'true') return null;
  const sha = env['GITHUB_SHA'];
  if (!sha) return null;
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new GuestopsError('commit-tip-unverified', `GITHUB_SHA '${sha}' is not a commit id; nothing was written`);
  const ref = env['GITHUB_REF'] ?? '';
  const branch = /^refs\/heads\/(.+)$/.exec(ref)?.[1];
  if (!branch) {
    throw new GuestopsError('apply-ref-not-branch', `apply runs for a branch (refs/heads/…), this run is for '${ref}'; nothing was written`);
  }
  const [owner, repo, ...rest] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new GuestopsError('commit-tip-unverified', `GITHUB_REPOSITORY must be OWNER/REPO, got '${env['GITHUB_REPOSITORY'] ?? ''}'; nothing was written`);
  }
  return { owner, repo, branch, sha };
}

/** Refuses unless the run's commit is the tip of its branch. A no-op outside GitHub Actions. */
export async function checkRunIsBranchTip(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const run = runCommit(env);
  if (!run) return;
  const token = env['GITHUB_TOKEN'];
  if (!token) {
    throw new GuestopsError(
      'commit-tip-unverified',
      `apply in GitHub Actions checks that ${run.sha.slice(0, 12)} is still the tip of ${run.branch} and needs GITHUB_TOKEN for it (pass \`GITHUB_TOKEN: \${{ github.token }}\`, permission contents: read); nothing was written`,
    );
  }
  let tip: string;
  try {
    tip = await new GithubRest({ apiUrl: env['GITHUB_API_URL'] || 'https://api.github.com', token }).branchHead(run.owner, run.repo, run.branch);
  } catch (e) {
    throw new GuestopsError('commit-tip-unverified', `cannot tell whether ${run.sha.slice(0, 12)} is the tip of ${run.branch}: ${(e as Error).message}; nothing was written`, undefined, { cause: e });
  }
  if (tip !== run.sha) {
    throw new GuestopsError(
      'commit-not-tip',
      `this run is for commit ${run.sha.slice(0, 12)}, but ${run.branch} is at ${tip.slice(0, 12)} now: applying an older commit's guests/ would undo later reviewed changes. Nothing was written; the run for the tip of ${run.branch} applies it`,
    );
  }
}
