/** Runs `fn` over items with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * A counting semaphore whose waiters are served in arrival order, a guest resuming after a wait
 * before a guest not started yet (started work finishes first, keeping the guests in progress few).
 */
export class Slots {
  private free: number;
  private readonly resuming: (() => void)[] = [];
  private readonly starting: (() => void)[] = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  take(kind: 'start' | 'resume'): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => (kind === 'resume' ? this.resuming : this.starting).push(resolve));
  }

  /** Hands the slot to the next waiter, or frees it. */
  give(): void {
    const next = this.resuming.shift() ?? this.starting.shift();
    if (next) next();
    else this.free++;
  }
}
