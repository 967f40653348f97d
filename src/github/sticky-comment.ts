/**
 * ONE pull-request comment holding the latest plan: found by a hidden HTML marker on its first
 * line, updated in place on every push, created only when none exists. A comment per run would
 * bury the review conversation under stale plans.
 */
import type { GithubRest, IssueComment } from './rest.js';
import type { PullRequestContext } from './event.js';

/** Invisible in rendered markdown; identifies guestops' plan comment. */
export const PLAN_COMMENT_MARKER = '<!-- guestops-plan -->';

/** GitHub rejects comment bodies over 65,536 characters. */
export const COMMENT_MAX_CHARS = 65_536;

export function planCommentBody(markdown: string, runUrl: string | null): string {
  const footer = runUrl ? `\n\n---\n<sub>Updated by guestops in [this workflow run](${runUrl}).</sub>\n` : '\n';
  const head = `${PLAN_COMMENT_MARKER}\n`;
  const room = COMMENT_MAX_CHARS - head.length - footer.length;
  let text = markdown.trimEnd();
  if (text.length > room) {
    const note = `\n\n… plan truncated: ${text.length} characters do not fit in a comment; the job summary has all of it.`;
    text = text.slice(0, room - note.length) + note;
  }
  return head + text + footer;
}

/** The account the workflow's GITHUB_TOKEN posts as. */
export const PLAN_COMMENT_AUTHOR = 'github-actions[bot]';

/**
 * The comment to update: marker on the first line AND posted by github-actions[bot] (the
 * workflow token's account). Any other author — a pull-request author, or another bot or GitHub
 * App anyone can install — could plant the marker and have guestops rewrite, or a reviewer
 * trust, a comment of their own.
 */
export function findPlanComment(comments: readonly IssueComment[]): IssueComment | null {
  return comments.find((c) => c.body.startsWith(PLAN_COMMENT_MARKER) && c.authorLogin === PLAN_COMMENT_AUTHOR && c.authorType === 'Bot') ?? null;
}

export interface UpsertResult {
  readonly action: 'created' | 'updated';
  readonly id: number;
  readonly url: string | null;
}

export async function upsertPlanComment(rest: GithubRest, pr: PullRequestContext, body: string): Promise<UpsertResult> {
  const existing = findPlanComment(await rest.listIssueComments(pr.owner, pr.repo, pr.number));
  if (existing) {
    const c = await rest.updateIssueComment(pr.owner, pr.repo, existing.id, body);
    return { action: 'updated', id: existing.id, url: c.htmlUrl };
  }
  const c = await rest.createIssueComment(pr.owner, pr.repo, pr.number, body);
  return { action: 'created', id: c.id, url: c.htmlUrl };
}
