/**
 * Ctrl-C and SIGTERM during apply. A guest's steps (profile + intent → reset → marker) are only
 * safe to stop between guests, so:
 *   first signal   abort `signal`: apply starts no new guest, the ones in flight finish their
 *                  step sequence, then the command writes its summary and report and exits 130;
 *   second signal  stop at once (exit 130), naming the guests still in flight and how many were
 *                  never started: their intents hold them until the printed command resumes.
 * Without this, Node's default handler killed the process mid-guest with no word of what was done.
 */
export interface Interrupt {
  /** Aborted at the first signal; the apply loop checks it before starting a guest. */
  readonly signal: AbortSignal;
  /** The first signal's name, once one arrived. */
  readonly received: () => NodeJS.Signals | undefined;
  /** Marks a guest as started / finished, for the second signal's message. */
  started(who: string): void;
  finished(who: string): void;
  /** Removes the handlers (the command is done). */
  dispose(): void;
}

export interface InterruptOptions {
  readonly stderr?: { write(text: string): unknown };
  /** How many guests the apply will start in all (for the "not started" count). */
  readonly total: () => number;
  /** The command that resumes this run. */
  readonly resumeCommand: string;
  /** Exits the process (tests of the module pass their own). */
  readonly exit?: (code: number) => never;
}

export const INTERRUPTED_EXIT_CODE = 130;
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export function onInterrupt(options: InterruptOptions): Interrupt {
  const stderr = options.stderr ?? process.stderr;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const controller = new AbortController();
  const inFlight = new Set<string>();
  let done = 0;
  let first: NodeJS.Signals | undefined;

  const handler = (sig: NodeJS.Signals) => {
    if (first === undefined) {
      first = sig;
      controller.abort();
      stderr.write(
        `guestops apply: ${sig}: starting no new guest; waiting for ${inFlight.size} in flight to finish their steps ` +
          `(send ${sig} again to stop at once)\n`,
      );
      return;
    }
    const notStarted = Math.max(0, options.total() - done - inFlight.size);
    const names = [...inFlight];
    stderr.write(
      `guestops apply: ${sig} again: stopping now. Left: ${names.length} guest(s) in flight` +
        `${names.length ? ` (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''})` : ''}, ` +
        `${notStarted} not started. A guest in flight is held by its intent, and the tenant by this run's apply lock, until this run resumes: ${options.resumeCommand}\n`,
    );
    exit(INTERRUPTED_EXIT_CODE);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    signal: controller.signal,
    received: () => first,
    started: (who) => void inFlight.add(who),
    finished: (who) => {
      inFlight.delete(who);
      done++;
    },
    dispose: () => {
      for (const s of SIGNALS) process.off(s, handler);
    },
  };
}
