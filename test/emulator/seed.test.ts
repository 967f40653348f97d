import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { demoSeedPath, loadSeedFile, startEmulator, validateSeed } from '../../src/emulator/index.js';
import { GuestopsError } from '../../src/errors.js';
import { demoSeed, graphFetch } from '../helpers/emulator.js';
import { fixture, repoRoot } from '../helpers/paths.js';

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GuestopsError, String(e));
    assert.equal(e.code, 'emulator-seed-invalid');
    assert.match(e.message, pattern);
    return true;
  });
}

test('the demo seed is valid and every declared guest in guests/ exists in it', () => {
  const seed = loadSeedFile(demoSeedPath);
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.ya?ml$/.test(e.name)) files.push(join(d, e.name));
    }
  };
  walk(join(repoRoot, 'guests'));
  assert.ok(files.length >= 3);
  let declared = 0;
  for (const f of files) {
    const doc = load(readFileSync(f, 'utf8')) as { guests: { id?: string; upn?: string }[] };
    for (const g of doc.guests) {
      declared++;
      const found = seed.users.find((u) => (g.id ? u.id === g.id : u.userPrincipalName.toLowerCase() === g.upn!.toLowerCase()));
      assert.ok(found, `${f}: ${g.id ?? g.upn} is not in the demo seed`);
      assert.equal(found['userType'], 'Guest');
    }
  }
  assert.equal(declared, 7);
});

test('seed validation names the field', () => {
  const base = demoSeed();
  rejects(() => validateSeed({ ...base, tenantId: 'nope' }), /\(root\)\.tenantId: must be a GUID/);
  rejects(() => validateSeed({ ...base, users: [{ ...base.users[0]!, id: 'x' }] }), /users\[0\]\.id: must be a GUID/);
  rejects(() => validateSeed({ ...base, users: [base.users[0]!, base.users[0]!] }), /users\[1\]\.id: duplicate id/);
  rejects(() => validateSeed({ ...base, users: [{ ...base.users[0]!, otherMails: 'a@b' }] }), /users\[0\]\.otherMails: must be an array of strings/);
  rejects(() => validateSeed({ ...base, users: [{ ...base.users[0]!, extension_abc_x: 'v' }] }), /users\[0\]\.extension_abc_x: is not a directory extension registered/);
  rejects(() => validateSeed({ ...base, tokens: { t: { kind: 'robot', permissions: [] } } }), /tokens\["t"\]\.kind/);
  rejects(() => validateSeed({ ...base, tokens: { t: { kind: 'delegated', permissions: [] } } }), /tokens\["t"\]\.upn/);
  rejects(() => validateSeed({ ...base, roleAssignments: [{ principalId: 'x', roleDefinitionId: 'y' }] }), /roleAssignments\[0\]\.principalId/);
  rejects(() => validateSeed({ ...base, applications: [{ ...base.applications![0]!, extensionProperties: [{ name: 'extension_123_x', dataType: 'String', targetObjects: ['User'] }] }] }), /applications\[0\]\.extensionProperties\[0\]\.name/);
  rejects(() => validateSeed([]), /must be a JSON object/);
});

test('seed files: a JSON syntax error gives the file, line and column; a bad value names the file and field', () => {
  rejects(() => loadSeedFile(fixture('emulator', 'syntax-error.json')), /syntax-error\.json: not valid JSON at line 4, column/);
  rejects(() => loadSeedFile(fixture('emulator', 'bad-user-type.json')), /bad-user-type\.json: users\[0\]\.userType: must be 'Guest' or 'Member'/);
  assert.throws(() => loadSeedFile(fixture('emulator', 'absent.json')), (e: unknown) => e instanceof GuestopsError && e.code === 'emulator-seed-unreadable');
});

test('a seed path or object starts a tenant; tenantDomain shapes new guests\' UPNs', async () => {
  const emu = await startEmulator({ seed: fixture('emulator', 'minimal.json'), throttle: false });
  try {
    const r = await graphFetch(emu.url, '/v1.0/users', { token: 'reader' });
    assert.equal(r.body.value.length, 1);
    assert.equal((await graphFetch(emu.url, '/v1.0/users', { token: 'demo-apply' })).status, 401);
    const inv = await graphFetch(emu.url, '/v1.0/invitations', { method: 'POST', token: 'inviter', body: { invitedUserEmailAddress: 'b@y.example', inviteRedirectUrl: 'https://x.example' } });
    assert.equal(inv.status, 201);
    const u = await graphFetch(emu.url, `/v1.0/users/${inv.body.invitedUser.id}?$select=userPrincipalName`, { token: 'reader' });
    assert.equal(u.body.userPrincipalName, 'b_y.example#EXT#@fabrikam.onmicrosoft.com');
  } finally {
    await emu.close();
  }
  await assert.rejects(startEmulator({ seed: { ...demoSeed(), users: [{ id: 'bad', userPrincipalName: 'x' }] } }), /users\[0\]\.id/);
});
