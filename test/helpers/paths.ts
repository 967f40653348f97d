/** Paths tests need, independent of where the compiled test file sits under dist/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

/** The repository root (the folder holding package.json). */
export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
/** The compiled CLI entry point. */
export const cliPath = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
/** `test/fixtures/...` in the source tree (fixtures are not compiled). */
export function fixture(...parts: string[]): string {
  return join(repoRoot, 'test', 'fixtures', ...parts);
}
