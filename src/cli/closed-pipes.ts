/**
 * Output that outlives its reader. `guestops apply | head -1` closes stdout after one line; Node
 * then emits EPIPE as an 'error' event on process.stdout, and without a listener that event is an
 * uncaught exception that kills the process between two Graph requests — a guest's mail changed
 * and its reset never sent. guestops' output is a courtesy to whoever reads it, the work is what
 * matters: once a stream's reader is gone, further writes to it are dropped and the command
 * finishes; its exit code still says what happened.
 */
const lost = new Set<NodeJS.WriteStream>();
let installed = false;

/** Installs the listeners on stdout and stderr (once). */
export function ignoreClosedPipes(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    // Any error of an output stream (EPIPE, EIO when a terminal goes away, ENOSPC on a redirect)
    // means nobody will read what follows; crashing would only add a half-done apply to that.
    stream.on('error', () => {
      lost.add(stream);
    });
  }
}

/** Whether a stream's reader went away (tests and the final status line ask). */
export function outputLost(stream: NodeJS.WriteStream): boolean {
  return lost.has(stream) || stream.destroyed;
}
