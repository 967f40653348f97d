/**
 * Finds the guest files under a directory: nested folders, `.yaml` and `.yml` (any case).
 * What is refused, and why:
 * - a symbolic link leading outside the directory: a pull request could otherwise make CI read
 *   (and echo in errors) any file of the runner. Links are never followed out.
 * - a link to a directory: not followed, so no cycles; a link to a file inside is read as that file.
 * - a directory named `*.yaml`: a reviewer would take it for a file.
 * - any other file (`bob.ymal`, `alice.yaml.bak`): a typo must not silently drop a guest.
 *   Documentation (`*.md`) and hidden entries (`.gitkeep`, `.git/`) are ignored.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { GuestopsError } from '../errors.js';
import type { Problem } from './types.js';
import { fileStart, problem } from './problems.js';
import { quoteValue } from './problem-format.js';

export interface FoundFile {
  /** Absolute path to read (a link's target when the entry is a link). */
  readonly path: string;
  /** Path shown to users: relative to the working directory, `/`-separated. */
  readonly display: string;
}

export interface WalkResult {
  readonly files: readonly FoundFile[];
  readonly problems: readonly Problem[];
}

const YAML_NAME = /\.ya?ml$/i;
const DOC_NAME = /\.md$/i;

export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return (rel === '' ? '.' : rel).split(sep).join('/');
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}

/**
 * The real path of the repository holding `cwd` (the nearest folder with a `.git` entry), or of
 * `cwd` itself outside a repository: the guest directory must resolve inside it.
 */
async function repositoryRoot(cwd: string): Promise<string> {
  const start = await realpath(cwd);
  for (let dir = start; ; dir = dirname(dir)) {
    try {
      await lstat(join(dir, '.git'));
      return dir;
    } catch {
      if (dirname(dir) === dir) return start;
    }
  }
}

export async function walkGuestDir(dir: string, cwd: string): Promise<WalkResult> {
  const root = resolve(cwd, dir);
  const shown = displayPath(root, cwd);
  let rootStat;
  try {
    rootStat = await stat(root);
  } catch {
    throw new GuestopsError('desired-dir-not-found', `guest directory ${quoteValue(shown)} does not exist (use --dir to point at it)`);
  }
  if (!rootStat.isDirectory()) {
    throw new GuestopsError('desired-dir-not-a-directory', `${quoteValue(shown)} is not a directory (use --dir to point at the folder of guest files)`);
  }
  const rootReal = await realpath(root);
  const base = await repositoryRoot(cwd);
  if (!isInside(rootReal, base)) {
    // `guests` as a symlink to a system folder (or anywhere else) would be walked and planned.
    throw new GuestopsError(
      'desired-dir-outside',
      `guest directory ${quoteValue(shown)} resolves to ${quoteValue(rootReal)}, outside the repository ${quoteValue(base)}; guestops reads guests only from inside it`,
    );
  }
  const files: FoundFile[] = [];
  const problems: Problem[] = [];

  // Iterative, so a deep folder tree cannot exhaust the stack.
  const pending: string[] = [root];
  while (pending.length > 0) {
    const folder = pending.pop()!;
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      const display = displayPath(path, cwd);
      const at = fileStart(display);
      let kind = await lstat(path);
      let target = path;
      if (kind.isSymbolicLink()) {
        try {
          target = await realpath(path);
          kind = await stat(target);
        } catch {
          problems.push(problem('path-broken-symlink', 'this symbolic link points at nothing (or loops)', at));
          continue;
        }
        if (!isInside(target, rootReal)) {
          problems.push(problem('path-symlink-outside', 'this symbolic link leads outside the guest directory; guestops never follows links out', at));
          continue;
        }
        if (kind.isDirectory()) {
          problems.push(problem('path-symlink-directory', 'symbolic links to directories are not followed; move the folder here instead', at));
          continue;
        }
      }
      if (kind.isDirectory()) {
        if (YAML_NAME.test(entry.name)) {
          problems.push(problem('path-directory-named-yaml', 'a directory named like a YAML file; rename it (guest files must be files)', at));
        } else pending.push(path);
        continue;
      }
      if (!kind.isFile()) {
        problems.push(problem('path-not-regular-file', 'not a regular file (a FIFO, socket or device); only plain .yaml/.yml files belong here', at));
        continue;
      }
      if (YAML_NAME.test(entry.name)) files.push({ path: target, display });
      else if (!DOC_NAME.test(entry.name)) {
        problems.push(problem('path-not-yaml', 'not a guest file: only .yaml/.yml files (and .md notes) belong in the guest directory', at));
      }
    }
  }
  files.sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
  return { files, problems };
}
