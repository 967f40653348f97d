/**
 * Reads the existing guests/ tree with the real loader (so "declared" means exactly what plan
 * and apply will see). A missing folder declares nobody; an invalid one stops the import: import
 * cannot tell what is declared in a tree it cannot read, and would only add to the problems.
 */
import { isGuestopsError } from '../errors.js';
import { loadDesiredState } from '../desired/load.js';
import type { Problem } from '../desired/types.js';
import { EMPTY_INDEX, indexDeclared, type DeclaredIndex } from './declared-index.js';

export type DeclaredTree =
  | { readonly ok: true; readonly index: DeclaredIndex; readonly guests: number; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export async function readDeclaredTree(dir: string, cwd: string): Promise<DeclaredTree> {
  try {
    const r = await loadDesiredState(dir, { cwd });
    if (!r.ok) return { ok: false, problems: r.problems };
    return { ok: true, index: indexDeclared(r.state), guests: r.state.guests.length, warnings: r.warnings };
  } catch (e) {
    if (isGuestopsError(e) && e.code === 'desired-dir-not-found') return { ok: true, index: EMPTY_INDEX, guests: 0, warnings: [] };
    throw e;
  }
}
