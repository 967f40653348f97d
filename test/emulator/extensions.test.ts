import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphFetch, withEmulator } from '../helpers/emulator.js';

const APP_ID = '8c3f2a10-5b7e-4d2c-9a61-3e0f7b9d2c41';
const APP_OBJECT = '2d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a';
const JOHN = '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10';

test('applications by object id and by appId alternate key', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const a = await graphFetch(emu.url, `/v1.0/applications(appId='${APP_ID}')`);
    assert.equal(a.status, 200);
    assert.equal(a.body.id, APP_OBJECT);
    assert.equal(a.body.appId, APP_ID);
    assert.equal(a.body['@odata.context'], `${emu.url}/v1.0/$metadata#applications/$entity`);
    const b = await graphFetch(emu.url, `/v1.0/applications/${APP_OBJECT}?$select=id,displayName`);
    assert.deepEqual(Object.keys(b.body), ['@odata.context', 'id', 'displayName']);
    const missing = await graphFetch(emu.url, "/v1.0/applications(appId='00000000-0000-4000-8000-000000000000')", { token: 'demo-admin' });
    assert.equal(missing.status, 404);
    // OwnedBy reaches only the caller's own registration; the plan identity has no Application permission.
    assert.equal((await graphFetch(emu.url, `/v1.0/applications/${APP_OBJECT}`, { token: 'demo-plan' })).status, 403);
  } finally {
    await emu.close();
  }
});

test('register a directory extension, write it by PATCH, read it with $select in a list, discover it', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const r = await graphFetch(emu.url, `/v1.0/applications/${APP_OBJECT}/extensionProperties`, {
      method: 'POST',
      body: { name: 'guestopsAudit', dataType: 'String', targetObjects: ['User'] },
    });
    assert.equal(r.status, 201);
    const name = `extension_${APP_ID.replace(/-/g, '')}_guestopsAudit`;
    // Keys of the extensionProperty example response (application-post-extensionproperty.md).
    assert.deepEqual(Object.keys(r.body), ['@odata.context', 'id', 'deletedDateTime', 'appDisplayName', 'dataType', 'isMultiValued', 'isSyncedFromOnPremises', 'name', 'targetObjects']);
    assert.equal(r.body.name, name);
    assert.equal(r.body.appDisplayName, 'guestops-apply');
    const dup = await graphFetch(emu.url, `/v1.0/applications/${APP_OBJECT}/extensionProperties`, { method: 'POST', body: { name: 'guestopsAudit', dataType: 'String', targetObjects: ['User'] } });
    assert.equal(dup.status, 400);
    const badType = await graphFetch(emu.url, `/v1.0/applications/${APP_OBJECT}/extensionProperties`, { method: 'POST', body: { name: 'x', dataType: 'Float', targetObjects: ['User'] } });
    assert.equal(badType.status, 400);
    assert.equal((await graphFetch(emu.url, `/v1.0/users/${JOHN}`, { method: 'PATCH', body: { [name]: 'hello' } })).status, 204);
    const list = await graphFetch(emu.url, `/v1.0/users?$select=id,${name}&$filter=${encodeURIComponent(`${name} eq 'hello'`)}`);
    assert.deepEqual(list.body.value, [{ id: JOHN, [name]: 'hello' }]);
    const noSelect = await graphFetch(emu.url, `/v1.0/users/${JOHN}`);
    assert.equal(noSelect.body[name], undefined, 'extensions only on $select');
    const avail = await graphFetch(emu.url, '/v1.0/directoryObjects/getAvailableExtensionProperties', { method: 'POST', body: { isSyncedFromOnPremises: false } });
    assert.equal(avail.status, 200);
    assert.match(avail.body['@odata.context'], /\$metadata#Collection\(extensionProperty\)$/);
    assert.equal(avail.body.value[0]['@odata.type'], '#microsoft.graph.extensionProperty');
    assert.deepEqual(avail.body.value.map((e: { name: string }) => e.name).sort(), [`extension_${APP_ID.replace(/-/g, '')}_guestopsState`, name].sort());
    const listed = await graphFetch(emu.url, `/v1.0/applications(appId='${APP_ID}')/extensionProperties`);
    assert.equal(listed.body.value.length, 2);
    assert.equal((await emu.state()).applications[0]!.extensionProperties.length, 2);
  } finally {
    await emu.close();
  }
});

test('roleAssignments: $filter principalId eq, $select, paging by nextLink', async () => {
  const emu = await withEmulator({
    throttle: false,
    seedPatch: (s) => ({
      ...s,
      roleAssignments: [
        ...(s.roleAssignments ?? []),
        ...Array.from({ length: 5 }, (_, i) => ({ principalId: `00000000-0000-4000-8000-00000000000${i}`, roleDefinitionId: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b' })),
      ],
    }),
  });
  try {
    const f = await graphFetch(emu.url, `/v1.0/roleManagement/directory/roleAssignments?$filter=${encodeURIComponent("principalId eq '5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b90'")}`, { token: 'demo-plan' });
    assert.equal(f.status, 200);
    assert.equal(f.body.value.length, 1);
    assert.deepEqual(Object.keys(f.body.value[0]), ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId']);
    assert.equal(f.body.value[0].directoryScopeId, '/');
    const none = await graphFetch(emu.url, `/v1.0/roleManagement/directory/roleAssignments?$filter=${encodeURIComponent(`principalId eq '${JOHN}'`)}`, { token: 'demo-plan' });
    assert.deepEqual(none.body.value, []);
    let link: string | undefined = '/v1.0/roleManagement/directory/roleAssignments?$select=principalId&$top=3';
    const seen: string[] = [];
    while (link) {
      const r = await graphFetch(emu.url, link, { token: 'demo-plan' });
      assert.equal(r.status, 200);
      for (const v of r.body.value) {
        assert.deepEqual(Object.keys(v), ['principalId']);
        seen.push(v.principalId);
      }
      link = r.body['@odata.nextLink'];
    }
    assert.equal(seen.length, 7);
    const unsupported = await graphFetch(emu.url, `/v1.0/roleManagement/directory/roleAssignments?$filter=${encodeURIComponent("startswith(principalId,'5')")}`, { token: 'demo-plan' });
    assert.equal(unsupported.status, 400);
  } finally {
    await emu.close();
  }
});
