/**
 * The tenant-wide apply lock, arbitrated by Graph itself.
 *
 * Graph has no compare-and-swap on users, but it keeps an application's `uniqueName` unique:
 * `PATCH /applications(uniqueName='guestops-apply-lock')` with `Prefer: create-if-missing`
 * (application-upsert.md) answers 201 to exactly one caller — the one that created the object —
 * and 204 (an update) to every other. The 201 is the lock; its response carries the object id, so
 * the holder alone can record itself in `notes`, renew its lease there and delete the object by id
 * when it ends (application-delete.md, then directory-deleteditems-delete.md: a deleted
 * application keeps its uniqueName while in deleted items).
 *
 * Consistency: the holder waits until its last write to users and invitations is older than the
 * consistency window before it releases the lock, so the next holder never plans from a replica
 * that has not seen this run's writes. A lock just created or just deleted may answer 404 to a
 * reader for the window; those answers are re-asked there (consistency.ts), never concluded from.
 *
 * Permissions: Application.ReadWrite.OwnedBy (an app-only caller owns what it created) or
 * Application.ReadWrite.All.
 */
import { GuestopsError } from '../errors.js';
import { toGraphError, type Graph, type GraphResponse } from './client.js';
import { retryStale } from './consistency.js';
import { odataString } from './odata.js';
import { listAll } from './paging.js';
import {
  APPLY_LOCK_BODY, APPLY_LOCK_UNIQUE_NAME, describeLock, formatHolder, leaseEndsAt, lockObjectFrom, type LockObject,
} from './apply-lock-record.js';

const LOCK_PATH = `/applications(uniqueName=${encodeURIComponent(odataString(APPLY_LOCK_UNIQUE_NAME))})`;
const SELECT = '$select=id,createdDateTime,notes';

export interface LockOptions {
  readonly runId: string;
  /** How long the lock is held without renewal (GUESTOPS_LEASE_SECONDS). */
  readonly leaseMs: number;
  /** How long to keep trying while another live run holds the lock (--lock-timeout). */
  readonly timeoutMs: number;
  /** Told of what the lock does that a user should see (a stale lock removed, a wait). */
  readonly onEvent?: (line: string) => void;
}

export interface HeldLock {
  readonly id: string;
  /** Extends the lease (the holder's `notes`); failures are reported, never thrown. */
  renew(): Promise<void>;
  /**
   * Waits out the consistency window after this run's last directory write, then deletes the
   * lock for good. Resolves with an error line when the lock could not be removed.
   */
  release(): Promise<string | null>;
}

/** Reads the lock object as a reader sees it now: null when (as far as this replica knows) none exists. */
export async function readApplyLock(graph: Graph): Promise<LockObject | null> {
  const r = await graph.send({ method: 'GET', path: `${LOCK_PATH}?${SELECT}` });
  if (r.status === 404) return null;
  if (r.status === 403) throw lockDenied(r);
  if (r.status < 200 || r.status > 299) throw toGraphError(r);
  const lock = lockObjectFrom(r.body);
  if (!lock) throw new GuestopsError('apply-lock-unreadable', `Graph returned the apply lock without an id (request-id ${r.requestId ?? 'unknown'})`);
  return lock;
}

function lockDenied(r: GraphResponse): GuestopsError {
  return new GuestopsError(
    'apply-lock-denied',
    `the identity may not create or read the tenant's apply lock (application '${APPLY_LOCK_UNIQUE_NAME}'): Graph answered ${r.status} ` +
      `(request-id ${r.requestId ?? 'unknown'}; a lock created by another identity answers so too: 'guestops unlock' as that identity shows it). Grant the apply app Application.ReadWrite.OwnedBy (docs/setup.md), or run with --no-lock ` +
      `only where something else guarantees one apply at a time (a CI concurrency group)`,
  );
}

/** Graph's refusal while a deleted lock still holds the name (see the emulator's application-lifecycle.ts). */
function nameReserved(r: GraphResponse): boolean {
  if (r.status !== 400) return false;
  const message = (r.body as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === 'string' && /same value for property uniqueName/i.test(message);
}

/**
 * Takes the tenant's apply lock, or throws `apply-locked` naming the run that holds it. A lock
 * whose lease has ended (its run died) is removed and taken; so is one this same run id holds (a
 * re-run of an interrupted CI run resumes at once).
 */
export async function acquireApplyLock(graph: Graph, options: LockOptions): Promise<HeldLock> {
  const c = graph.consistency;
  const startedAt = c.now();
  let announcedWait = false;
  // How often the lock vanished between our create-or-update (204) and our read of it: its holder
  // released it meanwhile, so the create is tried again — a few times, never for ever.
  let vanished = 0;
  for (;;) {
    const r = await graph.send({ method: 'PATCH', path: LOCK_PATH, headers: { Prefer: 'create-if-missing' }, body: APPLY_LOCK_BODY });
    const attemptAt = c.now();
    if (r.status === 201) {
      const created = lockObjectFrom(r.body);
      if (!created) throw new GuestopsError('apply-lock-unreadable', `Graph created the apply lock but returned no id (request-id ${r.requestId ?? 'unknown'})`);
      const held = heldLock(graph, created.id, attemptAt, options);
      await held.renew();
      return held;
    }
    if (r.status === 403) throw lockDenied(r);
    let current: LockObject | null = null;
    if (r.status === 204) {
      current = await retryStale(c, attemptAt, () => readApplyLock(graph), (l) => l === null);
      if (current === null && vanished++ < 3) continue;
    } else if (nameReserved(r)) {
      // A deleted lock still holds the name: its holder released it (or died between deleting
      // and purging it), so purging it is always safe. The deletion may not be listed yet.
      const deleted = await retryStale(c, attemptAt, () => findDeletedLocks(graph), (ids) => ids.length === 0);
      for (const id of deleted) await purgeDeleted(graph, id);
      if (deleted.length > 0) {
        options.onEvent?.(`guestops apply: purged a released apply lock from deleted items (lock id ${deleted.join(', ')})`);
        continue;
      }
    } else {
      throw toGraphError(r);
    }
    const now = c.now();
    if (current?.holder?.run === options.runId) {
      options.onEvent?.(`guestops apply: this run (${options.runId}) already holds the apply lock (lock id ${current.id}); resuming`);
      const held = heldLock(graph, current.id, Date.parse(current.createdDateTime ?? '') || now, options);
      await held.renew();
      return held;
    }
    if (current && leaseEndsAt(current, options.leaseMs, now) <= now) {
      options.onEvent?.(`guestops apply: removing a stale apply lock: ${describeLock(current, options.leaseMs, now)}`);
      // Created long ago: a 404 now means another run removed it already, not replication lag.
      await removeLock(graph, current.id, Date.parse(current.createdDateTime ?? '') || now - c.windowMs);
      continue;
    }
    // Held by a live run, or (no current) its name is still reserved by a deleted lock.
    if (now - startedAt >= options.timeoutMs) {
      const what = current
        ? `another apply holds the tenant's apply lock: ${describeLock(current, options.leaseMs, now)}`
        : `the tenant's apply lock is being released (its name is still reserved by a deleted lock)`;
      throw new GuestopsError(
        'apply-locked',
        `${what}; nothing was written. Wait for it (--lock-timeout SECONDS waits), or, if that run is dead: guestops unlock${current ? ` ${current.id}` : ''}`,
        current ? { lockId: current.id } : undefined,
      );
    }
    if (!announcedWait) {
      announcedWait = true;
      options.onEvent?.(`guestops apply: waiting up to ${Math.round(options.timeoutMs / 1000)}s for the apply lock: ${current ? describeLock(current, options.leaseMs, now) : 'being released'}`);
    }
    await c.sleep(Math.min(2_000, Math.max(100, startedAt + options.timeoutMs - now)));
  }
}

function heldLock(graph: Graph, id: string, createdAt: number, options: LockOptions): HeldLock {
  const c = graph.consistency;
  const path = `/applications/${encodeURIComponent(id)}`;
  // Renewed at a third of the lease, so two renewals can fail before it ends; the timer never
  // keeps the process alive.
  // renew() reports Graph's refusals itself; a request that got no answer at all rejects, and
  // must not become an unhandled rejection that ends the apply mid-guest.
  const renewQuietly = () =>
    void held.renew().catch((e: unknown) => options.onEvent?.(`guestops apply: could not renew the apply lock (lock id ${id}): ${e instanceof Error ? e.message : String(e)}`));
  const timer = options.leaseMs >= 3_000 ? setInterval(renewQuietly, Math.floor(options.leaseMs / 3)) : undefined;
  timer?.unref();
  let released = false;
  const held: HeldLock = {
    id,
    async renew() {
      if (released) return;
      const until = new Date(c.now() + options.leaseMs).toISOString();
      // Right after the creation a replica may not know the object yet: a 404 is re-sent.
      const r = await retryStale(c, createdAt, () => graph.send({ method: 'PATCH', path, body: { notes: formatHolder({ run: options.runId, until }) } }), (x) => x.status === 404);
      if (r.status < 200 || r.status > 299) {
        options.onEvent?.(`guestops apply: could not record this run on the apply lock (lock id ${id}): ${toGraphError(r).message}`);
      }
    },
    async release() {
      released = true;
      if (timer) clearInterval(timer);
      const last = graph.lastWriteAt();
      const wait = last === null ? 0 : last + c.windowMs - c.now();
      if (wait > 0) {
        if (wait >= 2_000) options.onEvent?.(`guestops apply: holding the apply lock ${Math.ceil(wait / 1000)}s more, until every replica has this run's last write`);
        await c.sleep(wait);
      }
      try {
        await removeLock(graph, id, createdAt);
        return null;
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        return `guestops apply: the apply lock was not removed (${why}); it ends with its lease, or remove it now: guestops unlock ${id}`;
      }
    },
  };
  return held;
}

/** Ids of deleted applications holding the lock's uniqueName (deleted items are few: paged through). */
async function findDeletedLocks(graph: Graph): Promise<string[]> {
  const deleted = await listAll<{ id?: unknown; uniqueName?: unknown }>(graph, '/directory/deletedItems/microsoft.graph.application?$select=id,uniqueName&$top=999', { maxPages: 100 });
  return deleted.flatMap((a) => (typeof a.id === 'string' && typeof a.uniqueName === 'string' && a.uniqueName.toLowerCase() === APPLY_LOCK_UNIQUE_NAME ? [a.id] : []));
}

/** A delete answered 2xx, or 404 (gone already); anything else is the lock's error. */
function deletedOrGone(r: GraphResponse): void {
  if (r.status === 403) throw lockDenied(r);
  if (r.status !== 404 && (r.status < 200 || r.status > 299)) throw toGraphError(r);
}

const purgeOnce = (graph: Graph, id: string) => graph.send({ method: 'DELETE', path: `/directory/deletedItems/${encodeURIComponent(id)}` });

async function purgeDeleted(graph: Graph, id: string): Promise<void> {
  deletedOrGone(await purgeOnce(graph, id));
}

/**
 * Deletes the lock by id and then from deleted items (the name stays reserved until then). Each
 * 404 inside the window after `since` may be a replica that does not see the object (or its
 * deletion) yet, so it is re-sent; a 404 past the window means it is gone already.
 */
export async function removeLock(graph: Graph, id: string, since: number): Promise<void> {
  const c = graph.consistency;
  const seg = encodeURIComponent(id);
  const del = await retryStale(c, since, () => graph.send({ method: 'DELETE', path: `/applications/${seg}` }), (r) => r.status === 404);
  deletedOrGone(del);
  // Our own deletion may not have replicated to deleted items yet: its 404 is re-sent in the
  // window. When the object was gone already, another run deleted it: one attempt to purge.
  if (del.status === 404) return purgeDeleted(graph, id);
  deletedOrGone(await retryStale(c, c.now(), () => purgeOnce(graph, id), (r) => r.status === 404));
}
