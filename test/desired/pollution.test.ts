import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../helpers/paths.js';
import { loadDesiredState } from '../../src/desired/load.js';
import { parseGuestFile } from '../../src/desired/guest-file.js';
import { toPlain } from '../../src/desired/resolve.js';
import type { YNode } from '../../src/desired/yaml-tree.js';

test('__proto__, constructor and prototype keys cannot pollute Object.prototype', async () => {
  const result = await loadDesiredState('guests', { cwd: fixture('hostile', 'yaml-proto-keys') });
  assert.equal(result.ok, false);
  const probe: Record<string, unknown> = {};
  assert.equal(probe['isAdmin'], undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'isAdmin'), false);
  assert.equal(Object.getPrototypeOf(probe), Object.prototype);
});

test('a __proto__ key in flow and quoted forms is refused at its position, nothing leaks', () => {
  const text = 'guests:\n  - {"__proto__": {"polluted": 1}, email: a@b.example}\n  - email: c@d.example\n    "constructor": x\n';
  const r = parseGuestFile(new TextEncoder().encode(text), 'g.yaml');
  assert.deepEqual(
    r.problems.map((p) => `${p.location.line}:${p.location.column} ${p.code}`),
    ['2:6 yaml-forbidden-key', '4:5 yaml-forbidden-key'],
  );
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('the second lock: a __proto__ key that got past the YAML reader becomes an own property, nothing leaks', () => {
  // A tree as the reader would build it if it let the key through (it refuses it, the test above).
  const at = { line: 1, column: 1 };
  const payload: YNode = { kind: 'mapping', position: at, entries: [{ key: 'polluted', keyPosition: at, value: { kind: 'scalar', value: true, position: at } }] };
  const root: YNode = { kind: 'mapping', position: at, entries: [{ key: '__proto__', keyPosition: at, value: payload }] };
  const plain = toPlain(root) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(plain), null);
  assert.deepEqual(Object.keys(plain), ['__proto__']);
  assert.equal((Object.getOwnPropertyDescriptor(plain, '__proto__')?.value as Record<string, unknown>)['polluted'], true);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});
