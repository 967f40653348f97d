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

/** Hidden line naming the commit a comment's plan was made for (read back by `outdatedCommentBody`). */
const COMMIT_LINE = /^<!-- guestops-plan-commit: ([0-9a-f]{40}) -->$/m;
/** The banner an outdated comment carries between its marker and its plan; replaced, never stacked. */
const OUTDATED_START = '<!-- guestops-outdated -->';
const OUTDATED_END = '<!-- /guestops-outdated -->';

function short(sha: string): string {
  return sha.slice(0, 12);
}

/**
 * The comment for a plan: marker, the head commit it was computed for (a reviewer must know
 * which push the plan belongs to: without it, the plan of an earlier push looks current), the
 * plan, and a link to the run. `headSha` is validated by event.ts: 40 hex or null.
 */
export function planCommentBody(markdown: string, runUrl: string | null, headSha: string | null = null): string {
  const footer = runUrl ? `\n\n---\n<sub>Updated by guestops in [this workflow run](${runUrl}).</sub>\n` : '\n';
  const head = headSha
    ? `${PLAN_COMMENT_MARKER}\n<!-- guestops-plan-commit: ${headSha} -->\n<sub>Plan for commit <code>${short(headSha)}</code>, the head of this pull request when the plan ran.</sub>\n\n`
    : `${PLAN_COMMENT_MARKER}\n`;
  const room = COMMENT_MAX_CHARS - head.length - footer.length;
  let text = markdown.trimEnd();
  if (text.length > room) {
    const note = `\n\n… plan truncated: ${text.length} characters do not fit in a comment; the job summary has all of it.`;
    text = text.slice(0, room - note.length) + note;
  }
  return head + text + footer;
}

/**
 * The existing comment's body marked outdated: a new run started for `newSha`, so until it
 * replaces the comment (or when it fails and never does) nobody approves on the old plan. The
 * old plan stays below the banner, for the conversation's sake.
 */
export function outdatedCommentBody(body: string, newSha: string | null, runUrl: string | null): string {
  let rest = body.startsWith(PLAN_COMMENT_MARKER) ? body.slice(PLAN_COMMENT_MARKER.length).replace(/^\n/, '') : body;
  const start = rest.indexOf(OUTDATED_START);
  const end = rest.indexOf(OUTDATED_END);
  if (start !== -1 && end > start) rest = rest.slice(0, start) + rest.slice(end + OUTDATED_END.length).replace(/^\n/, '');
  const oldSha = COMMIT_LINE.exec(rest)?.[1];
  const was = oldSha ? `commit <code>${short(oldSha)}</code>` : 'an earlier push';
  const now = newSha ? `commit <code>${short(newSha)}</code>` : 'the latest push';
  const where = runUrl ? ` in [this workflow run](${runUrl})` : '';
  const banner =
    `${OUTDATED_START}\n> [!WARNING]\n> **Outdated plan.** The plan below is for ${was}. A new plan for ${now} is being computed${where}; ` +
    `it replaces this comment when it succeeds. If that run fails, there is no valid plan for the pull request: do not approve on this one.\n${OUTDATED_END}\n`;
  const out = `${PLAN_COMMENT_MARKER}\n${banner}${rest}`;
  return out.length <= COMMENT_MAX_CHARS ? out : out.slice(0, COMMENT_MAX_CHARS);
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

/** Marks guestops' comment outdated; null when there is none yet (nothing to mark). */
export async function markPlanCommentOutdated(rest: GithubRest, pr: PullRequestContext, runUrl: string | null): Promise<UpsertResult | null> {
  const existing = findPlanComment(await rest.listIssueComments(pr.owner, pr.repo, pr.number));
  if (!existing) return null;
  const c = await rest.updateIssueComment(pr.owner, pr.repo, existing.id, outdatedCommentBody(existing.body, pr.headSha, runUrl));
  return { action: 'updated', id: existing.id, url: c.htmlUrl };
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
