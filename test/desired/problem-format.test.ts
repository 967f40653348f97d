import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblem, quoteValue } from '../../src/desired/problem-format.js';
import { LineIndex, decodeUtf8 } from '../../src/desired/source-text.js';

test('a problem prints as FILE:LINE:COL: severity CODE: message', () => {
  const location = { file: 'guests/a.yaml', line: 3, column: 7 };
  assert.equal(formatProblem({ severity: 'error', code: 'invalid-id', message: 'bad', location }), 'guests/a.yaml:3:7: error invalid-id: bad');
  assert.equal(formatProblem({ severity: 'warning', code: 'file-empty', message: 'empty', location }), 'guests/a.yaml:3:7: warning file-empty: empty');
});

test('values are quoted, escaped and shortened so they cannot break the output', () => {
  assert.equal(quoteValue('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(quoteValue('x\ny\u001b[2J\u202e'), '"x\\ny\\u001b[2J\\u202e"');
  assert.equal(quoteValue('😀'), '"\\u{1f600}"');
  const long = quoteValue('a'.repeat(500));
  assert.equal(long, `"${'a'.repeat(60)}"... (500 characters)`);
  const line = formatProblem({ severity: 'error', code: 'x', message: 'm\nforged', location: { file: 'f\r.yaml', line: 1, column: 1 } });
  assert.equal(line, 'f\\r.yaml:1:1: error x: m\\nforged');
});

test('line and column: CRLF and lone CR break lines, tabs and astral characters are one column', () => {
  const text = 'ab\r\ncd\re\tf😀g\nh';
  const idx = new LineIndex(text);
  assert.deepEqual(idx.position(0), { line: 1, column: 1 });
  assert.deepEqual(idx.position(4), { line: 2, column: 1 });
  assert.deepEqual(idx.position(7), { line: 3, column: 1 });
  assert.deepEqual(idx.position(text.indexOf('f')), { line: 3, column: 3 });
  assert.deepEqual(idx.position(text.indexOf('g')), { line: 3, column: 5 });
  assert.deepEqual(idx.position(text.indexOf('h')), { line: 4, column: 1 });
});

test('UTF-8: a BOM is dropped, invalid bytes are located, NUL is refused', () => {
  const bom = decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]));
  assert.deepEqual(bom, { ok: true, text: 'a' });
  const bad = decodeUtf8(new Uint8Array([0x61, 0x0a, 0x62, 0xc3, 0x28]));
  assert.deepEqual(bad.ok ? null : [bad.code, bad.position], ['file-not-utf8', { line: 2, column: 2 }]);
  // Far into a large file: the chunked search still finds the exact spot.
  const big = new Uint8Array(200_000).fill(0x61);
  big[150_000] = 0x0a;
  big[150_010] = 0xff;
  const far = decodeUtf8(big);
  assert.deepEqual(far.ok ? null : far.position, { line: 2, column: 10 });
  const truncated = decodeUtf8(new Uint8Array([0x61, 0xe2, 0x82]));
  assert.deepEqual(truncated.ok ? null : truncated.position, { line: 1, column: 2 });
  const nul = decodeUtf8(new TextEncoder().encode('ok\nx\0'));
  assert.deepEqual(nul.ok ? null : [nul.code, nul.position], ['file-contains-nul', { line: 2, column: 2 }]);
});
