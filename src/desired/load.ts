/**
 * loadDesiredState: the thin I/O edge around the pure checks. Walks the guest directory, reads
 * each file (never more than the size cap), checks every file and then the rules across files,
 * and returns either every problem at once or the deeply frozen desired state.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { DesiredState, LoadResult, Problem } from './types.js';
import { walkGuestDir, type FoundFile } from './walk.js';
import { parseGuestFile, type GuestFile } from './guest-file.js';
import { checkAcrossGuests } from './rules.js';
import { compareProblems, fileStart, problem } from './problems.js';
import { desiredDigest } from './desired-digest.js';
import { deepFreeze } from './deep-freeze.js';
import { MAX_FILE_BYTES } from './limits.js';

export interface LoadOptions {
  /** Locations are relative to this directory. Default: process.cwd(). */
  readonly cwd?: string;
}

/**
 * Reads at most `limit + 1` bytes, so a huge (or endless) file never lands in memory.
 *
 * Synchronous on purpose: guest files are small and, in a checkout, in the page cache, and they
 * are parsed on this same thread as soon as they are read. With `fs/promises` and 16 reads at
 * once, each file cost an open, a stat, a read and a close through the thread pool, each with its
 * promise: 0.3 s of this thread's CPU at 100,000 guests in 2,000 files (a CPU profile of plan),
 * for no overlap the parser could use.
 */
function readCapped(path: string, limit: number): { bytes: Uint8Array } | { tooLarge: number } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > limit) return { tooLarge: size };
    // Sized from stat, not from the cap: a zero-filled 1 MiB buffer per file made 200 files cost
    // 200 MB of zero-filled allocation (npm run bench: peak RSS of validate at 10,000 guests 150 →
    // 118 MB, file reading about twice as fast).
    let buffer = new Uint8Array(size + 1);
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        // The file grew since stat: read on, still never past the cap.
        const bigger = new Uint8Array(Math.min(limit + 1, buffer.length * 2));
        bigger.set(buffer);
        buffer = bigger;
      }
      const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled > limit) return { tooLarge: filled };
    }
    return { bytes: buffer.subarray(0, filled) };
  } finally {
    closeSync(fd);
  }
}

function checkFile(f: FoundFile): GuestFile {
  const read = readCapped(f.path, MAX_FILE_BYTES);
  if ('tooLarge' in read) {
    const p = problem('file-too-large', `the file is ${read.tooLarge} bytes; guest files are limited to ${MAX_FILE_BYTES} bytes (1 MiB); split it`, fileStart(f.display));
    return { file: f.display, guests: [], identities: [], problems: [p] };
  }
  return parseGuestFile(read.bytes, f.display);
}

export async function loadDesiredState(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const cwd = options.cwd ?? process.cwd();
  const walked = await walkGuestDir(dir, cwd);
  // One after another on this thread: nothing else runs in a CLI while guests/ loads (no request
  // goes out before it validated, and no signal handler is installed yet), so there is nothing
  // to yield to.
  const checked = walked.files.map(checkFile);

  const problems: Problem[] = [...walked.problems];
  for (const f of checked) problems.push(...f.problems);
  problems.push(...checkAcrossGuests(checked.flatMap((f) => f.identities)));
  problems.sort(compareProblems);

  if (problems.some((p) => p.severity === 'error')) return deepFreeze({ ok: false, problems });
  const guests = checked.flatMap((f) => f.guests);
  const state: DesiredState = { guests, files: checked.map((f) => f.file), digest: desiredDigest(guests) };
  return deepFreeze({ ok: true, state, warnings: problems });
}
