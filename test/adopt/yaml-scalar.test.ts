/** The import writer's scalars must read back through the real loader as the same strings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseYaml } from '../../src/desired/yaml-tree.js';
import { commentText, yamlFlowList, yamlString } from '../../src/adopt/yaml-scalar.js';

function readBack(doc: string): unknown {
  const parsed = parseYaml(doc);
  assert.deepEqual(parsed.issues, [], doc);
  const root = parsed.root!;
  assert.equal(root.kind, 'mapping');
  return root.kind === 'mapping' ? root.entries[0]!.value : undefined;
}

test('plain where safe, JSON-quoted otherwise', () => {
  assert.equal(yamlString('john.doe@fabrikam.example'), 'john.doe@fabrikam.example');
  assert.equal(yamlString("o'brien@x.example"), `"o'brien@x.example"`);
  assert.equal(yamlString('a #b@x.example'), '"a #b@x.example"');
  assert.equal(yamlString('true'), '"true"');
  assert.equal(yamlString('1e5'), '"1e5"');
  assert.equal(yamlString(''), '""');
  assert.equal(yamlFlowList(['a@x.example', 'b,c@x.example']), '[a@x.example, "b,c@x.example"]');
});

test('any string round-trips through the loader, as a value and in a flow list', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 20 }), (s, t) => {
      const v = readBack(`k: ${yamlString(s)}\n`) as { kind: string; value: unknown };
      assert.equal(v.kind, 'scalar');
      assert.equal(v.value, s);
      const list = readBack(`k: ${yamlFlowList([s, t])}\n`) as { kind: string; items: { value: unknown }[] };
      assert.deepEqual(list.items.map((i) => i.value), [s, t]);
    }),
    { numRuns: 300 },
  );
});

test('comment text cannot end the comment line', () => {
  assert.equal(commentText('a\nb: c\r\u2028d'), 'a?b: c??d');
});
