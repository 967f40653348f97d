/**
 * Where guestops' own files are: `schemas/`, the demo tenant, `package.json`. Found by walking up
 * from this module to the folder holding `package.json`, so the same code works from `src/` under
 * tsc, from `dist/src/`, and from an installed package.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`guestops: no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

export const packageRoot: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** An absolute path inside the guestops package, e.g. `packagePath('schemas', 'guests.schema.json')`. */
export function packagePath(...parts: string[]): string {
  return join(packageRoot, ...parts);
}
