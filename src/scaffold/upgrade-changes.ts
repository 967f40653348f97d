/**
 * What `guestops upgrade` would change: each managed scaffold file compared with the repository's
 * copy, as a unified diff. A workflow without guestops' header is the repository's own (init
 * skipped it because the name was taken) and is left alone.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { MANAGED_HEADER, type ScaffoldFile } from './files.js';

export type UpgradeStatus = 'up-to-date' | 'changed' | 'missing' | 'not-managed';

export interface UpgradeChange {
  readonly file: ScaffoldFile;
  readonly status: UpgradeStatus;
  /** The unified diff for `changed` and `missing`, else ''. */
  readonly patch: string;
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export async function upgradeChanges(root: string, files: readonly ScaffoldFile[]): Promise<UpgradeChange[]> {
  const out: UpgradeChange[] = [];
  for (const file of files.filter((f) => f.managed)) {
    const current = await readIfExists(join(root, ...file.path.split('/')));
    if (current === null) {
      out.push({ file, status: 'missing', patch: createTwoFilesPatch('/dev/null', `b/${file.path}`, '', file.content) });
    } else if (file.path.endsWith('.yml') && !current.startsWith(MANAGED_HEADER)) {
      out.push({ file, status: 'not-managed', patch: '' });
    } else if (current === file.content) {
      out.push({ file, status: 'up-to-date', patch: '' });
    } else {
      out.push({ file, status: 'changed', patch: createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, current, file.content) });
    }
  }
  return out;
}
