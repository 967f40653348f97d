/**
 * Writes scaffold files that do not exist yet and never touches one that does: `init` in a
 * folder that already has a README or a workflow leaves it as it is and says so.
 */
import { lstat, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ScaffoldFile } from './files.js';

export interface WriteNewResult {
  readonly written: string[];
  readonly skipped: string[];
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

export async function writeNewFiles(root: string, files: readonly ScaffoldFile[]): Promise<WriteNewResult> {
  const written: string[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    const target = join(root, ...f.path.split('/'));
    if (await exists(target)) {
      skipped.push(f.path);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    try {
      // 'wx': a file that appeared since the check is still not overwritten.
      await writeFile(target, f.content, { flag: 'wx' });
      written.push(f.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      skipped.push(f.path);
    }
  }
  return { written, skipped };
}
