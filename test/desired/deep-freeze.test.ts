/** deepFreeze: everything reachable ends frozen, also below an object someone froze only shallowly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepFreeze } from '../../src/desired/deep-freeze.js';

test('deepFreeze freezes what a shallowly frozen object holds, shared values and cycles included', () => {
  const inner = { list: [{ deep: 1 }] };
  const shallow = Object.freeze({ inner }); // frozen before the walk, its value not
  const shared = { n: 1 };
  const root: Record<string, unknown> = { shallow, a: shared, b: [shared, shallow] };
  root['self'] = root;
  assert.equal(deepFreeze(root), root);
  for (const v of [root, root['b'], shallow, inner, inner.list, inner.list[0], shared]) assert.ok(Object.isFrozen(v), JSON.stringify(v, (k, x) => (k === 'self' ? '[cycle]' : x)));
  assert.throws(() => {
    (inner.list[0] as { deep: number }).deep = 2;
  }, TypeError);
});
