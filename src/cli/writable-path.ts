/**
 * Every file guestops will write (`--report`, `--out`, import's folder) is checked before the
 * first Graph request: a report path in a missing folder must not be discovered after every
 * reset was done. The check is what the file system can tell without writing: the folder exists
 * (or can be created under a writable ancestor), the name is not a directory, and both are
 * writable for this process.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { GuestopsError } from '../errors.js';
import { escapeText } from '../desired/problem-format.js';

type Kind = 'missing' | 'file' | 'dir' | 'other';

async function kindOf(path: string): Promise<Kind> {
  try {
    const s = await stat(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: a component of the path is a file; the caller finds which one going up.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw e;
  }
}

async function writable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function refuse(flag: string, path: string, why: string): GuestopsError {
  return new GuestopsError(
    'output-path-unwritable',
    `${flag} ${escapeText(path)}: ${why}; choose another path. Nothing was sent to Graph`,
    { flag, path },
  );
}

/** A file guestops will create or replace (`--report FILE`, `--out FILE`). */
export async function checkWritableFile(flag: string, path: string, cwd: string = process.cwd()): Promise<void> {
  if (path === '') throw refuse(flag, path, 'the path is empty');
  const abs = resolve(cwd, path);
  const kind = await kindOf(abs);
  if (kind === 'dir') throw refuse(flag, path, 'it is a directory');
  if (kind === 'other') throw refuse(flag, path, 'it is not a regular file');
  if (kind === 'file') {
    if (!(await writable(abs))) throw refuse(flag, path, 'the file is not writable');
    return;
  }
  const parent = dirname(abs);
  const parentKind = await kindOf(parent);
  if (parentKind === 'missing') throw refuse(flag, path, `the folder ${escapeText(parent)} does not exist`);
  if (parentKind !== 'dir') throw refuse(flag, path, `${escapeText(parent)} is not a folder`);
  if (!(await writable(parent))) throw refuse(flag, path, `the folder ${escapeText(parent)} is not writable`);
}

/** A folder guestops will write files into, creating it (and missing parents) if needed. */
export async function checkWritableDir(flag: string, path: string, cwd: string = process.cwd()): Promise<void> {
  let at = resolve(cwd, path);
  for (;;) {
    const kind = await kindOf(at);
    if (kind === 'dir') {
      if (!(await writable(at))) throw refuse(flag, path, `the folder ${escapeText(at)} is not writable`);
      return;
    }
    if (kind !== 'missing') throw refuse(flag, path, `${escapeText(at)} is not a folder`);
    const up = dirname(at);
    if (up === at) throw refuse(flag, path, 'no existing folder on its path');
    at = up;
  }
}
