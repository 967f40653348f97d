/**
 * Hostile inputs too big (or too odd) to keep in git, generated at test time in a temporary
 * folder: alias bombs, deep nesting, huge scalars and files, a FIFO, a file name with a newline.
 * Each must end in a located problem and exit 1, quickly and without exhausting memory or stack.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runCli } from '../helpers/cli.js';
import { loadDesiredState } from '../../src/desired/load.js';
import { formatProblem } from '../../src/desired/problem-format.js';
import { MAX_FILE_BYTES } from '../../src/desired/limits.js';

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'guestops-hostile-'));
});
after(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Writes `files` under `<root>/<name>/guests/` and returns the case folder. */
function makeCase(name: string, files: Record<string, string | Uint8Array>): string {
  const dir = join(root, name);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, 'guests', rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
  return dir;
}

async function expectProblems(dir: string, lines: string[]): Promise<void> {
  const r = await runCli(['validate', '--dir', 'guests'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, lines.join('\n') + `\n${lines.length} error${lines.length === 1 ? '' : 's'}: not valid\n`);
  const result = await loadDesiredState('guests', { cwd: dir });
  assert.equal(result.ok, false);
  if (!result.ok) assert.deepEqual(result.problems.map(formatProblem), lines);
}

test('an alias bomb (billion laughs) is refused at its first anchor without expanding anything', async () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const text = `guests: []\nbomb:\n  ${levels.join('\n  ')}\n`;
  const dir = makeCase('alias-bomb', { 'bomb.yaml': text });
  const result = await loadDesiredState('guests', { cwd: dir });
  assert.equal(result.ok, false);
  if (result.ok) return;
  const lines = result.problems.map(formatProblem);
  assert.ok(lines.includes('guests/bomb.yaml:3:6: error yaml-anchor: anchor &a: anchors, aliases and merge keys are not supported in guest files'), lines.join('\n'));
  // The unknown `bomb:` key is reported too (all problems at once); nothing was expanded to find it.
  assert.equal(lines[0], 'guests/bomb.yaml:2:1: error schema-unknown-key: unknown key "bomb" at the top of a guest file (allowed: defaults, guests)');
  assert.ok(result.problems.some((p) => p.code === 'yaml-alias' && p.location.line === 4));
  const r = await runCli(['validate', '--dir', 'guests'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^guests\/bomb\.yaml:3:6: error yaml-anchor: /m);
});

test('deep flow nesting stops at the depth limit with a located error, not a stack overflow', async () => {
  const depth = 200_000;
  const dir = makeCase('deep-flow', { 'deep.yaml': `guests: ${'['.repeat(depth)}${']'.repeat(depth)}\n` });
  await expectProblems(dir, ['guests/deep.yaml:1:40: error yaml-too-deep: collections nested more than 32 levels deep']);
});

test('deep block nesting stops at the depth limit too', async () => {
  const lines = ['guests:'];
  for (let i = 1; i < 1000; i++) lines.push(`${' '.repeat(i)}k${i}:`);
  const dir = makeCase('deep-block', { 'deep.yaml': lines.join('\n') + '\n' });
  const result = await loadDesiredState('guests', { cwd: dir });
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.problems.length, 1);
  assert.equal(result.problems[0]!.code, 'yaml-too-deep');
  assert.equal(result.problems[0]!.location.file, 'guests/deep.yaml');
  assert.ok(result.problems[0]!.location.line > 30 && result.problems[0]!.location.line < 40);
});

test('a file over the size cap is refused before it is parsed', async () => {
  const big = 'guests: []\n#' + 'x'.repeat(MAX_FILE_BYTES);
  const dir = makeCase('huge-file', { 'huge.yaml': big, 'ok.yaml': 'guests: []\n' });
  const size = Buffer.byteLength(big);
  await expectProblems(dir, [`guests/huge.yaml:1:1: error file-too-large: the file is ${size} bytes; guest files are limited to 1048576 bytes (1 MiB); split it`]);
});

test('a huge scalar under the cap is refused and quoted shortened in the message', async () => {
  const local = 'a'.repeat(900_000);
  const dir = makeCase('huge-scalar', { 'a.yaml': `guests:\n  - email: ${local}@fabrikam.example\n` });
  await expectProblems(dir, [
    `guests/a.yaml:2:12: error email-too-long: email "${'a'.repeat(60)}"... (900017 characters) is longer than 254 characters`,
  ]);
});

test('a file name with a newline cannot forge an output line', async () => {
  const dir = makeCase('newline-name', { 'evil\nguests/x.yaml:1:1: error forged: yes.yaml': 'guests: [1]\n' });
  await expectProblems(dir, ['guests/evil\\nguests/x.yaml:1:1: error forged: yes.yaml:1:10: error schema-type: guests[0] must be a mapping, not the number 1']);
});

test('a control character in a value is escaped in the message', async () => {
  const dir = makeCase('escape-value', { 'a.yaml': 'guests:\n  - email: "x\\e[31m\\u202e@y.example"\n' });
  await expectProblems(dir, ['guests/a.yaml:2:12: error email-forbidden-character: email "x\\u001b[31m\\u202e@y.example" contains "[", which Graph refuses in an invitation address']);
});

test('a FIFO named .yaml is refused instead of blocking the read forever', async (t) => {
  const dir = makeCase('fifo', { 'ok.yaml': 'guests: []\n' });
  try {
    execFileSync('mkfifo', [join(dir, 'guests', 'pipe.yaml')]);
  } catch {
    t.skip('mkfifo is not available here');
    return;
  }
  await expectProblems(dir, ['guests/pipe.yaml:1:1: error path-not-regular-file: not a regular file (a FIFO, socket or device); only plain .yaml/.yml files belong here']);
});
