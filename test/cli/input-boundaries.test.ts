/**
 * What guestops reads and writes stays inside its bounds: `import --filter` cannot widen the
 * guest filter to members, a member never lands in a guest file whatever Graph answers, and a
 * `guests` folder that is a symlink out of the repository is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withEmulator } from '../helpers/emulator.js';
import { runCli } from '../helpers/cli.js';
import { ERIN, guestops, workdir } from '../apply/support.js';

test('import --filter refuses unbalanced parentheses and quotes before any request', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const cwd = workdir({});
    const cases: [string, RegExp][] = [
      ["startswith(mail,'a')) or (userType eq 'Member'", /a '\)' at column 21 that closes nothing/],
      ["startswith(mail,'a'", /leaves 1 '\(' unclosed/],
      ["mail eq 'a@b.example", /quote at column 9 that is never closed/],
      ["mail eq 'o''x' or (userType eq 'Member'", /unclosed/],
    ];
    for (const [filter, why] of cases) {
      const r = await guestops(emu, ['import', '--filter', filter, '--out', 'adopted'], { cwd });
      assert.equal(r.code, 1, filter);
      assert.match(r.stderr, /^guestops import: error import-filter-invalid: --filter /m);
      assert.match(r.stderr, why);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.deepEqual(await emu.requests(), [], 'refused before any request');
    assert.ok(!existsSync(join(cwd, 'adopted')));
    // A quote escaped as '' inside a string is balanced.
    const ok = await guestops(emu, ['import', '--filter', "mail eq 'o''brien@x.example' or startswith(mail,'a')", '--out', 'adopted'], { cwd });
    assert.equal(ok.code, 0, ok.stderr);
  } finally {
    await emu.close();
  }
});

test('import keeps only userType Guest, even when Graph answers with a member', async () => {
  const emu = await withEmulator({ throttle: false });
  // A Graph that ignores the guest part of the filter: the list request is forwarded without it.
  const emuUrl = new URL(emu.url);
  const proxy = createServer((req, res) => {
    let path = req.url ?? '/';
    if (path.startsWith('/v1.0/users?')) {
      const u = new URL(path, emu.url);
      u.searchParams.delete('$filter');
      path = u.pathname + u.search;
    }
    const up = request({ host: emuUrl.hostname, port: emuUrl.port, method: req.method, path, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  try {
    const cwd = workdir({});
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const r = await guestops({ url }, ['import', '--group-by', 'none', '--out', 'adopted'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /left out \d+ user\(s\) whose userType is not Guest/);
    const text = readFileSync(join(cwd, 'adopted', 'imported.yaml'), 'utf8');
    assert.ok(!text.includes(ERIN), 'the member is not in a guest file');
    assert.match(text, /email: /, 'the guests are');
  } finally {
    await new Promise<void>((r) => proxy.close(() => r()));
    await emu.close();
  }
});

test('a guests folder that is a symlink out of the working tree is refused before any request', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const elsewhere = mkdtempSync(join(tmpdir(), 'guestops-elsewhere-'));
    writeFileSync(join(elsewhere, 'g.yaml'), 'guests:\n  - email: someone@partner.example\n');
    const cwd = workdir({});
    symlinkSync(elsewhere, join(cwd, 'guests'));
    for (const args of [['validate'], ['plan', '--graph-url', emu.url], ['apply', '--graph-url', emu.url]]) {
      const r = await runCli(args, { cwd, env: { GUESTOPS_TOKEN: 'demo-apply' } });
      assert.equal(r.code, 1, `${args[0]}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /error desired-dir-outside: guest directory "guests" resolves to .*, outside the repository/);
    }
    assert.deepEqual(await emu.requests(), []);
    // A link inside the tree is fine.
    const inside = workdir({ 'real/g.yaml': 'guests:\n  - email: someone@partner.example\n' });
    symlinkSync(join(inside, 'real'), join(inside, 'guests'));
    const ok = await runCli(['validate'], { cwd: inside });
    assert.equal(ok.code, 0, ok.stderr);
  } finally {
    await emu.close();
  }
});
