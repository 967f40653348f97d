/** Writes a generated guests/ tree into a scratch folder (the benchmark never touches ./guests). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GuestFileText } from './tenant-generator.js';

/** Writes `root/guests/<path>` for every file; returns `root` (run guestops there with --dir guests). */
export function writeGuestTree(root: string, files: readonly GuestFileText[]): string {
  for (const f of files) {
    const path = join(root, 'guests', ...f.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.text);
  }
  return root;
}
