/**
 * Publishes plan and apply results to GitHub Actions: job summary, step outputs, annotations on
 * the YAML lines, and the sticky pull-request comment. Called by the plan/apply commands only when
 * `inGithubActions()` (actions-env.ts), and imported only then: @actions/core under it is slow to
 * load; never throws for lack of a comment permission (fork pull requests).
 *
 * CONTRACT (signatures fixed; bodies owned by the GitHub integration work).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as core from '@actions/core';
import type { Plan } from '../plan/types.js';
import { capAnnotations, planAnnotations } from './annotations.js';
import { pullRequestContext, type PullRequestContext } from './event.js';
import { appendJobSummary } from './job-summary.js';
import { GithubRest, GithubRestError } from './rest.js';
import { markPlanCommentOutdated, planCommentBody, upsertPlanComment } from './sticky-comment.js';
import { annotationText } from '../render/untrusted.js';

export interface PublishPlanInput {
  readonly plan: Plan;
  /** The markdown rendering of the plan (src/render/markdown.ts). */
  readonly markdown: string;
  /** Where the JSON plan was written with `--out`, if it was. */
  readonly planJsonPath?: string;
  /** The saved-plan JSON (src/render/json.ts) written for later steps when there is no `--out`. */
  readonly planJson?: string;
}

/** Counts reset-redemption actions (the figure reviewers and later steps care about most). */
function countResets(plan: Plan): number {
  let n = 0;
  for (const g of plan.guests) for (const a of g.actions) if (a.type === 'reset-redemption') n++;
  return n;
}

/**
 * The plan JSON for later steps, always a saved plan `apply --plan` accepts: the `--out` file when
 * given, else the same JSON in a file under RUNNER_TEMP.
 */
async function planJsonFile(plan: Plan, given: string | undefined, saved: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (given) return resolve(given);
  const base = env['RUNNER_TEMP'] && env['RUNNER_TEMP'].length > 0 ? env['RUNNER_TEMP'] : tmpdir();
  const dir = await mkdtemp(join(base, 'guestops-plan-'));
  const path = join(dir, 'plan.json');
  await writeFile(path, saved ?? JSON.stringify(plan, null, 2) + '\n', 'utf8');
  return path;
}

function runUrl(env: NodeJS.ProcessEnv): string | null {
  const server = env['GITHUB_SERVER_URL'];
  const repo = env['GITHUB_REPOSITORY'];
  const run = env['GITHUB_RUN_ID'];
  return server && repo && run ? `${server}/${repo}/actions/runs/${run}` : null;
}

/**
 * The REST client and pull request for the sticky comment, or null after a warning saying why
 * there is none. Every failure here is a warning: the comment is a convenience, the summary
 * already holds the plan, and a fork's read-only token must not turn a good plan into a red check.
 */
async function commentTarget(env: NodeJS.ProcessEnv): Promise<{ rest: GithubRest; pr: PullRequestContext } | null> {
  let pr;
  try {
    pr = await pullRequestContext(env);
  } catch (e) {
    core.warning(annotationText(`guestops: no plan comment: ${(e as Error).message}`));
    return null;
  }
  if (!pr) return null;
  const token = env['GITHUB_TOKEN'];
  if (!token) {
    core.warning(
      'guestops: no plan comment: GITHUB_TOKEN is not set (pass `GITHUB_TOKEN: ${{ github.token }}` to the step); the plan is in the job summary.',
    );
    return null;
  }
  core.setSecret(token);
  return { rest: new GithubRest({ apiUrl: env['GITHUB_API_URL'] || 'https://api.github.com', token }), pr };
}

function commentFailure(e: unknown, pr: PullRequestContext): void {
  const denied = e instanceof GithubRestError && (e.status === 403 || e.status === 401 || e.status === 404);
  const why = denied
    ? pr.fromFork
      ? 'the token of a pull request from a fork is read-only'
      : 'the token may not write pull-request comments (does the job have `pull-requests: write`?)'
    : 'GitHub API call failed';
  core.warning(annotationText(`guestops: no plan comment: ${why}: ${(e as Error).message}. The plan is in the job summary.`));
}

/** Creates or updates the sticky plan comment, naming the head commit the plan is for. */
async function commentOnPullRequest(markdown: string, env: NodeJS.ProcessEnv): Promise<void> {
  const target = await commentTarget(env);
  if (!target) return;
  const { rest, pr } = target;
  try {
    const result = await upsertPlanComment(rest, pr, planCommentBody(markdown, runUrl(env), pr.headSha));
    core.info(annotationText(`guestops: plan comment ${result.action} on pull request #${pr.number}${result.url ? `: ${result.url}` : ''}`));
  } catch (e) {
    commentFailure(e, pr);
  }
}

/**
 * Called when a plan run starts, before guests/ is read: the comment of the previous push is
 * marked outdated at once, so it never looks current while this run works, and stays marked
 * when this run fails before it can replace it.
 */
export async function publishPlanStarted(): Promise<void> {
  const target = await commentTarget(process.env);
  if (!target) return;
  try {
    const marked = await markPlanCommentOutdated(target.rest, target.pr, runUrl(process.env));
    if (marked) core.info(`guestops: the previous plan comment on pull request #${target.pr.number} is marked outdated`);
  } catch (e) {
    commentFailure(e, target.pr);
  }
}

/**
 * A plan run that had nothing to plan (`plan --skip-if-unchanged`: guests/ and the policy equal
 * the base's): the summary and the comment say so, for the head commit; no tenant was read.
 */
export async function publishNothingToPlan(markdown: string): Promise<void> {
  const env = process.env;
  await appendJobSummary(markdown, env);
  core.setOutput('has-changes', 'false');
  core.setOutput('resets', '0');
  core.setOutput('blocked', '0');
  await commentOnPullRequest(markdown, env);
}

// @actions/core reads GITHUB_OUTPUT / GITHUB_STEP_SUMMARY from process.env itself, so these read it too.
export async function publishPlan(input: PublishPlanInput): Promise<void> {
  const env = process.env;
  const { plan, markdown } = input;
  await appendJobSummary(markdown, env);

  const hasChanges = plan.guests.some((g) => g.actions.length > 0);
  core.setOutput('has-changes', hasChanges ? 'true' : 'false');
  core.setOutput('resets', String(countResets(plan)));
  core.setOutput('blocked', String(plan.summary.blocked));
  core.setOutput('plan-json', await planJsonFile(plan, input.planJsonPath, input.planJson, env));

  const { shown, omitted } = capAnnotations(planAnnotations(plan, process.cwd(), env['GITHUB_WORKSPACE']));
  for (const a of shown) {
    // Titles and messages quote UPNs, emails and reasons: tenant/YAML text.
    const props = { title: annotationText(a.title), file: annotationText(a.file), startLine: a.line };
    const message = annotationText(a.message);
    if (a.level === 'error') core.error(message, props);
    else if (a.level === 'warning') core.warning(message, props);
    else core.notice(message, props);
  }
  if (omitted > 0) {
    core.notice(`${omitted} more guest annotation(s) not shown (at most ${shown.length}, blocked guests first); the job summary lists every guest.`, {
      title: 'guestops: plan annotations capped',
    });
  }

  await commentOnPullRequest(markdown, env);
}

export interface PublishApplyInput {
  readonly markdown: string;
  /** Step outputs to set, e.g. {resets: "3", failed: "0"}. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly reportPath?: string;
}

export async function publishApply(input: PublishApplyInput): Promise<void> {
  await appendJobSummary(input.markdown, process.env);
  for (const [name, value] of Object.entries(input.outputs)) core.setOutput(name, value);
  if (input.reportPath) core.setOutput('report', resolve(input.reportPath));
}
