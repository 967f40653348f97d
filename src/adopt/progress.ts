/**
 * Progress of a long bulk read on stderr, for tenants where it takes a while:
 *   guestops import: 2997/3120 guests read (1,843/s)
 * Graph gives a total only to advanced queries ($count); without one the line shows the count
 * and the rate. One line per page: logs in CI stay readable, and a terminal shows it moving.
 */
export interface ProgressSink {
  write(text: string): unknown;
}

export class Progress {
  private readonly started: number;

  constructor(
    private readonly sink: ProgressSink,
    private readonly label: string,
    private readonly noun: string,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.started = clock();
  }

  line(read: number, total: number | null): string {
    const seconds = Math.max((this.clock() - this.started) / 1000, 0.001);
    const rate = Math.round(read / seconds).toLocaleString('en-US');
    const count = total === null ? `${read}` : `${read}/${total}`;
    return `${this.label}: ${count} ${this.noun} read (${rate}/s)`;
  }

  update(read: number, total: number | null): void {
    this.sink.write(this.line(read, total) + '\n');
  }
}
