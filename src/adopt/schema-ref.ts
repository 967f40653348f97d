/**
 * The `# yaml-language-server: $schema=...` reference of an imported file, relative to the
 * folder it is written to (see schemaForRepository for which schema file).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { packagePath } from '../package-root.js';

export const SCHEMA_FILE = join('schemas', 'guests.schema.json');

/** `../schemas/guests.schema.json` for `guests/` under a repository holding `schemas/`. */
export function schemaRef(outDirAbsolute: string, schemaAbsolute: string): string {
  return relative(outDirAbsolute, schemaAbsolute).split(sep).join('/');
}

/**
 * The schema imported files reference, as a path that works for everyone who clones the
 * repository: its own `schemas/guests.schema.json`; else guestops' copy when guestops is
 * installed inside the repository (node_modules); else (a global install, an npx cache) a copy
 * import writes to `schemas/`, never a path into the tool's install folder.
 */
export function schemaForRepository(cwd: string): { readonly path: string; readonly copyFrom?: string } {
  const local = resolve(cwd, SCHEMA_FILE);
  if (existsSync(local)) return { path: local };
  const shipped = packagePath(SCHEMA_FILE);
  const rel = relative(cwd, shipped);
  if (!rel.startsWith('..') && !isAbsolute(rel)) return { path: shipped };
  return { path: local, copyFrom: shipped };
}
