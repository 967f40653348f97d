/**
 * Replication lag: Entra ID is eventually consistent ("Designing for eventual consistency for
 * Microsoft Entra", Microsoft identity blog; GRAPH.md § Eventual consistency). A successful write
 * does not mean the next read sees it: a replica that has not caught up serves the object as it
 * was, and a just-created object answers 404. Reported against exactly guestops' sequence: PATCH
 * mail then an immediate reset answered "…doesn't match any emails on the user object…"
 * (msgraph-beta-sdk-dotnet #394, azure-docs #86773); a PATCH right after an invitation answered 404
 * (microsoft-graph-docs #15839, microsoft-graph-docs-contrib #2465).
 *
 * The model is deterministic (no randomness, one clock): every write records (time, object, the
 * previous values of the properties it changed); a read at time t sees the writes made up to
 * t - lag, so for each property it shows the previous value recorded by the EARLIEST write still
 * inside the lag. Every reader — by id, list page, `$filter`, inside `$batch` — sees the same view
 * (real replicas differ per request; one lagging view is the stricter, reproducible choice). Only
 * objects written within the lag are tracked, so a read costs one map lookup per object and the
 * set of lagging objects is O(changed objects), never O(tenant). Writes themselves are arbitrated
 * against the true state (the directory's primary), which the control plane shows.
 */

/**
 * What a reset does to `externalUserStateChangeDateTime` of a guest that is already
 * PendingAcceptance. user.md defines it as "timestamp for the latest change to the
 * externalUserState"; whether a reset that leaves the state PendingAcceptance counts as a change
 * is undocumented, so the seed chooses: `always` (every reset moves it) or `on-state-change`.
 */
export type ChangeTimeRule = 'always' | 'on-state-change';
export const CHANGE_TIME_RULES: readonly ChangeTimeRule[] = ['always', 'on-state-change'];

export interface ConsistencySettings {
  /** How long after a write readers still see the object as it was (0: strongly consistent). */
  replicationLagMs: number;
  changeTimeRule: ChangeTimeRule;
}

/** The emulator's defaults: strongly consistent, a reset always moves the change time. */
export const DEFAULT_CONSISTENCY: ConsistencySettings = { replicationLagMs: 0, changeTimeRule: 'always' };

/** Largest lag accepted anywhere (an hour: far beyond Microsoft's "typically seconds"). */
export const MAX_REPLICATION_LAG_MS = 3_600_000;

/** Milliseconds on a monotonic clock; tests may inject their own. */
export type Clock = () => number;

/** Settings, clock and the count of stale answers shared by every lagged collection. */
export class Replication {
  /** Objects a read saw in a lagging state (old values, or missing because just created). */
  staleReads = 0;

  constructor(
    readonly settings: ConsistencySettings,
    readonly now: Clock = () => performance.now(),
  ) {}

  get lagMs(): number {
    return this.settings.replicationLagMs;
  }
}

/** Marks a property that did not exist before the write. */
const ABSENT: unique symbol = Symbol('absent');

interface Write {
  readonly at: number;
  /** The object was created by this write: invisible until it replicates. */
  readonly created: boolean;
  /** Changed property → its value before the write. */
  readonly previous: ReadonlyMap<string, unknown>;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One kind of directory object (users, applications) under the shared replication model. */
export class LaggedCollection<R extends object> {
  private readonly pending = new Map<R, Write[]>();
  /** Every tracked write in time order; `head` is the first not yet replicated. */
  private queue: { at: number; rec: R }[] = [];
  private head = 0;

  constructor(
    private readonly replication: Replication,
    private readonly dataOf: (rec: R) => Record<string, unknown>,
  ) {}

  /** Call when an object is created: readers get 404 / miss it in lists for the lag. */
  created(rec: R): void {
    this.record(rec, { at: this.replication.now(), created: true, previous: new Map() });
  }

  /** Call BEFORE applying `changes`: remembers the previous value of each property that changes. */
  changing(rec: R, changes: Readonly<Record<string, unknown>>): void {
    if (this.replication.lagMs <= 0) return;
    const data = this.dataOf(rec);
    const previous = new Map<string, unknown>();
    for (const [k, v] of Object.entries(changes)) {
      const before = Object.prototype.hasOwnProperty.call(data, k) ? data[k] : ABSENT;
      if (before !== ABSENT && same(before, v)) continue;
      // Writes replace values (never mutate them), but a clone keeps the old view immune to that.
      previous.set(k, before === ABSENT ? ABSENT : structuredClone(before));
    }
    if (previous.size > 0) this.record(rec, { at: this.replication.now(), created: false, previous });
  }

  private record(rec: R, w: Write): void {
    if (this.replication.lagMs <= 0) return;
    this.prune();
    const list = this.pending.get(rec);
    if (list) list.push(w);
    else this.pending.set(rec, [w]);
    this.queue.push({ at: w.at, rec });
  }

  /** Drops writes every replica has by now. Amortised O(1) per write. */
  private prune(): void {
    if (this.pending.size === 0) return;
    const cutoff = this.replication.now() - this.replication.lagMs;
    while (this.head < this.queue.length && this.queue[this.head]!.at <= cutoff) {
      const { rec } = this.queue[this.head++]!;
      const list = this.pending.get(rec);
      list?.shift();
      if (list && list.length === 0) this.pending.delete(rec);
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * The object as a reader sees it now: its true data when no write is inside the lag, a copy with
   * the changed properties as they were, or undefined when it was created inside the lag.
   */
  visible(rec: R): Record<string, unknown> | undefined {
    const data = this.dataOf(rec);
    if (this.pending.size === 0) return data;
    this.prune();
    const writes = this.pending.get(rec);
    if (!writes) return data;
    this.replication.staleReads++;
    if (writes.some((w) => w.created)) return undefined;
    const view: Record<string, unknown> = { ...data };
    const seen = new Set<string>();
    for (const w of writes) {
      for (const [k, v] of w.previous) {
        if (seen.has(k)) continue;
        seen.add(k);
        if (v === ABSENT) delete view[k];
        else view[k] = v;
      }
    }
    return view;
  }

  /** Objects with a write inside the lag (their lagged view may match queries the truth does not). */
  lagging(): R[] {
    this.prune();
    return [...this.pending.keys()];
  }

  /** Writes not yet replicated (for the control plane). */
  get pendingWrites(): number {
    this.prune();
    return this.queue.length - this.head;
  }
}

/** Checks a partial settings object (seed root, control plane body): the settings or the bad field. */
export function checkConsistencySettings(
  data: Record<string, unknown>,
): { ok: Partial<ConsistencySettings> } | { field: string; problem: string } {
  const out: Partial<ConsistencySettings> = {};
  const lag = data['replicationLagMs'];
  if (lag !== undefined) {
    if (typeof lag !== 'number' || !Number.isInteger(lag) || lag < 0 || lag > MAX_REPLICATION_LAG_MS) {
      return { field: 'replicationLagMs', problem: `must be an integer 0..${MAX_REPLICATION_LAG_MS} (milliseconds)` };
    }
    out.replicationLagMs = lag;
  }
  const rule = data['changeTimeRule'];
  if (rule !== undefined) {
    if (typeof rule !== 'string' || !(CHANGE_TIME_RULES as readonly string[]).includes(rule)) {
      return { field: 'changeTimeRule', problem: `must be one of ${CHANGE_TIME_RULES.join(', ')}` };
    }
    out.changeTimeRule = rule as ChangeTimeRule;
  }
  return { ok: out };
}
