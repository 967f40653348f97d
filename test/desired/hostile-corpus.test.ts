/**
 * The hostile-input corpus (test/fixtures/hostile/<case>/): each case holds a `guests/` tree and
 * `expected.txt`, the exact stderr `guestops validate --dir guests` must print from the case
 * folder. A case whose expected output has no `error` line must exit 0, every other exits 1.
 * Each case runs twice: through the CLI (a child process, as CI runs it) and through the library.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { loadDesiredState } from '../../src/desired/load.js';
import { formatProblem } from '../../src/desired/problem-format.js';

const corpus = fixture('hostile');
const cases = readdirSync(corpus, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

test('the hostile corpus is not empty', () => {
  assert.ok(cases.length >= 30, `only ${cases.length} cases found in ${corpus}`);
});

for (const name of cases) {
  const dir = join(corpus, name);
  const expected = readFileSync(join(dir, 'expected.txt'), 'utf8');
  const problemLines = expected.split('\n').filter((l) => / (error|warning) [a-z0-9-]+: /.test(l));
  const failing = problemLines.some((l) => / error [a-z0-9-]+: /.test(l));

  test(`hostile ${name}: guestops validate prints exactly the expected problems`, async () => {
    const r = await runCli(['validate', '--dir', 'guests'], { cwd: dir });
    assert.equal(r.stderr, expected);
    assert.equal(r.code, failing ? 1 : 0, r.stderr);
    if (failing) assert.equal(r.stdout, '');
  });

  test(`hostile ${name}: loadDesiredState returns the same located problems`, async () => {
    const result = await loadDesiredState('guests', { cwd: dir });
    const got = result.ok ? result.warnings : result.problems;
    assert.equal(result.ok, !failing);
    assert.deepEqual(got.map(formatProblem), problemLines);
  });
}
