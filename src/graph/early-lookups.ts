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
 * What is queued (in whole inner requests) is also sent each time the partitions still being
 * read have halved (22 of 44, then 11, 5, 2, 1): the pages still out are then the last pages of
 * the longest partitions, and only what they bring waits for the end of the list. At 50,000
 * guests the list's last wave (16 partitions' third pages) carries a few percent of the guests,
 * so the lookups after the last page shrink from two full `$batch`es (about 0.9 s each under the
 * emulator's model, whose `$batch` costs grow with the inner requests) to one small one. It
 * costs a few `$batch` requests more (about one per halving, their number depending on the order
 * the pages came in), and the same inner requests as before.
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
import { BatchSlots, MAX_BATCH, assertInnerOk, batchGet, type BatchGet, type BatchResult } from './batch.js';
import { odataString, withQuery } from './odata.js';
import { IN_VALUES, attributeReads, keepAttributeBags } from './attribute-markers.js';
import { LISTING_CONCURRENCY } from './guest-partitions.js';
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
  /** Attribute bags by lower-cased id: those found among the users read (and any read by a superseded page). */
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
  /** Every `$batch` these lookups send, `finish`'s included, holds one of these 16. */
  private readonly slots = new BatchSlots();
  private failure: { error: unknown } | undefined;
  /** The partitions-still-reading count at or under which the queues are sent next (halving). */
  private flushAt = Math.floor(LISTING_CONCURRENCY / 2);

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
    while (this.addressQueue.length >= ADDRESSES_PER_BATCH) this.send(this.addressQueue.splice(0, ADDRESSES_PER_BATCH), []);
    while (this.idQueue.length >= IDS_PER_BATCH) this.send([], this.idQueue.splice(0, IDS_PER_BATCH));
  }

  /**
   * The partitioned listing's progress: with `stillReading` partitions left, at or under half of
   * the count at the last send, whatever is queued goes out now (see above). Not at 0: then the
   * list is complete and `finish` sends the rest with the caller's lookups.
   */
  partitionDone(stillReading: number): void {
    if (stillReading === 0 || stillReading > this.flushAt) return;
    this.flushAt = Math.floor(stillReading / 2);
    // Whole inner requests only (15 values each; the rest waits): the inner requests, which are
    // what Graph's throttling counts, are then the same however the pages came in; only the
    // number of `$batch` envelopes depends on that. Both kinds share the envelopes.
    const addresses = this.addressQueue.splice(0, this.addressQueue.length - (this.addressQueue.length % ADDRESS_LOOKUP_CHUNK));
    const ids = this.idQueue.splice(0, this.idQueue.length - (this.idQueue.length % IN_VALUES));
    if (addresses.length > 0 || ids.length > 0) this.send(addresses, ids);
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
    const attributeGets = attributeReads(ids);
    const all = [...gets, ...holderGets, ...attributeGets];
    const lookups = all.length > 0 ? batchGet(this.graph, all, { slots: this.slots }) : Promise.resolve([]);
    const [answered] = await Promise.allSettled([lookups, ...this.running]);
    // Failures in a fixed order (these lookups — the caller's, the holders', the attribute reads'
    // — then a page's), whichever came first in time: the same error for the same fault on every run.
    if (answered!.status === 'rejected') throw answered!.reason;
    const results = answered!.value as BatchResult[];
    results.slice(0, gets.length).forEach((res, i) => {
      if (res.status !== 404) assertInnerOk(res, gets[i]!.url); // 404: not found, the planner blocks it
    });
    this.keepAnswers(results.slice(gets.length), holderGets, attributeGets);
    if (this.failure !== undefined) throw this.failure.error;
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

  /** Holder lookups of `addresses` and attribute reads of `ids`, in the same `$batch` requests. */
  private send(addresses: readonly string[], ids: readonly string[]): void {
    for (const a of addresses) this.addressesSent.add(a);
    for (const id of ids) this.idsSent.add(id.toLowerCase());
    const holderGets = holderLookups(addresses, this.select);
    const attributeGets = attributeReads(ids);
    this.track(async () => this.keepAnswers(await batchGet(this.graph, [...holderGets, ...attributeGets], { slots: this.slots }), holderGets, attributeGets));
  }

  /** Answers to `[...holderGets, ...attributeGets]`, in that order: holders first, then bags. */
  private keepAnswers(results: readonly BatchResult[], holderGets: readonly BatchGet[], attributeGets: readonly BatchGet[]): void {
    holderGets.forEach((get, i) => {
      const res = results[i]!;
      assertInnerOk(res, get.url);
      const value = ((res.body as { value?: unknown } | null)?.value ?? []) as RawUser[];
      for (const u of value) if (typeof u['id'] === 'string') this.holders.set(u['id'].toLowerCase(), u);
    });
    attributeGets.forEach((get, i) => keepAttributeBags(results[holderGets.length + i]!, get.url, this.bags));
  }

  /** Runs `work` unless a lookup already failed; its failure is kept for `finish`. */
  private track(work: () => Promise<void>): void {
    const run = (async () => {
      try {
        if (this.failure === undefined) await work();
      } catch (e) {
        this.failure ??= { error: e };
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }
}

function carriesAny(u: RawUser, addresses: ReadonlySet<string>): boolean {
  const all = [u['mail'], ...(Array.isArray(u['otherMails']) ? (u['otherMails'] as unknown[]) : [])];
  return all.some((a) => typeof a === 'string' && addresses.has(a.trim().toLowerCase()));
}
