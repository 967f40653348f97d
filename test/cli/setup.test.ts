import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEmulator, demoSeed } from '../helpers/emulator.js';
import { demoWorkdir, guestops, isWrite } from '../apply/support.js';

const APP_ID = '8c3f2a10-5b7e-4d2c-9a61-3e0f7b9d2c41';
const PROPERTY = 'extension_8c3f2a105b7e4d2c9a613e0f7b9d2c41_guestopsState';

test('setup registers the marker extension once, is idempotent, and plan then discovers it', async () => {
  const seed = demoSeed();
  const bare = { ...seed, applications: (seed.applications ?? []).map((a) => ({ ...a, extensionProperties: [] })) };
  // Markers of the demo users live under the property that does not exist yet: drop them too.
  const emu = await withEmulator({ seed: { ...bare, users: bare.users.map((u) => Object.fromEntries(Object.entries(u).filter(([k]) => !k.startsWith('extension_')))) } as unknown as typeof seed });
  try {
    const cwd = demoWorkdir();
    const before = await guestops(emu, ['plan'], { cwd });
    assert.equal(before.code, 1);
    assert.match(before.stderr, /marker-property-missing/);
    assert.match(before.stderr, /guestops setup/);

    const first = await guestops(emu, ['setup', '--app-id', APP_ID], { cwd });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`Registered directory extension ${PROPERTY}`));
    const second = await guestops(emu, ['setup', '--app-id', APP_ID], { cwd });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /already exists/);
    const creates = (await emu.requests()).filter((e) => isWrite(e) && e.path.endsWith('/extensionProperties'));
    assert.equal(creates.length, 1);
    assert.deepEqual(creates[0]!.requestBody, { name: 'guestopsState', dataType: 'String', targetObjects: ['User'] });

    const after = await guestops(emu, ['plan', '--format', 'json'], { cwd });
    assert.equal(after.code, 0, after.stderr);
    assert.equal((JSON.parse(after.stdout) as { markerProperty: string }).markerProperty, PROPERTY);
  } finally {
    await emu.close();
  }
});

test('setup: unknown app id, missing --app-id, and extensionAttributeN as the marker', async () => {
  // Guests never managed under the directory extension (markers there stop the plan: marker-property.test.ts).
  const emu = await withEmulator({
    seedPatch: (s) => ({ ...s, users: s.users.map((u) => Object.fromEntries(Object.entries(u).filter(([k]) => !k.startsWith('extension_')))) }) as unknown as typeof s,
  });
  try {
    const cwd = demoWorkdir();
    const missing = await guestops(emu, ['setup'], { cwd });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--app-id is required/);
    const unknown = await guestops(emu, ['setup', '--app-id', '00000000-0000-4000-8000-000000000000'], { cwd });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /app-not-found/);

    // extensionAttribute: every demo guest looks unmanaged there, so all are adopted or reset.
    const r = await guestops(emu, ['apply', '--marker-property', 'extensionAttribute7'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const state = await emu.state();
    const carol = state.markers['3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e70'] ?? {};
    assert.match(String(carol['onPremisesExtensionAttributes.extensionAttribute7']), /^\{"v":1,/);
    const again = await guestops(emu, ['plan', '--detailed-exitcode', '--marker-property', 'extensionAttribute7'], { cwd });
    assert.equal(again.code, 0, again.stdout);
  } finally {
    await emu.close();
  }
});
