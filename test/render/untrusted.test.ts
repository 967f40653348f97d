import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeUntrusted, guardLines, jsonText, stopCommandsBlock } from '../../src/render/untrusted.js';

test('escapeUntrusted: controls, C1, bidi and line separators as \\uXXXX; non-ASCII letters kept', () => {
  assert.equal(escapeUntrusted('a\u001b[31mb\u009bc\u202ed\u2028e'), 'a\\u001b[31mb\\u009bc\\u202ed\\u2028e');
  assert.equal(escapeUntrusted('müller@例え.jp'), 'müller@例え.jp');
});

test('workflow commands: `##[` anywhere and `::` after leading whitespace are neutralised', () => {
  assert.equal(escapeUntrusted('x ##[stop-commands]t'), 'x #\\u0023[stop-commands]t');
  assert.equal(escapeUntrusted('###['), '##\\u0023[');
  assert.equal(escapeUntrusted('  ::error::x'), '  \\u003a:error::x');
  assert.equal(escapeUntrusted('a ::error::x'), 'a ::error::x'); // not at a line start: inert
  assert.equal(guardLines('ok\n::warning::x\n#' + '#[y'), 'ok\n\\u003a:warning::x\n#\\u0023[y');
});

test('escaping twice changes nothing more', () => {
  const s = '\u001b##[x\n::y';
  assert.equal(escapeUntrusted(escapeUntrusted(s)), escapeUntrusted(s));
});

test('jsonText prints JSON that parses to the same data', () => {
  const data = { v: '\u009b\u202e##[x\n::y\u2028' };
  const printed = jsonText(JSON.stringify(data, null, 2));
  assert.doesNotMatch(printed, /[\u0080-\u009f\u202e\u2028]|##\[/);
  assert.deepEqual(JSON.parse(printed), data);
});

test('jsonText keeps TAB and LF between tokens and escapes every other control character of its input', () => {
  // Raw controls cannot come from JSON.stringify, but the guard must not rely on it; CR is the
  // line guard's (a CR would let a terminal overwrite the line).
  assert.equal(jsonText('{\n\t"a": "x\u0000\u0008\u000b\u000c\u000e\u001f\u007fy"\r\n}'), '{\n\t"a": "x\\u0000\\u0008\\u000b\\u000c\\u000e\\u001f\\u007fy"\\u000d\n}');
});

test('stopCommandsBlock fences text with a fresh random token in Actions only', () => {
  const a = stopCommandsBlock('line\n', true);
  const m = /^::stop-commands::([0-9a-f]{32})\nline\n::\1::\n$/.exec(a);
  assert.ok(m, a);
  assert.notEqual(/stop-commands::(\w+)/.exec(stopCommandsBlock('line\n', true))![1], m[1]);
  assert.equal(stopCommandsBlock('line\n', false), 'line\n');
});

test('guardLines judges each line on its own: the same as guarding line by line, on generated texts', () => {
  // The rule as it reads: split at LF, escape CR, neutralise `##[` and a leading `::`, join.
  const byLine = (text: string) =>
    text
      .split('\n')
      .map((l) => l.replace(/\r/g, '\\u000d').replace(/##\[/g, '#\\u0023[').replace(/^(\s*):(?=:)/, '$1\\u003a'))
      .join('\n');
  // Line breaks of every kind, white space that is not one, and the characters of both commands.
  const alphabet = ['\n', '\r', '\r\n', ' ', '\t', '\v', '\u00a0', '\u2028', '\u2029', '\ufeff', ':', '::', '#', '##', '[', 'a'];
  let seed = 20261203;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let k = 0; k < 20_000; k++) {
    let text = '';
    for (let n = Math.floor(next() * 12); n > 0; n--) text += alphabet[Math.floor(next() * alphabet.length)];
    assert.equal(guardLines(text), byLine(text), JSON.stringify(text));
  }
});
