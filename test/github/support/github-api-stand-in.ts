/**
 * A local stand-in for the slice of the GitHub REST API guestops uses (issue comments), on
 * 127.0.0.1. It behaves like GitHub where it matters to the sticky comment: Bearer auth, paging
 * with `Link: rel="next"` (per_page ≤ 100, default 30), 403 "Resource not accessible by
 * integration" when a read-only token (a fork's) tries to write.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredComment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorized: boolean;
}

export interface GithubApiStandIn {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Comments per `owner/repo#number`. */
  comments(owner: string, repo: string, issue: number): StoredComment[];
  addComment(owner: string, repo: string, issue: number, body: string, user?: StoredComment['user']): StoredComment;
  /** Points `owner/repo`'s branch at a commit (what `git/ref/heads/{branch}` answers). */
  setBranch(owner: string, repo: string, branch: string, sha: string): void;
  close(): Promise<void>;
}

export interface StandInOptions {
  /** token → may it write? Unknown tokens get 401. */
  readonly tokens: Readonly<Record<string, 'write' | 'read'>>;
}

const BOT = { login: 'github-actions[bot]', type: 'Bot' } as const;

export async function startGithubApiStandIn(options: StandInOptions): Promise<GithubApiStandIn> {
  const store = new Map<string, StoredComment[]>();
  const branches = new Map<string, string>();
  const requests: RecordedRequest[] = [];
  let nextId = 1000;
  let base = '';
  const key = (o: string, r: string, n: number): string => `${o}/${r}#${n}`;
  const list = (o: string, r: string, n: number): StoredComment[] => {
    const k = key(o, r, n);
    if (!store.has(k)) store.set(k, []);
    return store.get(k)!;
  };
  const add = (o: string, r: string, n: number, body: string, user: StoredComment['user'] = BOT): StoredComment => {
    const c = { id: nextId++, body, user };
    list(o, r, n).push(c);
    return c;
  };
  const view = (o: string, r: string, n: number, c: StoredComment): Record<string, unknown> => ({
    id: c.id,
    body: c.body,
    user: c.user,
    html_url: `https://github.example/${o}/${r}/pull/${n}#issuecomment-${c.id}`,
  });

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    return raw ? JSON.parse(raw) : undefined;
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      const grant = auth ? options.tokens[auth[1]!] : undefined;
      requests.push({ method: req.method ?? '', path: url.pathname + url.search, authorized: grant !== undefined });
      if (!grant) return send(res, 401, { message: 'Bad credentials' });

      const ref = /^\/repos\/([^/]+)\/([^/]+)\/git\/ref\/heads\/(.+)$/.exec(url.pathname);
      if (ref && req.method === 'GET') {
        const sha = branches.get(`${ref[1]}/${ref[2]}:${decodeURIComponent(ref[3]!)}`);
        if (!sha) return send(res, 404, { message: 'Not Found' });
        return send(res, 200, { ref: `refs/heads/${decodeURIComponent(ref[3]!)}`, object: { sha, type: 'commit' } });
      }
      let m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
      if (m && req.method === 'GET') {
        const [o, r, n] = [m[1]!, m[2]!, Number(m[3])];
        const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)));
        const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
        const all = list(o, r, n);
        const items = all.slice((page - 1) * perPage, page * perPage).map((c) => view(o, r, n, c));
        const headers: Record<string, string> = {};
        if (page * perPage < all.length) {
          const next = new URL(url);
          next.searchParams.set('page', String(page + 1));
          const last = new URL(url);
          last.searchParams.set('page', String(Math.ceil(all.length / perPage)));
          headers['link'] = `<${next.href}>; rel="next", <${last.href}>; rel="last"`;
        }
        return send(res, 200, items, headers);
      }
      if (m && req.method === 'POST') {
        if (grant !== 'write') return send(res, 403, { message: 'Resource not accessible by integration' });
        const body = (await readBody(req)) as { body?: unknown };
        if (typeof body?.body !== 'string') return send(res, 422, { message: 'Invalid request: body is required' });
        const [o, r, n] = [m[1]!, m[2]!, Number(m[3])];
        return send(res, 201, view(o, r, n, add(o, r, n, body.body)));
      }
      m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (m && req.method === 'PATCH') {
        if (grant !== 'write') return send(res, 403, { message: 'Resource not accessible by integration' });
        const [o, r, id] = [m[1]!, m[2]!, Number(m[3])];
        for (const [k, comments] of store) {
          if (!k.startsWith(`${o}/${r}#`)) continue;
          const c = comments.find((x) => x.id === id);
          if (!c) continue;
          const body = (await readBody(req)) as { body?: unknown };
          if (typeof body?.body !== 'string') return send(res, 422, { message: 'Invalid request: body is required' });
          c.body = body.body;
          return send(res, 200, view(o, r, Number(k.split('#')[1]), c));
        }
        return send(res, 404, { message: 'Not Found' });
      }
      return send(res, 404, { message: 'Not Found' });
    })().catch((e: unknown) => send(res, 500, { message: String(e) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    comments: list,
    addComment: add,
    setBranch: (o, r, b, sha) => void branches.set(`${o}/${r}:${b}`, sha),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
