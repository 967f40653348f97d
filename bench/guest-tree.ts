/** Writes a generated guests/ tree into a scratch folder (the benchmark never touches ./guests). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GuestFileText } from './tenant-generator.js';

/**
 * Writes `root/guests/<path>` for every file; returns `root` (run guestops there with --dir guests).
 * A policy file lifts the per-apply cap on email changes: the generated tenants move hundreds of
 * guests at once on purpose, which the default policy (10) would refuse.
 */
export function writeGuestTree(root: string, files: readonly GuestFileText[]): string {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'guestops.policy.yaml'), 'formatVersion: 1\nmaxEmailChanges: 100000\n');
  for (const f of files) {
    const path = join(root, 'guests', ...f.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.text);
  }
  return root;
}
