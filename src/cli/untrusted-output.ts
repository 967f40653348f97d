/**
 * The CLI's one way to write text that carries tenant, Graph or YAML values to stdout/stderr
 * (values already escaped by src/render/untrusted.ts). In GitHub Actions the text goes out in a
 * `stop-commands` block with a fresh random token, so the runner executes no workflow command
 * from it even if an escape was missed. Not when the stream is a regular file
 * (`guestops plan > plan.txt`): the runner never reads that, and the file must hold only the text.
 */
import { fstatSync } from 'node:fs';
import { inGithubActions } from '../github/actions-env.js';
import { guardLines, stopCommandsBlock } from '../render/untrusted.js';

export interface OutputStream {
  write(text: string): unknown;
  readonly fd?: number;
}

function isRegularFile(stream: OutputStream): boolean {
  if (typeof stream.fd !== 'number') return false;
  try {
    return fstatSync(stream.fd).isFile();
  } catch {
    return false;
  }
}

/** Human-facing text (plan text, progress lines, errors): guarded, and fenced in Actions. */
export function writeUntrusted(stream: OutputStream, text: string, env: NodeJS.ProcessEnv = process.env): void {
  stream.write(stopCommandsBlock(text, inGithubActions(env) && !isRegularFile(stream)));
}

/**
 * Machine-readable text (JSON, markdown) that a step may pipe into another program: never
 * wrapped, only line-guarded. The guard keeps JSON valid: `#\u0023[` inside a JSON string decodes
 * back to `##[`, and pretty-printed JSON lines never start with `::`.
 */
export function writeGuarded(stream: OutputStream, text: string): void {
  stream.write(guardLines(text));
}
