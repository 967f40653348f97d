/**
 * The `# yaml-language-server: $schema=...` reference of an imported file, relative to the
 * folder it is written to. The repository's own `schemas/guests.schema.json` (next to guests/,
 * as in guestops' layout) wins; otherwise the schema shipped with guestops is referenced, so the
 * editor still validates in a repository that has not copied it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMA_FILE = join('schemas', 'guests.schema.json');

function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function schemaPath(cwd: string): string {
  const local = resolve(cwd, SCHEMA_FILE);
  if (existsSync(local)) return local;
  const root = packageRoot();
  return root ? join(root, SCHEMA_FILE) : local;
}

/** `../schemas/guests.schema.json` for `guests/` under a repository holding `schemas/`. */
export function schemaRef(outDirAbsolute: string, schemaAbsolute: string): string {
  return relative(outDirAbsolute, schemaAbsolute).split(sep).join('/');
}
