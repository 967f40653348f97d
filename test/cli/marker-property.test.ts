/**
 * Markers in another property than the one in use stop plan and apply with one line naming both,
 * instead of adopting every guest again (a declared generation bump would become "adopt (no reset)").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEmulator } from '../helpers/emulator.js';
import { ALICE, MARKER, demoWorkdir, guestops, isWrite, resetsDone } from '../apply/support.js';

test('--marker-property extensionAttribute1 while the guests carry markers in the directory extension: plan and apply stop, nothing written', async () => {
  const emu = await withEmulator();
  try {
    const cwd = demoWorkdir();
    // A declared generation bump: adopting Alice again would silently drop it.
    const tailspin = join(cwd, 'guests/partners/tailspin.yml');
    writeFileSync(tailspin, readFileSync(tailspin, 'utf8').replace('generation: 1', 'generation: 2'));
    for (const command of ['plan', 'apply']) {
      const r = await guestops(emu, [command, '--marker-property', 'extensionAttribute1'], { cwd });
      assert.equal(r.code, 1, r.stdout);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, new RegExp(`^guestops ${command}: error marker-property-mismatch: \\d+ declared guest\\(s\\) carry guestops' state marker in another property than extensionAttribute1, the marker property in use \\(\\d+ in ${MARKER};`));
      assert.ok(lines[0]!.includes(`Use --marker-property ${MARKER}`), lines[0]);
      assert.doesNotMatch(r.stdout, /adopt/);
    }
    assert.deepEqual((await emu.requests()).filter(isWrite), []);

    // With the property the guests were managed with, the bump is a reset, as declared.
    const right = await guestops(emu, ['apply', '--marker-property', MARKER], { cwd });
    assert.equal(right.code, 0, right.stderr);
    assert.equal(resetsDone(await emu.requests(), ALICE), 1);
  } finally {
    await emu.close();
  }
});

test('extensionAttributeN on guests never managed elsewhere plans as before', async () => {
  const emu = await withEmulator({
    seedPatch: (s) => ({ ...s, users: s.users.map((u) => Object.fromEntries(Object.entries(u).filter(([k]) => !k.startsWith('extension_')))) }) as unknown as typeof s,
  });
  try {
    const r = await guestops(emu, ['plan', '--format', 'json', '--marker-property', 'extensionAttribute1'], { cwd: demoWorkdir() });
    assert.equal(r.code, 0, r.stderr);
    assert.ok((JSON.parse(r.stdout) as { summary: { adoptions: number } }).summary.adoptions > 0);
  } finally {
    await emu.close();
  }
});
