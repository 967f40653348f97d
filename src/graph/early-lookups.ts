/**
 * The lookups of observe that follow from one listed user each, sent while the rest of the guest
 * list is still being read:
 * - the holders of an address a declared guest changes to (its user's `mail` differs from the
 *   declared email): the planner blocks an address another user already carries;
 * - the extension attributes of a declared user without a marker where guestops looks
 *   (attribute-markers.ts).
 *
 * Why early: sent only after the last page, they were the longest wait of a large plan against
 * Graph. At 50,000 guests with 2 % email changes they were 236 inner requests in 12 `$batch`es,
 * each about 0.9 s under the emulator's `graph` model, after a listing whose connections had
 * been idle most of its 1.5 s. Here every page is checked as it arrives, and a `$batch` goes out
 * as soon as one is full (20 inner requests: 150 addresses, or 300 ids), so the batches cost the
 * same requests as before and only the remainder waits for the end of the list.
 *
 * Correct by construction: what must be read is still computed from the final list (`finish`
 * is given the exact addresses and ids); a page only ever sends earlier what that list will ask
 * for, or — when a page is superseded (partitions thrown away by the completeness check, a guest
 * listed twice) — more. More is harmless: an unused attribute bag is never read, and holders are
 * kept only when they carry an address of the final list. Holders come back in whatever order
 * the batches answered, so they are returned sorted by id: the same plan on every run.
 */
import type { DesiredGuest } from '../desired/types.js';
import type { Graph } from './client.js';
import { BATCH_CONCURRENCY, MAX_BATCH, batchGet, type BatchGet, type BatchResult } from './batch.js';
import { GraphError, graphErrorFields } from './graph-error.js';
import { odataString, withQuery } from './odata.js';
import { IN_VALUES, readExtensionAttributes } from './attribute-markers.js';
import type { MarkerProperty } from './marker-property.js';

/** Addresses per holder lookup: Graph allows 15 values in `in` and 15 expressions per clause. */
export const ADDRESS_LOOKUP_CHUNK = 15;

/** A full `$batch` of holder lookups: two requests (mail, otherMails) per chunk of 15. */
const ADDRESSES_PER_BATCH = (MAX_BATCH / 2) * ADDRESS_LOOKUP_CHUNK;
/** A full `$batch` of attribute reads: 15 ids per request. */
const IDS_PER_BATCH = MAX_BATCH * IN_VALUES;

type RawUser = Record<string, unknown>;

/** The declared emails (normalised) a listed user is declared with: by id, or by UPN alone. */
export interface Declarations {
  readonly emailsById: ReadonlyMap<string, readonly string[]>;
  readonly emailsByUpn: ReadonlyMap<string, readonly string[]>;
}

export function declarationsOf(guests: readonly DesiredGuest[]): Declarations {
  const emailsById = new Map<string, string[]>();
  const emailsByUpn = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, email: string) => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [email]);
    else list.push(email);
  };
  for (const g of guests) {
    const email = g.email.trim().toLowerCase();
    // Matched as observe matches: by id when there is one, else by UPN (match.ts).
    if (g.id !== undefined) add(emailsById, g.id.toLowerCase(), email);
    else if (g.upn !== undefined) add(emailsByUpn, g.upn.toLowerCase(), email);
  }
  return { emailsById, emailsByUpn };
}

/** The lookups of users carrying any of `addresses` in `mail` or `otherMails` (default queries). */
export function holderLookups(addresses: readonly string[], select: string): BatchGet[] {
  const gets: BatchGet[] = [];
  for (let i = 0; i < addresses.length; i += ADDRESS_LOOKUP_CHUNK) {
    const chunk = addresses.slice(i, i + ADDRESS_LOOKUP_CHUNK).map(odataString);
    for (const filter of [`mail in (${chunk.join(',')})`, chunk.map((a) => `otherMails/any(m:m eq ${a})`).join(' or ')]) {
      gets.push({ url: withQuery('/users', { $filter: filter, $select: select }) });
    }
  }
  return gets;
}

export interface FinishedLookups {
  /** The answers to the caller's `gets`, in their order: each 2xx or 404 (any other status is thrown). */
  readonly gets: readonly BatchResult[];
  /** Users carrying an address of `changing`, sorted by id. */
  readonly holders: readonly RawUser[];
  /** Attribute bags by lower-cased id, of at least every id asked for. */
  readonly bags: ReadonlyMap<string, Record<string, unknown>>;
  /** Lower-cased ids whose bags were read (found or not). */
  readonly bagsRead: ReadonlySet<string>;
}

export class EarlyLookups {
  /** Queued or sent: a page never asks twice. */
  private readonly addressesSeen = new Set<string>();
  private readonly idsSeen = new Set<string>();
  private readonly addressesSent = new Set<string>();
  private readonly idsSent = new Set<string>();
  private addressQueue: string[] = [];
  private idQueue: string[] = [];
  private readonly holders = new Map<string, RawUser>();
  private readonly bags = new Map<string, Record<string, unknown>>();
  private readonly running = new Set<Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  private failure: { error: unknown } | undefined;

  /**
   * `select`: what a holder lookup selects. `marker`: the property guestops reads its marker from,
   * when declared users without one get their extension attributes read (else none are).
   */
  constructor(
    private readonly graph: Graph,
    private readonly declarations: Declarations,
    private readonly select: string,
    private readonly marker: MarkerProperty | undefined,
  ) {}

  /** One page of listed users: queues what they need, sends every batch that is full. */
  see(users: readonly unknown[]): void {
    const { emailsById, emailsByUpn } = this.declarations;
    for (const raw of users) {
      if (typeof raw !== 'object' || raw === null) continue;
      const u = raw as RawUser;
      const rawId = u['id'];
      const id = typeof rawId === 'string' ? rawId.toLowerCase() : undefined;
      // One map lookup per listed user where it can: a page is seen while the listing runs, and
      // at 100,000 guests every extra lookup here was ~0.1 s of the plan's CPU. A user found by
      // id is not also looked up by UPN: a second entry declaring the same user by UPN alone
      // (which no file check can tell) only has its lookups sent by `finish` instead.
      let emails = id === undefined ? undefined : emailsById.get(id);
      if (emails === undefined && emailsByUpn.size > 0) {
        const upn = u['userPrincipalName'];
        if (typeof upn === 'string') emails = emailsByUpn.get(upn.toLowerCase());
      }
      if (emails === undefined) continue;
      const mail = typeof u['mail'] === 'string' ? u['mail'].trim().toLowerCase() : undefined;
      for (const email of emails) {
        if (email !== mail && !this.addressesSeen.has(email)) {
          this.addressesSeen.add(email);
          this.addressQueue.push(email);
        }
      }
      if (this.marker !== undefined && id !== undefined && this.marker.read(u) === null && !this.idsSeen.has(id)) {
        this.idsSeen.add(id);
        this.idQueue.push(rawId as string);
      }
    }
    while (this.addressQueue.length >= ADDRESSES_PER_BATCH) this.sendAddresses(this.addressQueue.splice(0, ADDRESSES_PER_BATCH));
    while (this.idQueue.length >= IDS_PER_BATCH) this.sendIds(this.idQueue.splice(0, IDS_PER_BATCH));
  }

  /**
   * After the list: sends the caller's `gets` and whatever of `changing` and `unmarkedIds` was not
   * sent yet (a queue short of a full batch is dropped: the final list decides what is still
   * needed), and waits for every lookup. The first failure is thrown once nothing is running.
   */
  async finish(changing: ReadonlySet<string>, unmarkedIds: readonly string[], gets: readonly BatchGet[]): Promise<FinishedLookups> {
    const addresses = [...changing].filter((a) => !this.addressesSent.has(a));
    const ids = unmarkedIds.filter((id) => !this.idsSent.has(id.toLowerCase()));
    for (const id of ids) this.idsSent.add(id.toLowerCase());
    const holderGets = holderLookups(addresses, this.select);
    const lookups = batchGet(this.graph, [...gets, ...holderGets]);
    const attributes = ids.length > 0 ? readExtensionAttributes(this.graph, ids) : Promise.resolve(new Map<string, Record<string, unknown>>());
    const [answered, read] = await Promise.allSettled([lookups, attributes, ...this.running]);
    // Failures in a fixed order (the lookups, then the attribute reads, then a page's), whichever
    // came first in time: the same error for the same fault on every run.
    if (answered!.status === 'rejected') throw answered!.reason;
    const results = answered!.value as BatchResult[];
    results.slice(0, gets.length).forEach((res, i) => {
      if (res.status !== 404) failOnError(res, gets[i]!.url); // 404: not found, the planner blocks it
    });
    results.slice(gets.length).forEach((res, i) => this.keepHolders(res, holderGets[i]!.url));
    if (read!.status === 'rejected') throw read!.reason;
    if (this.failure !== undefined) throw this.failure.error;
    for (const [id, bag] of read!.value as Map<string, Record<string, unknown>>) this.bags.set(id, bag);
    // A superseded page may have asked for an address the final list does not change to.
    const extra = [...this.addressesSent].some((a) => !changing.has(a));
    const holders = [...this.holders.entries()]
      .filter(([, u]) => !extra || carriesAny(u, changing))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, u]) => u);
    return { gets: results.slice(0, gets.length), holders, bags: this.bags, bagsRead: this.idsSent };
  }

  /** Waits for every lookup already sent (the listing failed: nothing may be left running). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private sendAddresses(addresses: readonly string[]): void {
    for (const a of addresses) this.addressesSent.add(a);
    const gets = holderLookups(addresses, this.select);
    this.track(async () => {
      const results = await batchGet(this.graph, gets);
      results.forEach((res, i) => this.keepHolders(res, gets[i]!.url));
    });
  }

  private sendIds(ids: readonly string[]): void {
    for (const id of ids) this.idsSent.add(id.toLowerCase());
    this.track(async () => {
      for (const [id, bag] of await readExtensionAttributes(this.graph, ids)) this.bags.set(id, bag);
    });
  }

  private keepHolders(res: BatchResult, url: string): void {
    failOnError(res, url);
    const value = ((res.body as { value?: unknown } | null)?.value ?? []) as RawUser[];
    for (const u of value) if (typeof u['id'] === 'string') this.holders.set(u['id'].toLowerCase(), u);
  }

  /** Runs `work` when one of BATCH_CONCURRENCY slots is free; its failure is kept for `finish`. */
  private track(work: () => Promise<void>): void {
    const run = (async () => {
      // A loop, not an if: a lookup sent between a slot's release and the waiter's resumption
      // may take the slot first.
      while (this.active >= BATCH_CONCURRENCY) await new Promise<void>((resolve) => this.waiting.push(resolve));
      this.active++;
      try {
        if (this.failure === undefined) await work();
      } catch (e) {
        this.failure ??= { error: e };
      } finally {
        this.active--;
        this.waiting.shift()?.();
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }
}

function failOnError(res: BatchResult, url: string): void {
  if (res.status >= 200 && res.status <= 299) return;
  const { graphCode, graphMessage } = graphErrorFields(res.body);
  throw new GraphError({ status: res.status, graphCode, graphMessage, requestId: res.requestId, method: 'GET', path: url });
}

function carriesAny(u: RawUser, addresses: ReadonlySet<string>): boolean {
  const all = [u['mail'], ...(Array.isArray(u['otherMails']) ? (u['otherMails'] as unknown[]) : [])];
  return all.some((a) => typeof a === 'string' && addresses.has(a.trim().toLowerCase()));
}
