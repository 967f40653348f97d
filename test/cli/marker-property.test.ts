/**
 * Markers in another property than the one in use stop plan and apply with one line naming both,
 * instead of adopting every guest again (a declared generation bump would become "adopt (no reset)").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEmulator } from '../helpers/emulator.js';
import { ALICE, ERIN, MARKER, demoWorkdir, guestops, isWrite, resetsDone } from '../apply/support.js';

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

test('the directory extension in use while the guests carry markers in extensionAttribute3: plan and apply stop, nothing written', async () => {
  // The tenant was managed with --marker-property extensionAttribute3: the markers sit there.
  const emu = await withEmulator({
    seedPatch: (s) =>
      ({
        ...s,
        users: s.users.map((u) => {
          const moved = Object.entries(u).find(([k]) => k.startsWith('extension_'));
          if (!moved) return u;
          const rest = Object.fromEntries(Object.entries(u).filter(([k]) => !k.startsWith('extension_')));
          return { ...rest, onPremisesExtensionAttributes: { extensionAttribute3: moved[1] } };
        }),
      }) as unknown as typeof s,
  });
  try {
    const cwd = demoWorkdir();
    const tailspin = join(cwd, 'guests/partners/tailspin.yml');
    writeFileSync(tailspin, readFileSync(tailspin, 'utf8').replace('generation: 1', 'generation: 2'));
    for (const command of ['plan', 'apply']) {
      const r = await guestops(emu, [command, '--marker-property', MARKER], { cwd });
      assert.equal(r.code, 1, r.stdout);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, new RegExp(`^guestops ${command}: error marker-property-mismatch: \\d+ declared guest\\(s\\) carry guestops' state marker in another property than ${MARKER}, the marker property in use \\(\\d+ in extensionAttribute3;`));
      assert.ok(lines[0]!.includes('Use --marker-property extensionAttribute3'), lines[0]);
      assert.doesNotMatch(r.stdout, /adopt/);
    }
    assert.deepEqual((await emu.requests()).filter(isWrite), []);

    const right = await guestops(emu, ['apply', '--marker-property', 'extensionAttribute3'], { cwd });
    assert.equal(right.code, 0, right.stderr);
    assert.equal(resetsDone(await emu.requests(), ALICE), 1);
  } finally {
    await emu.close();
  }
});

test('with the directory extension in use, only declared guests it shows unmarked have their attributes read', async () => {
  const emu = await withEmulator();
  try {
    const cwd = demoWorkdir();
    const r = await guestops(emu, ['plan', '--marker-property', MARKER], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const queries = (await emu.requests()).map((e) => `${e.method} ${e.path}?${decodeURIComponent(e.query.replace(/\+/g, ' '))}`);
    // The bulk list never selects the fifteen attributes; the demo's unmarked guests (Dave, an
    // adoption, among them) are read by id.
    assert.ok(queries.some((q) => /userType eq 'Guest'/.test(q) && !/onPremisesExtensionAttributes/.test(q)), queries.join('\n'));
    const attributeReads = queries.filter((q) => /onPremisesExtensionAttributes/.test(q));
    assert.ok(attributeReads.length > 0, queries.join('\n'));
    // Either a read by id of the unmarked, or the lookup of a declared user the list did not hold.
    for (const q of attributeReads) assert.match(q, /^GET \/v1\.0\/users(\?.*\$filter=id in \('|\/[0-9a-f-]{36}\?|\?\$filter=(mail eq|otherMails\/any))/, q);
  } finally {
    await emu.close();
  }
});

test('a declared user outside the guest list brings its extension attributes with its own lookup: a marker there still stops the plan, with no second read of her', async () => {
  // Erin is a member: the guest list never holds her, so she is looked up by id. Her marker sits
  // in extensionAttribute3 (a guest managed that way, since made a member).
  const emu = await withEmulator({
    seedPatch: (s) => {
      const marker = Object.entries(s.users.find((u) => u.id === ALICE)!).find(([k]) => k.startsWith('extension_'))![1];
      return { ...s, users: s.users.map((u) => (u.id === ERIN ? { ...u, onPremisesExtensionAttributes: { extensionAttribute3: marker } } : u)) } as unknown as typeof s;
    },
  });
  try {
    const cwd = demoWorkdir();
    writeFileSync(join(cwd, 'guests/erin.yaml'), `guests:\n  - id: ${ERIN}\n    email: erin@contoso.example\n`);
    const r = await guestops(emu, ['plan', '--marker-property', MARKER], { cwd });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`error marker-property-mismatch: 1 declared guest\\(s\\) carry .*\\(1 in extensionAttribute3; e\\.g\\. user ${ERIN}\\)`), r.stderr);
    const queries = (await emu.requests()).map((e) => `${e.method} ${e.path}?${decodeURIComponent(e.query.replace(/\+/g, ' '))}`);
    // Her lookup (`id in (…)`, 15 declared ids to a request) selects the attributes itself.
    const reads = queries.filter((q) => q.toLowerCase().includes(ERIN) && q.startsWith('GET /v1.0/users'));
    assert.equal(reads.length, 1, queries.join('\n'));
    assert.ok(reads[0]!.startsWith(`GET /v1.0/users?$filter=id in ('${ERIN}')&`), reads[0]);
    assert.match(reads[0]!, /\$select=[^&]*onPremisesExtensionAttributes/);
  } finally {
    await emu.close();
  }
});
