/**
 * Writes import's files all or nothing as far as a file system allows: every target is checked
 * before the first byte is written (an existing file without --force refuses the whole import),
 * each file is written to a temporary sibling first and renamed into place only when all of them
 * were written, so a full disk or a permission error never leaves half a tree behind.
 */
import { lstat, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { GuestopsError } from '../errors.js';

export interface FileToWrite {
  /** Relative to `cwd`, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

async function exists(path: string): Promise<boolean> {
  return (await kindOf(path)) !== 'none';
}

async function kindOf(path: string): Promise<'none' | 'file' | 'other'> {
  try {
    return (await lstat(path)).isFile() ? 'file' : 'other';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw e;
  }
}

/** The targets that already exist (relative paths, in input order). */
export async function existingTargets(files: readonly FileToWrite[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) if (await exists(resolve(cwd, f.path))) out.push(f.path);
  return out;
}

export async function writeAllOrNothing(files: readonly FileToWrite[], options: { cwd: string; force: boolean }): Promise<void> {
  if (!options.force) {
    const existing = await existingTargets(files, options.cwd);
    if (existing.length > 0) {
      throw new GuestopsError(
        'import-would-overwrite',
        `refusing to overwrite ${existing.length} existing file(s): ${existing.join(', ')}. Nothing was written. Use --force to replace them whole, or --out another folder`,
        { files: existing },
      );
    }
  }
  // --force replaces files, never a directory or a link: renaming onto one would fail half-way
  // through the files (or replace a link instead of what it points at).
  const notFiles: string[] = [];
  for (const f of files) if ((await kindOf(resolve(options.cwd, f.path))) === 'other') notFiles.push(f.path);
  if (notFiles.length > 0) {
    throw new GuestopsError('import-would-overwrite', `${notFiles.join(', ')}: not a regular file, so import cannot replace it. Nothing was written. Move it away, or --out another folder`, {
      files: notFiles,
    });
  }
  const staged: { tmp: string; target: string }[] = [];
  try {
    for (const f of files) {
      const target = resolve(options.cwd, f.path);
      await mkdir(dirname(target), { recursive: true });
      const tmp = `${target}.guestops-import-${process.pid}.tmp`;
      staged.push({ tmp, target });
      await writeFile(tmp, f.text, { flag: 'wx' });
    }
  } catch (e) {
    await Promise.all(staged.map((s) => unlink(s.tmp).catch(() => undefined)));
    throw new GuestopsError('import-write-failed', `could not write the imported files (${(e as Error).message}); nothing was written`, undefined, { cause: e });
  }
  for (const s of staged) await rename(s.tmp, s.target);
}
