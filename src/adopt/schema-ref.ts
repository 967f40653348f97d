/**
 * The `# yaml-language-server: $schema=...` reference of an imported file, relative to the
 * folder it is written to. The repository's own `schemas/guests.schema.json` (next to guests/,
 * as in guestops' layout) wins; otherwise the schema shipped with guestops is referenced, so the
 * editor still validates in a repository that has not copied it.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { packagePath } from '../package-root.js';

export const SCHEMA_FILE = join('schemas', 'guests.schema.json');

export function schemaPath(cwd: string): string {
  const local = resolve(cwd, SCHEMA_FILE);
  if (existsSync(local)) return local;
  return packagePath(SCHEMA_FILE);
}

/** `../schemas/guests.schema.json` for `guests/` under a repository holding `schemas/`. */
export function schemaRef(outDirAbsolute: string, schemaAbsolute: string): string {
  return relative(outDirAbsolute, schemaAbsolute).split(sep).join('/');
}
