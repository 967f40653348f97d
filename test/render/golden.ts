/**
 * Golden files for renderer output. Each golden was read and judged correct by a person; a
 * difference fails the test. After an intended change, regenerate with GUESTOPS_UPDATE_GOLDEN=1,
 * then READ the diff before committing it.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fixture } from '../helpers/paths.js';

export function assertGolden(name: string, actual: string): void {
  const path = fixture('plan', name);
  if (process.env['GUESTOPS_UPDATE_GOLDEN'] === '1') writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, 'utf8'), `differs from ${path}`);
}
