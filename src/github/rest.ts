/**
 * The few GitHub REST calls guestops makes, over plain `fetch` against GITHUB_API_URL (GitHub
 * Enterprise Server has its own; tests point it at a local stand-in). No Octokit: three
 * endpoints do not justify a dependency tree.
 */
import { GuestopsError } from '../errors.js';

export interface GithubRestOptions {
  /** e.g. https://api.github.com (no trailing slash needed). */
  readonly apiUrl: string;
  readonly token: string;
}

export interface IssueComment {
  readonly id: number;
  readonly body: string;
  readonly authorType: string | null;
  /** `user.login`, e.g. `github-actions[bot]`. */
  readonly authorLogin: string | null;
  readonly htmlUrl: string | null;
}

/** A failed REST call. `status` lets callers tell "not allowed" (fork PR) from real faults. */
export class GithubRestError extends GuestopsError {
  readonly status: number;
  constructor(status: number, method: string, path: string, message: string) {
    // Only the method and path, never headers: the token must not reach a log line.
    super('github-rest-failed', `${method} ${path}: HTTP ${status}${message ? ` (${message})` : ''}`, { status });
    this.status = status;
  }
}

/** `Link: <url>; rel="next", ...` → the next page's URL (GitHub paginates with it). */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1]!;
  }
  return null;
}

export class GithubRest {
  private readonly base: string;
  constructor(private readonly options: GithubRestOptions) {
    this.base = options.apiUrl.replace(/\/+$/, '');
  }

  private async request(method: string, url: string, body?: unknown): Promise<Response> {
    const path = url.startsWith(this.base) ? url.slice(this.base.length) : url;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${this.options.token}`,
          'x-github-api-version': '2022-11-28',
          'user-agent': 'guestops',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e) {
      throw new GuestopsError('github-rest-unreachable', `${method} ${path}: ${(e as Error).message}`, undefined, { cause: e });
    }
    if (!res.ok) {
      let message = '';
      try {
        const parsed = (await res.json()) as { message?: unknown };
        if (typeof parsed.message === 'string') message = parsed.message;
      } catch {
        // a body that is not JSON adds nothing the status does not say
      }
      throw new GithubRestError(res.status, method, path, message);
    }
    return res;
  }

  /** Every comment of an issue or pull request, following `Link: rel="next"` across pages. */
  async listIssueComments(owner: string, repo: string, issue: number): Promise<IssueComment[]> {
    const out: IssueComment[] = [];
    let url: string | null = `${this.base}/repos/${enc(owner)}/${enc(repo)}/issues/${issue}/comments?per_page=100`;
    // A bound on pages so a misbehaving server cannot loop us forever (100 pages = 10,000 comments).
    for (let page = 0; url !== null && page < 100; page++) {
      const res = await this.request('GET', url);
      const items = (await res.json()) as unknown;
      if (!Array.isArray(items)) throw new GuestopsError('github-rest-failed', `GET ${url}: expected a JSON array of comments`);
      for (const c of items as Array<{ id?: unknown; body?: unknown; html_url?: unknown; user?: { type?: unknown; login?: unknown } | null }>) {
        if (typeof c.id !== 'number') continue;
        out.push({
          id: c.id,
          body: typeof c.body === 'string' ? c.body : '',
          authorType: typeof c.user?.type === 'string' ? c.user.type : null,
          authorLogin: typeof c.user?.login === 'string' ? c.user.login : null,
          htmlUrl: typeof c.html_url === 'string' ? c.html_url : null,
        });
      }
      url = nextLink(res.headers.get('link'));
    }
    return out;
  }

  /** The commit a branch points at now (`GET /repos/{o}/{r}/git/ref/heads/{branch}`). */
  async branchHead(owner: string, repo: string, branch: string): Promise<string> {
    const path = branch.split('/').map(enc).join('/');
    const res = await this.request('GET', `${this.base}/repos/${enc(owner)}/${enc(repo)}/git/ref/heads/${path}`);
    const body = (await res.json()) as { object?: { sha?: unknown } };
    const sha = body.object?.sha;
    if (typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha)) {
      throw new GuestopsError('github-rest-failed', `GET git/ref/heads/${branch}: the answer names no commit`);
    }
    return sha;
  }

  async createIssueComment(owner: string, repo: string, issue: number, body: string): Promise<IssueComment> {
    const res = await this.request('POST', `${this.base}/repos/${enc(owner)}/${enc(repo)}/issues/${issue}/comments`, { body });
    return toComment(await res.json());
  }

  async updateIssueComment(owner: string, repo: string, id: number, body: string): Promise<IssueComment> {
    const res = await this.request('PATCH', `${this.base}/repos/${enc(owner)}/${enc(repo)}/issues/comments/${id}`, { body });
    return toComment(await res.json());
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function toComment(raw: unknown): IssueComment {
  const c = raw as { id?: unknown; body?: unknown; html_url?: unknown; user?: { type?: unknown; login?: unknown } | null };
  return {
    id: typeof c.id === 'number' ? c.id : -1,
    body: typeof c.body === 'string' ? c.body : '',
    authorType: typeof c.user?.type === 'string' ? c.user.type : null,
    authorLogin: typeof c.user?.login === 'string' ? c.user.login : null,
    htmlUrl: typeof c.html_url === 'string' ? c.html_url : null,
  };
}
