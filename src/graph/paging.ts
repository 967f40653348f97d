/** Reads every page of a Graph collection by following `@odata.nextLink` verbatim. */
import type { Graph } from './client.js';
import { GuestopsError } from '../errors.js';

export interface Page<T> {
  readonly value?: readonly T[];
  readonly '@odata.nextLink'?: string;
  readonly '@odata.count'?: number;
}

export interface ListOptions<T> {
  readonly headers?: Readonly<Record<string, string>>;
  /** Stops a server that loops its nextLink. Default 10,000 pages. */
  readonly maxPages?: number;
  /** Called after each page (progress lines, `@odata.count`). */
  readonly onPage?: (page: Page<T>, itemsSoFar: number, pages: number) => void;
}

export async function listAll<T>(graph: Graph, path: string, options: ListOptions<T> = {}): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined = path;
  let pages = 0;
  const maxPages = options.maxPages ?? 10_000;
  while (next !== undefined) {
    if (pages >= maxPages) {
      throw new GuestopsError('graph-paging-runaway', `Graph kept returning @odata.nextLink after ${maxPages} pages of ${path}`);
    }
    const r: { body: Page<T> | null } = await graph.call<Page<T> | null>({ method: 'GET', path: next, ...(options.headers ? { headers: options.headers } : {}) });
    pages++;
    const page = r.body ?? {};
    if (Array.isArray(page.value)) items.push(...page.value);
    options.onPage?.(page, items.length, pages);
    const link = page['@odata.nextLink'];
    next = typeof link === 'string' && link !== '' ? link : undefined;
  }
  return items;
}
