/**
 * The pull request a workflow run belongs to, read the way Actions exposes it: the event name in
 * GITHUB_EVENT_NAME and the webhook payload in the JSON file GITHUB_EVENT_PATH.
 */
import { readFile } from 'node:fs/promises';
import { GuestopsError } from '../errors.js';

export interface PullRequestContext {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
  /** True when the head branch lives in another repository (a fork): its token is read-only. */
  readonly fromFork: boolean;
  /** The pull request's head commit (40 hex), the one its plan was made for; null when the payload lacks it. */
  readonly headSha: string | null;
}

/** Events whose payload carries a pull request we may comment on. `pull_request_target` is deliberately absent. */
const PULL_REQUEST_EVENTS = new Set(['pull_request']);

interface PullRequestPayload {
  readonly number?: unknown;
  readonly pull_request?: {
    readonly number?: unknown;
    readonly head?: { readonly sha?: unknown; readonly repo?: { readonly full_name?: unknown } | null };
  };
}

/** The pull request of this run, or null when the run is not for a pull request. */
export async function pullRequestContext(env: NodeJS.ProcessEnv): Promise<PullRequestContext | null> {
  const eventName = env['GITHUB_EVENT_NAME'];
  if (!eventName || !PULL_REQUEST_EVENTS.has(eventName)) return null;
  const path = env['GITHUB_EVENT_PATH'];
  if (!path) return null;
  let payload: PullRequestPayload;
  try {
    payload = JSON.parse(await readFile(path, 'utf8')) as PullRequestPayload;
  } catch (e) {
    throw new GuestopsError('github-event-unreadable', `cannot read the event payload ${path}: ${(e as Error).message}`, { path }, { cause: e });
  }
  const number = payload.pull_request?.number ?? payload.number;
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
    throw new GuestopsError('github-event-unreadable', `the event payload ${path} has no pull request number`, { path });
  }
  const repository = env['GITHUB_REPOSITORY'] ?? '';
  const [owner, repo, ...rest] = repository.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new GuestopsError('github-event-unreadable', `GITHUB_REPOSITORY must be OWNER/REPO, got '${repository}'`);
  }
  const head = payload.pull_request?.head?.repo?.full_name;
  const sha = payload.pull_request?.head?.sha;
  return {
    owner,
    repo,
    number,
    fromFork: typeof head === 'string' && head.toLowerCase() !== repository.toLowerCase(),
    // Only a well-formed commit id is ever printed into the comment.
    headSha: typeof sha === 'string' && /^[0-9a-f]{40}$/.test(sha) ? sha : null,
  };
}
