/** Applications by uniqueName (upsert), update, soft delete and deleted items, over HTTP. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphFetch, withEmulator, type Seed, type TestEmulator } from '../helpers/emulator.js';

const OTHER_APP = '0e0e0e0e-0000-4000-8000-00000000b001';
const ALL_APP = '0e0e0e0e-0000-4000-8000-00000000b002';
const LOCK = "/v1.0/applications(uniqueName='guestops-lock')";
const CREATE = { prefer: 'create-if-missing' };

function withTokens(s: Seed): Seed {
  return {
    ...s,
    tokens: {
      ...s.tokens,
      'other-owned': { kind: 'app', appId: OTHER_APP, permissions: ['Application.ReadWrite.OwnedBy'] },
      'all-apps': { kind: 'app', appId: ALL_APP, permissions: ['Application.ReadWrite.All'] },
      // A delegated admin whose consent lacks Application.ReadWrite.All (OwnedBy is app-only).
      'admin-no-apps': { kind: 'delegated', upn: 'erin@contoso.onmicrosoft.com', permissions: ['User.ReadWrite.All', 'Directory.Read.All', 'Application.ReadWrite.OwnedBy'] },
    },
  };
}

/** Gives the seed's i-th application (a copy of the first when missing) a uniqueName. */
function withUniqueName(s: Seed, uniqueName: string, i: number): Seed {
  const apps = [...(s.applications ?? [])];
  const base = apps[i] ?? { ...apps[0]!, id: '0e0e0e0e-0000-4000-8000-00000000c001', appId: '0e0e0e0e-0000-4000-8000-00000000c002', extensionProperties: [] };
  apps[i] = { ...base, uniqueName };
  return { ...s, applications: apps };
}

async function using(fn: (emu: TestEmulator, advance: (ms: number) => void) => Promise<void>, lag = 0): Promise<void> {
  let now = 0;
  const emu = await withEmulator({
    throttle: false, replicationLagMs: lag, clock: () => now, seedPatch: (s) => withUniqueName(withTokens(s), 'seeded-lock', 0),
  });
  try {
    await fn(emu, (ms) => (now += ms));
  } finally {
    await emu.close();
  }
}

const upsert = (emu: TestEmulator, body: unknown, opts: { token?: string; path?: string; headers?: Record<string, string> } = {}) =>
  graphFetch(emu.url, opts.path ?? LOCK, { method: 'PATCH', body, headers: opts.headers ?? CREATE, ...(opts.token ? { token: opts.token } : {}) });

test('upsert by uniqueName: 201 with the new application, then 204 updates; GET by uniqueName and id', async () => {
  await using(async (emu) => {
    const created = await upsert(emu, { displayName: 'guestops lock', notes: 'run 1' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const app = created.body;
    assert.match(app['@odata.context'], /\/v1\.0\/\$metadata#applications\/\$entity$/);
    assert.match(app.id, /^[0-9a-f-]{36}$/);
    assert.match(app.appId, /^[0-9a-f-]{36}$/);
    assert.notEqual(app.id, app.appId);
    assert.equal(app.uniqueName, 'guestops-lock');
    assert.equal(app.displayName, 'guestops lock');
    assert.equal(app.notes, 'run 1');
    assert.equal(app.description, null);
    assert.equal(app.deletedDateTime, null);
    assert.ok(Date.parse(app.createdDateTime) > 0);

    const again = await upsert(emu, { displayName: 'guestops lock', description: 'held' });
    assert.equal(again.status, 204);
    assert.equal(again.body, undefined);
    // Case-insensitive: the same name in other case is the same application, not a second one.
    const upper = await upsert(emu, { displayName: 'guestops lock', notes: 'run 2' }, { path: "/v1.0/applications(uniqueName='GUESTOPS-LOCK')" });
    assert.equal(upper.status, 204);

    const byName = await graphFetch(emu.url, LOCK);
    assert.equal(byName.status, 200);
    assert.deepEqual([byName.body.id, byName.body.notes, byName.body.description], [app.id, 'run 2', 'held']);
    const byId = await graphFetch(emu.url, `/v1.0/applications/${app.id}?$select=id,uniqueName,notes`);
    assert.deepEqual(byId.body, { '@odata.context': byId.body['@odata.context'], id: app.id, uniqueName: 'guestops-lock', notes: 'run 2' });

    const state = (await emu.state()).applications.filter((a) => a.uniqueName?.toLowerCase() === 'guestops-lock');
    assert.equal(state.length, 1);
    assert.deepEqual(state[0]!.ownerAppIds, ['8c3f2a10-5b7e-4d2c-9a61-3e0f7b9d2c41'], 'the app-only creator owns it');

    const patched = await graphFetch(emu.url, `/v1.0/applications/${app.id}`, { method: 'PATCH', body: { notes: null } });
    assert.equal(patched.status, 204);
    assert.equal((await graphFetch(emu.url, LOCK)).body.notes, null);
  });
});

test('upsert refusals: no Prefer → 404, no displayName, read-only or unknown properties, missing permissions', async () => {
  await using(async (emu) => {
    const plain = await upsert(emu, { displayName: 'x' }, { headers: {} });
    assert.equal(plain.status, 404);
    assert.equal(plain.body.error.code, 'Request_ResourceNotFound');
    assert.equal((await graphFetch(emu.url, LOCK)).status, 404);
    for (const [body, message] of [
      [{ notes: 'no name' }, /'displayName' is required/],
      [{ displayName: 'x', uniqueName: 'guestops-lock' }, /'uniqueName' is read-only/],
      [{ displayName: 'x', frob: 1 }, /'frob' does not exist/],
      [{ displayName: 'x', web: {} }, /'web' cannot be updated by the Graph emulator/],
      [{ displayName: 'x', notes: 'n'.repeat(1025) }, /Invalid value specified for property 'notes'/],
      [{ displayName: '' }, /Invalid value specified for property 'displayName'/],
    ] as const) {
      const r = await upsert(emu, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 'Request_BadRequest');
      assert.match(r.body.error.message, message);
    }
    for (const token of ['demo-plan', 'admin-no-apps']) {
      const r = await upsert(emu, { displayName: 'x' }, { token });
      assert.equal(r.status, 403, token);
      assert.equal(r.body.error.code, 'Authorization_RequestDenied');
    }
    assert.equal((await upsert(emu, { displayName: 'x' }, { headers: { prefer: 'return=minimal, create-if-missing' } })).status, 201);
    assert.equal((await emu.state()).applications.length, 2, 'only the last upsert created anything');
  });
});

test('concurrent upserts of one uniqueName: exactly one 201, decided on the true state even under a long lag', async () => {
  await using(async (emu) => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => upsert(emu, { displayName: 'lock', notes: `run ${i}` })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, ...Array<number>(11).fill(204)]);
    assert.equal((await emu.state()).applications.filter((a) => a.uniqueName === 'guestops-lock').length, 1);
  }, 60_000);
});

test('replication lag: a new application answers 404 by id and by name (GET, PATCH, DELETE) until the lag passes; PATCHes read old', async () => {
  await using(async (emu, advance) => {
    const created = await upsert(emu, { displayName: 'lock', notes: 'mine' });
    assert.equal(created.status, 201);
    const id = created.body.id as string;
    assert.equal((await graphFetch(emu.url, `/v1.0/applications/${id}`)).status, 404);
    assert.equal((await graphFetch(emu.url, LOCK)).status, 404);
    assert.equal((await graphFetch(emu.url, `/v1.0/applications/${id}`, { method: 'PATCH', body: { notes: 'x' } })).status, 404);
    assert.equal((await graphFetch(emu.url, `/v1.0/applications/${id}`, { method: 'DELETE' })).status, 404);
    // The name is taken at once: a second run's upsert is an update, not a second lock.
    assert.equal((await upsert(emu, { displayName: 'lock', notes: 'theirs' })).status, 204);
    advance(1_000);
    const seen = await graphFetch(emu.url, `/v1.0/applications/${id}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.notes, 'theirs');
    assert.equal((await graphFetch(emu.url, `/v1.0/applications/${id}`, { method: 'PATCH', body: { notes: 'later' } })).status, 204);
    assert.equal((await graphFetch(emu.url, LOCK)).body.notes, 'theirs');
    advance(1_000);
    assert.equal((await graphFetch(emu.url, LOCK)).body.notes, 'later');
    assert.ok((await emu.state()).staleReads >= 3);
  }, 1_000);
});

test('DELETE soft-deletes: the uniqueName stays reserved until the object is removed from deleted items', async () => {
  await using(async (emu) => {
    const first = await upsert(emu, { displayName: 'lock' });
    const id = first.body.id as string;
    assert.equal((await graphFetch(emu.url, `/v1.0/applications/${id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await graphFetch(emu.url, `/v1.0/applications/${id}`)).status, 404);
    assert.equal((await graphFetch(emu.url, LOCK)).status, 404);
    const reserved = await upsert(emu, { displayName: 'lock' });
    assert.equal(reserved.status, 400);
    assert.equal(reserved.body.error.message, 'Another object with the same value for property uniqueName already exists.');
    const deleted = await graphFetch(emu.url, `/v1.0/directory/deletedItems/${id}`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body['@odata.type'], '#microsoft.graph.application');
    assert.ok(Date.parse(deleted.body.deletedDateTime) > 0);
    assert.ok((await emu.state()).applications.find((a) => a.id === id)!.deletedDateTime);

    assert.equal((await graphFetch(emu.url, `/v1.0/directory/deletedItems/${id}`, { method: 'DELETE', token: 'demo-plan' })).status, 403);
    assert.equal((await graphFetch(emu.url, `/v1.0/directory/deletedItems/${id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await graphFetch(emu.url, `/v1.0/directory/deletedItems/${id}`, { method: 'DELETE' })).status, 404);
    assert.ok(!(await emu.state()).applications.some((a) => a.id === id));
    const second = await upsert(emu, { displayName: 'lock' });
    assert.equal(second.status, 201);
    assert.notEqual(second.body.id, id);
    // A live application is not in deleted items.
    assert.equal((await graphFetch(emu.url, `/v1.0/directory/deletedItems/${second.body.id}`, { method: 'DELETE' })).status, 404);
  });
});

test('Application.ReadWrite.OwnedBy reaches only applications the caller owns; .All reaches every one', async () => {
  await using(async (emu) => {
    const id = (await upsert(emu, { displayName: 'lock' })).body.id as string;
    const other = { token: 'other-owned' };
    assert.equal((await upsert(emu, { displayName: 'lock' }, other)).status, 403);
    assert.equal((await graphFetch(emu.url, `/v1.0/applications/${id}`, { method: 'PATCH', body: { notes: 'x' }, ...other })).status, 403);
    assert.equal((await graphFetch(emu.url, `/v1.0/applications/${id}`, { method: 'DELETE', ...other })).status, 403);
    assert.equal((await graphFetch(emu.url, `/v1.0/applications/${id}`, other)).status, 403);
    // The other app may take its own name.
    assert.equal((await upsert(emu, { displayName: 'theirs' }, { ...other, path: "/v1.0/applications(uniqueName='other-lock')" })).status, 201);
    const all = { token: 'all-apps' };
    assert.equal((await graphFetch(emu.url, `/v1.0/applications/${id}`, { method: 'PATCH', body: { notes: 'admin' }, ...all })).status, 204);
    assert.equal((await graphFetch(emu.url, `/v1.0/applications/${id}`, { method: 'DELETE', ...all })).status, 204);
  });
});

test('application writes cost a write in the throttling model', async () => {
  const emu = await withEmulator({});
  try {
    const r = await upsert(emu, { displayName: 'lock' });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('x-ms-resource-unit'), '1');
  } finally {
    await emu.close();
  }
});

test('a seed may give an application a uniqueName (unique, case-insensitively); upserting it updates that application', async () => {
  await using(async (emu) => {
    const seeded = (await emu.state()).applications[0]!;
    const r = await upsert(emu, { displayName: 'guestops', notes: 'seeded' }, { path: "/v1.0/applications(uniqueName='Seeded-Lock')" });
    assert.equal(r.status, 204);
    assert.equal((await emu.state()).applications.find((a) => a.id === seeded.id)!.notes, 'seeded');
  });
  await assert.rejects(
    withEmulator({
      throttle: false,
      seedPatch: (s) => withUniqueName(withUniqueName(s, 'x', 0), 'X', 1),
    }),
    /applications\[1\]\.uniqueName: duplicate uniqueName X/,
  );
});

const LIST_LAG = 1_000;

test('deleted applications are listed (paged, $select) as readers see them; OwnedBy lists only its own; $filter is refused', async () => {
  await using(async (emu, advance) => {
    const created = await upsert(emu, { displayName: 'lock' });
    assert.equal(created.status, 201);
    const id = created.body.id as string;
    advance(LIST_LAG + 1);
    const LIST = '/v1.0/directory/deletedItems/microsoft.graph.application';
    assert.deepEqual((await graphFetch(emu.url, LIST)).body.value, [], 'nothing deleted yet');
    assert.equal((await graphFetch(emu.url, `/v1.0/applications/${id}`, { method: 'DELETE' })).status, 204);
    // The deletion replicates like any write: not listed during the lag.
    assert.deepEqual((await graphFetch(emu.url, `${LIST}?$select=id,uniqueName`)).body.value, []);
    advance(LIST_LAG + 1);
    const listed = await graphFetch(emu.url, `${LIST}?$select=id,uniqueName&$top=1`);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.value, [{ id, uniqueName: 'guestops-lock' }]);
    assert.equal(listed.body['@odata.nextLink'], undefined);
    assert.deepEqual((await graphFetch(emu.url, LIST, { token: 'other-owned' })).body.value, [], 'another OwnedBy app owns none of them');
    assert.equal((await graphFetch(emu.url, `${LIST}?$filter=uniqueName eq 'guestops-lock'`)).status, 400);
    assert.equal((await graphFetch(emu.url, LIST, { token: 'demo-plan' })).status, 403);
  }, LIST_LAG);
});
