/**
 * Validation runs before Graph is touched: for every hostile-corpus case that is an error
 * (test/fixtures/hostile/<case>, checked for its exact messages by test/desired), `guestops apply`
 * exits 1 and the emulator receives ZERO requests — not one read, let alone a write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEmulator } from '../helpers/emulator.js';
import { fixture } from '../helpers/paths.js';
import { guestops } from '../apply/support.js';

const corpus = fixture('hostile');
const failing = readdirSync(corpus, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .filter((name) => / error [a-z0-9-]+: /.test(readFileSync(join(corpus, name, 'expected.txt'), 'utf8')))
  .sort();

test('every invalid hostile case: apply exits 1 with a located error and sends Graph nothing', async () => {
  assert.ok(failing.length >= 25, `only ${failing.length} failing cases`);
  const emu = await withEmulator();
  try {
    for (const name of failing) {
      const r = await guestops(emu, ['apply', '--dir', 'guests'], { cwd: join(corpus, name) });
      assert.equal(r.code, 1, `${name}: ${r.stderr}`);
      assert.match(r.stderr, /guests\/[^:\s]*(:\d+:\d+)?: error [a-z0-9-]+: /, `${name}: no located error\n${r.stderr}`);
      assert.deepEqual(await emu.requests(), [], `${name}: Graph was called`);
    }
  } finally {
    await emu.close();
  }
});
