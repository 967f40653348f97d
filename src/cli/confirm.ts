/**
 * The "yes" an admin at a terminal types before apply writes, as terraform asks for it. Only at an
 * interactive terminal: in CI (no TTY on stdin, or CI / GITHUB_ACTIONS set) apply proceeds as it
 * always did — the review there is the pull request. Anything but `yes`, the end of input, or
 * Ctrl-C cancels with nothing written.
 */
import { createInterface } from 'node:readline';

export function atInteractiveTerminal(env: NodeJS.ProcessEnv = process.env, stdin: { isTTY?: boolean } = process.stdin): boolean {
  const ci = env['CI'];
  if (ci !== undefined && ci !== '' && ci.toLowerCase() !== 'false') return false;
  if (env['GITHUB_ACTIONS'] === 'true') return false;
  return stdin.isTTY === true;
}

export type Answer = 'yes' | 'no' | 'eof' | 'interrupted';

export function askForYes(question: string, options: { signal: AbortSignal; output?: NodeJS.WritableStream }): Promise<Answer> {
  const output = options.output ?? process.stderr;
  return new Promise((resolve) => {
    // terminal: false — the terminal's own line discipline echoes and edits the line, and
    // Ctrl-C stays a SIGINT for the process (handled by interrupt.ts) instead of a readline event.
    const rl = createInterface({ input: process.stdin, terminal: false });
    let settled = false;
    const settle = (a: Answer) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      rl.close();
      process.stdin.pause();
      resolve(a);
    };
    const onAbort = () => settle('interrupted');
    options.signal.addEventListener('abort', onAbort);
    rl.once('line', (line) => settle(line.trim() === 'yes' ? 'yes' : 'no'));
    rl.once('close', () => settle('eof'));
    output.write(question);
  });
}
