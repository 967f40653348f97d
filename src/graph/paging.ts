/** Reads every page of a Graph collection by following `@odata.nextLink` verbatim. */
import type { Graph } from './client.js';
import { GuestopsError } from '../errors.js';

export interface Page<T> {
  readonly value?: readonly T[];
  readonly '@odata.nextLink'?: string;
}

export interface ListAllResult<T> {
  readonly items: T[];
  /** Requests made (one per page). */
  readonly requests: number;
}

/** Stops at `maxPages` so a server that loops its nextLink cannot hang guestops. */
export async function listAll<T>(
  graph: Graph,
  path: string,
  options: { headers?: Readonly<Record<string, string>>; maxPages?: number } = {},
): Promise<ListAllResult<T>> {
  const items: T[] = [];
  let next: string | undefined = path;
  let requests = 0;
  const maxPages = options.maxPages ?? 10_000;
  while (next !== undefined) {
    if (requests >= maxPages) {
      throw new GuestopsError('graph-paging-runaway', `Graph kept returning @odata.nextLink after ${maxPages} pages of ${path}`);
    }
    const r: { body: Page<T> } = await graph.call<Page<T>>({ method: 'GET', path: next, ...(options.headers ? { headers: options.headers } : {}) });
    requests++;
    const page = r.body;
    if (Array.isArray(page?.value)) items.push(...page.value);
    const link = page?.['@odata.nextLink'];
    next = typeof link === 'string' && link !== '' ? link : undefined;
  }
  return { items, requests };
}
