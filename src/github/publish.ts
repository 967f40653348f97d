/**
 * Publishes plan and apply results to GitHub Actions: job summary, step outputs, annotations on
 * the YAML lines, and the sticky pull-request comment. Called by the plan/apply commands only when
 * `inGithubActions()`; never throws for lack of a comment permission (fork pull requests).
 *
 * CONTRACT (signatures fixed; bodies owned by the GitHub integration work).
 */
import type { Plan } from '../plan/types.js';

export function inGithubActions(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['GITHUB_ACTIONS'] === 'true';
}

export interface PublishPlanInput {
  readonly plan: Plan;
  /** The markdown rendering of the plan (src/render/markdown.ts). */
  readonly markdown: string;
  /** Where the JSON plan was written with `--out`, if it was. */
  readonly planJsonPath?: string;
}

export async function publishPlan(_input: PublishPlanInput): Promise<void> {
  // Filled in by the GitHub integration.
}

export interface PublishApplyInput {
  readonly markdown: string;
  /** Step outputs to set, e.g. {resets: "3", failed: "0"}. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly reportPath?: string;
}

export async function publishApply(_input: PublishApplyInput): Promise<void> {
  // Filled in by the GitHub integration.
}
