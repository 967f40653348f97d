import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphFetch, usingEmulator, type Seed } from '../helpers/emulator.js';

const EXT = 'extension_8c3f2a105b7e4d2c9a613e0f7b9d2c41_guestopsState';
const JOHN = '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10';
const ALICE = '0b7e4c1a-3f2d-4e8b-a6c9-5d1e2f3a4b50';
const JOHN_UPN = 'john.doe_fabrikam.example#EXT#@contoso.onmicrosoft.com';
const DEFAULT_KEYS = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];

const using = usingEmulator;

function manyGuests(n: number) {
  return (s: Seed): Seed => ({
    ...s,
    users: [
      ...s.users,
      ...Array.from({ length: n }, (_, i) => ({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        userPrincipalName: `g${i}_x.example#EXT#@contoso.onmicrosoft.com`,
        mail: `g${i}@x.example`,
        userType: i % 10 === 0 ? 'Member' : 'Guest',
      })),
    ],
  });
}

test('GET /users returns the default property set, @odata.context and no extension property', async () => {
  await using(async (emu) => {
    const r = await graphFetch(emu.url, '/v1.0/users');
    assert.equal(r.status, 200);
    assert.equal(r.body['@odata.context'], `${emu.url}/v1.0/$metadata#users`);
    assert.equal(r.body.value.length, 9);
    assert.deepEqual(Object.keys(r.body.value[0]).sort(), [...DEFAULT_KEYS].sort());
    assert.equal(r.body['@odata.nextLink'], undefined);
    assert.ok(r.headers.get('request-id'));
    assert.ok(r.headers.get('client-request-id'));
  });
});

test('$select returns exactly the selected properties, extensions included, case-insensitively', async () => {
  await using(async (emu) => {
    const r = await graphFetch(emu.url, `/v1.0/users?$select=ID,userType,otherMails,externalUserState,${EXT},onPremisesExtensionAttributes`);
    assert.equal(r.status, 200);
    assert.equal(r.body['@odata.context'], `${emu.url}/v1.0/$metadata#users(id,userType,otherMails,externalUserState,${EXT},onPremisesExtensionAttributes)`);
    const john = r.body.value.find((u: { id: string }) => u.id === JOHN);
    assert.deepEqual(Object.keys(john), ['id', 'userType', 'otherMails', 'externalUserState', EXT, 'onPremisesExtensionAttributes']);
    assert.equal(john.userType, 'Guest');
    assert.match(john[EXT], /"g":0/);
    assert.equal(john.onPremisesExtensionAttributes.extensionAttribute15, null);
    const carol = r.body.value.find((u: { id: string }) => u.id === '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e70');
    assert.equal(carol[EXT], null, 'unset extension is null when selected');
    assert.deepEqual(carol.otherMails, []);
  });
});

test('$select of an unknown property or unregistered extension is a 400', async () => {
  await using(async (emu) => {
    for (const p of ['favouriteColour', 'extension_0000_nope']) {
      const r = await graphFetch(emu.url, `/v1.0/users?$select=id,${p}`);
      assert.equal(r.status, 400, p);
      assert.equal(r.body.error.code, 'Request_BadRequest');
      assert.match(r.body.error.message, new RegExp(`Could not find a property named '${p}'`));
      assert.ok(r.body.error.innerError['request-id']);
      assert.ok(r.body.error.innerError.date);
    }
  });
});

test('$top must be 1..999', async () => {
  await using(async (emu) => {
    for (const top of ['0', '1000', 'abc', '-1']) {
      const r = await graphFetch(emu.url, `/v1.0/users?$top=${top}`);
      assert.equal(r.status, 400, top);
      assert.equal(r.body.error.code, 'Request_UnsupportedQuery', top);
      assert.equal(r.body.error.message, `Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`);
    }
    const ok = await graphFetch(emu.url, '/v1.0/users?$top=999');
    assert.equal(ok.status, 200);
  });
});

test('paging: default page is 100, nextLink is absolute on the emulator and followed verbatim visits every user once', async () => {
  await using(async (emu) => {
    const first = await graphFetch(emu.url, '/v1.0/users?$select=id');
    assert.equal(first.body.value.length, 100);
    const seen: string[] = [];
    let link: string | undefined = `${emu.url}/v1.0/users?$top=37&$select=id,mail&$filter=userType eq 'Guest'`;
    let pages = 0;
    while (link) {
      const r = await graphFetch(emu.url, link);
      assert.equal(r.status, 200);
      for (const u of r.body.value) seen.push(u.id);
      link = r.body['@odata.nextLink'];
      if (link) {
        assert.ok(link.startsWith(`${emu.url}/v1.0/users?`), link);
        assert.match(link, /\$skiptoken=/);
        assert.match(link, /\$top=37/);
      }
      pages++;
    }
    // 7 demo guests + 450 of 500 generated (every 10th is a member)
    assert.equal(seen.length, 458);
    assert.equal(new Set(seen).size, seen.length);
    assert.equal(pages, Math.ceil(458 / 37));
  }, manyGuests(500));
});

test('a skiptoken pasted onto a different query is refused', async () => {
  await using(async (emu) => {
    const r = await graphFetch(emu.url, '/v1.0/users?$top=2');
    const token = new URL(r.body['@odata.nextLink']).searchParams.get('$skiptoken');
    const bad = await graphFetch(emu.url, `/v1.0/users?$top=3&$skiptoken=${token}`);
    assert.equal(bad.status, 400);
    const garbage = await graphFetch(emu.url, '/v1.0/users?$skiptoken=zzz');
    assert.equal(garbage.status, 400);
  });
});

test('$filter forms guestops uses', async () => {
  await using(async (emu) => {
    const ids = async (filter: string): Promise<string[]> => {
      const r = await graphFetch(emu.url, `/v1.0/users?$select=id&$filter=${encodeURIComponent(filter)}`);
      assert.equal(r.status, 200, `${filter}: ${JSON.stringify(r.body)}`);
      return r.body.value.map((u: { id: string }) => u.id);
    };
    assert.equal((await ids("userType eq 'Guest'")).length, 8);
    assert.deepEqual(await ids("mail eq 'JOHN.DOE@fabrikam.example'"), [JOHN]);
    assert.deepEqual(await ids(`userPrincipalName eq '${JOHN_UPN}'`), [JOHN]);
    assert.deepEqual(await ids(`id in ('${ALICE}', '${JOHN}')`), [JOHN, ALICE]);
    assert.deepEqual(await ids("startswith(mail,'alice')"), [ALICE]);
    assert.deepEqual(await ids("startsWith(userPrincipalName,'john.')"), [JOHN]);
    assert.deepEqual(await ids(`userType eq 'Guest' and id in ('${ALICE}','e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4ab0')`), [ALICE]);
    assert.deepEqual(await ids("(mail eq 'nobody@x.example') or mail eq 'alice.wong@tailspin.example'"), [ALICE]);
    assert.deepEqual(await ids("otherMails/any(x:x eq 'dave.lee@adatum.example')"), ['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c60']);
    assert.deepEqual(await ids(`${EXT} eq '{"v":1,"g":0,"e":"02f256b3d710de78","t":"2026-09-14T08:30:00Z","c":"4f1e2d3c4b5a"}'`), [ALICE]);
  });
});

test("OData string escaping: '' is a quote, and an injection attempt matches nothing", async () => {
  await using(async (emu) => {
    const q = (f: string) => graphFetch(emu.url, `/v1.0/users?$select=id,mail&$filter=${encodeURIComponent(f)}`);
    const r = await q("mail eq 'o''brien@x.example'");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.value.map((u: { mail: string }) => u.mail), ["o'brien@x.example"]);
    const inj = await q("mail eq 'x'' or 1 eq 1 or mail eq ''y'");
    assert.equal(inj.status, 200);
    assert.equal(inj.body.value.length, 0);
    const unescaped = await q("mail eq 'x' or 1 eq 1");
    assert.equal(unescaped.status, 400, 'a raw injection is not a valid filter');
  }, (s) => ({ ...s, users: [...s.users, { id: 'aaaaaaaa-0000-4000-8000-000000000001', userPrincipalName: 'obrien_x.example#EXT#@contoso.onmicrosoft.com', mail: "o'brien@x.example", userType: 'Guest' }] }));
});

test('unsupported filters are 400, never ignored; advanced operators need ConsistencyLevel and $count', async () => {
  await using(async (emu) => {
    const cases: [string, string][] = [
      ["userType ne 'Member'", 'Request_UnsupportedQuery'],
      ["endswith(mail,'.example')", 'Request_UnsupportedQuery'],
      ["not(userType eq 'Guest')", 'Request_UnsupportedQuery'],
      ["jobTitle gt 'a'", 'Request_UnsupportedQuery'],
      ["city eq 'Paris'", 'Request_UnsupportedQuery'],
      ["nosuch eq 'x'", 'Request_BadRequest'],
      ["mail eq 'unterminated", 'BadRequest'],
      ['mail eq', 'BadRequest'],
      ["onPremisesExtensionAttributes/extensionAttribute1 eq 'x'", 'Request_UnsupportedQuery'],
    ];
    for (const [f, code] of cases) {
      const r = await graphFetch(emu.url, `/v1.0/users?$filter=${encodeURIComponent(f)}`);
      assert.equal(r.status, 400, f);
      assert.equal(r.body.error.code, code, f);
    }
    const adv = await graphFetch(emu.url, `/v1.0/users?$count=true&$select=id&$filter=${encodeURIComponent("userType ne 'Guest'")}`, { headers: { ConsistencyLevel: 'eventual' } });
    assert.equal(adv.status, 200);
    assert.equal(adv.body['@odata.count'], 1);
    assert.deepEqual(adv.body.value.map((u: { id: string }) => u.id), ['e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4ab0']);
    const count = await graphFetch(emu.url, '/v1.0/users?$count=true');
    assert.equal(count.status, 400);
    assert.equal(count.body.error.message, '$count is not currently supported.');
    const search = await graphFetch(emu.url, '/v1.0/users?$search="displayName:john"');
    assert.equal(search.status, 400);
    assert.match(search.body.error.message, /ConsistencyLevel: eventual/);
    const skip = await graphFetch(emu.url, '/v1.0/users?$skip=2');
    assert.equal(skip.status, 400);
    const raw = await graphFetch(emu.url, '/v1.0/users/$count');
    assert.equal(raw.status, 400);
    const rawOk = await graphFetch(emu.url, '/v1.0/users/$count', { headers: { ConsistencyLevel: 'eventual' } });
    assert.equal(rawOk.body, 9);
    const unknownOption = await graphFetch(emu.url, '/v1.0/users?$frobnicate=1');
    assert.equal(unknownOption.status, 400);
  });
});

test('GET /users/{id | userPrincipalName}: UPN with # sent as %23; 404 Request_ResourceNotFound', async () => {
  await using(async (emu) => {
    const byId = await graphFetch(emu.url, `/v1.0/users/${JOHN}?$select=id,userPrincipalName,externalUserStateChangeDateTime`);
    assert.equal(byId.status, 200);
    assert.equal(byId.body['@odata.context'], `${emu.url}/v1.0/$metadata#users(id,userPrincipalName,externalUserStateChangeDateTime)/$entity`);
    assert.equal(byId.body.externalUserStateChangeDateTime, '2026-03-02T10:15:00Z');
    const byUpn = await graphFetch(emu.url, `/v1.0/users/${encodeURIComponent(JOHN_UPN)}`);
    assert.equal(byUpn.status, 200);
    assert.equal(byUpn.body.id, JOHN);
    assert.equal(byUpn.body['@odata.context'], `${emu.url}/v1.0/$metadata#users/$entity`);
    const missing = await graphFetch(emu.url, '/v1.0/users/11111111-2222-4333-8444-555555555555');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'Request_ResourceNotFound');
    assert.equal(missing.body.error.message, "Resource '11111111-2222-4333-8444-555555555555' does not exist or one of its queried reference-property objects are not present.");
  });
});

test('PATCH writes mail, otherMails, the directory extension and extensionAttributeN; 204 No Content', async () => {
  await using(async (emu) => {
    const r = await graphFetch(emu.url, `/v1.0/users/${JOHN}`, {
      method: 'PATCH',
      body: { mail: 'john.doe@northwind.example', otherMails: ['john.doe@northwind.example'], [EXT]: 'x'.repeat(256), onPremisesExtensionAttributes: { extensionAttribute7: 'y'.repeat(1024) } },
    });
    assert.equal(r.status, 204);
    assert.equal(r.body, undefined);
    const after = await graphFetch(emu.url, `/v1.0/users/${JOHN}?$select=mail,otherMails,${EXT},onPremisesExtensionAttributes`);
    assert.equal(after.body.mail, 'john.doe@northwind.example');
    assert.deepEqual(after.body.otherMails, ['john.doe@northwind.example']);
    assert.equal(after.body[EXT].length, 256);
    assert.equal(after.body.onPremisesExtensionAttributes.extensionAttribute7.length, 1024);
    // the mail index follows the change
    const f = await graphFetch(emu.url, `/v1.0/users?$select=id&$filter=${encodeURIComponent("mail eq 'john.doe@northwind.example'")}`);
    assert.deepEqual(f.body.value, [{ id: JOHN }]);
    const old = await graphFetch(emu.url, `/v1.0/users?$select=id&$filter=${encodeURIComponent("mail eq 'john.doe@fabrikam.example'")}`);
    assert.deepEqual(old.body.value, []);
    const state = await emu.state();
    assert.equal(state.markers[JOHN]!['onPremisesExtensionAttributes.extensionAttribute7'], 'y'.repeat(1024));
  });
});

test('PATCH refusals are 400 and write nothing', async () => {
  await using(async (emu) => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ mail: 'a@b.example', favouriteColour: 'red' }, /Property 'favouriteColour' does not exist as a declared property or extension property/],
      [{ externalUserState: 'Accepted' }, /read-only/],
      [{ [EXT]: 'x'.repeat(257) }, /Invalid value specified for property/],
      [{ onPremisesExtensionAttributes: { extensionAttribute1: 'z'.repeat(1025) } }, /Invalid value/],
      [{ onPremisesExtensionAttributes: { extensionAttribute16: 'z' } }, /does not exist/],
      [{ otherMails: Array.from({ length: 251 }, (_, i) => `m${i}@x.example`) }, /maximum is 250/],
      [{ otherMails: 'not-an-array' }, /Invalid value/],
      [{ mail: 42 }, /Invalid value/],
      [{ extension_0000_nope: 'x' }, /does not exist/],
    ];
    for (const [body, msg] of cases) {
      const r = await graphFetch(emu.url, `/v1.0/users/${JOHN}`, { method: 'PATCH', body });
      assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
      assert.match(r.body.error.message, msg);
    }
    const bad = await graphFetch(emu.url, `/v1.0/users/${JOHN}`, { method: 'PATCH', body: '{not json' });
    assert.equal(bad.status, 400);
    const missing = await graphFetch(emu.url, '/v1.0/users/11111111-2222-4333-8444-555555555555', { method: 'PATCH', body: { mail: 'a@b.example' } });
    assert.equal(missing.status, 404);
    const john = (await emu.state()).users.find((u) => u.id === JOHN)!;
    assert.equal(john['mail'], 'john.doe@fabrikam.example', 'the first case must not half-write mail');
    assert.equal(john['onPremisesExtensionAttributes'], undefined);
  });
});

test('GET /me: delegated caller gets its user; app-only caller gets Graph\'s 400', async () => {
  await using(async (emu) => {
    const me = await graphFetch(emu.url, '/v1.0/me?$select=id,userPrincipalName', { token: 'demo-admin' });
    assert.equal(me.status, 200);
    assert.equal(me.body.userPrincipalName, 'erin@contoso.onmicrosoft.com');
    const app = await graphFetch(emu.url, '/v1.0/me', { token: 'demo-plan' });
    assert.equal(app.status, 400);
    assert.equal(app.body.error.code, 'BadRequest');
    assert.equal(app.body.error.message, '/me request is only valid with delegated authentication flow.');
  });
});

test('unknown segments and methods answer like Graph', async () => {
  await using(async (emu) => {
    const seg = await graphFetch(emu.url, '/v1.0/frobs');
    assert.equal(seg.status, 400);
    assert.equal(seg.body.error.message, "Resource not found for the segment 'frobs'.");
    const m = await graphFetch(emu.url, '/v1.0/invitations');
    assert.equal(m.status, 405);
  });
});

test('startswith(userPrincipalName) pages exactly the users a full listing says match, case-insensitively, also after a UPN is renamed', async () => {
  const names = ['alpha', 'Alice', 'b0b', 'Bert', '_x', '9lives', 'al', 'ALbert', 'zed', 'Zoe'];
  const seed = (s: Seed): Seed => ({
    ...s,
    users: [
      ...s.users,
      ...Array.from({ length: 240 }, (_, i) => ({
        id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
        userPrincipalName: `${names[i % names.length]}${i}_x.example#EXT#@contoso.onmicrosoft.com`,
        mail: `p${i}@x.example`,
        userType: 'Guest',
      })),
    ],
  });
  const pagedIds = async (emu: { url: string }, prefix: string): Promise<string[]> => {
    const ids: string[] = [];
    let link: string | undefined = `${emu.url}/v1.0/users?$top=7&$select=id&$filter=${encodeURIComponent(`userType eq 'Guest' and startswith(userPrincipalName,'${prefix}')`)}`;
    while (link) {
      const r = await graphFetch(emu.url, link);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      for (const u of r.body.value) ids.push(u.id);
      link = r.body['@odata.nextLink'];
    }
    return ids;
  };
  const expectedIds = async (emu: { url: string }, prefix: string): Promise<string[]> => {
    const all: { id: string; userPrincipalName: string; userType: string }[] = [];
    let link: string | undefined = `${emu.url}/v1.0/users?$top=999&$select=id,userPrincipalName,userType`;
    while (link) {
      const r = await graphFetch(emu.url, link);
      all.push(...r.body.value);
      link = r.body['@odata.nextLink'];
    }
    return all.filter((u) => u.userType === 'Guest' && u.userPrincipalName.toLowerCase().startsWith(prefix.toLowerCase())).map((u) => u.id);
  };
  await using(async (emu) => {
    for (const prefix of ['a', 'A', 'al', 'ALB', 'b', '_', '9', 'z', 'q', 'alice1']) {
      const want = await expectedIds(emu, prefix);
      assert.deepEqual(await pagedIds(emu, prefix), want, `prefix ${prefix}`);
      if (['a', 'b', 'z'].includes(prefix)) assert.ok(want.length > 7, `prefix ${prefix} spans pages`);
    }
    // A renamed user leaves its old first letter's partition and joins the new one, in order.
    const moved = '00000000-0000-4000-9000-000000000000'; // alpha0_…
    const r = await graphFetch(emu.url, `/v1.0/users/${moved}`, { method: 'PATCH', body: { userPrincipalName: 'Zulu0_x.example#EXT#@contoso.onmicrosoft.com' } });
    assert.equal(r.status, 204, JSON.stringify(r.body));
    assert.ok(!(await pagedIds(emu, 'a')).includes(moved));
    const z = await pagedIds(emu, 'z');
    assert.ok(z.includes(moved));
    assert.deepEqual(z, await expectedIds(emu, 'z'));
  }, seed);
});

test("otherMails/any(m:m eq …) or-ed 15 at a time pages exactly the users a full listing says carry one, also after otherMails change", async () => {
  const seed = (s: Seed): Seed => ({
    ...s,
    users: [
      ...s.users,
      ...Array.from({ length: 120 }, (_, i) => ({
        id: `00000000-0000-4000-a000-${String(i).padStart(12, '0')}`,
        userPrincipalName: `o${i}_x.example#EXT#@contoso.onmicrosoft.com`,
        mail: `o${i}@x.example`,
        // Every address is carried by three users; some in another case.
        otherMails: [`Shared${i % 40}@Y.example`, `own${i}@y.example`],
        userType: i % 7 === 0 ? 'Member' : 'Guest',
      })),
    ],
  });
  const filterOf = (addresses: readonly string[]) => addresses.map((a) => `otherMails/any(m:m eq '${a}')`).join(' or ');
  const pagedIds = async (emu: { url: string }, addresses: readonly string[]): Promise<string[]> => {
    const ids: string[] = [];
    let link: string | undefined = `${emu.url}/v1.0/users?$top=4&$select=id&$filter=${encodeURIComponent(filterOf(addresses))}`;
    while (link) {
      const r = await graphFetch(emu.url, link);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      for (const u of r.body.value) ids.push(u.id);
      link = r.body['@odata.nextLink'];
    }
    return ids;
  };
  const expectedIds = async (emu: { url: string }, addresses: readonly string[]): Promise<string[]> => {
    const wanted = new Set(addresses.map((a) => a.toLowerCase()));
    const all: { id: string; otherMails: string[] }[] = [];
    let link: string | undefined = `${emu.url}/v1.0/users?$top=999&$select=id,otherMails`;
    while (link) {
      const r = await graphFetch(emu.url, link);
      all.push(...r.body.value);
      link = r.body['@odata.nextLink'];
    }
    return all.filter((u) => u.otherMails.some((m) => wanted.has(m.toLowerCase()))).map((u) => u.id);
  };
  const fifteen = Array.from({ length: 15 }, (_, i) => (i % 2 ? `shared${i * 2}@y.example` : `OWN${i * 7}@Y.EXAMPLE`));
  await using(async (emu) => {
    for (const addresses of [fifteen, ['shared3@y.example'], ['nobody@y.example'], ['own5@y.example', 'nobody@y.example']]) {
      const want = await expectedIds(emu, addresses);
      assert.deepEqual(await pagedIds(emu, addresses), want, addresses.join(' '));
    }
    assert.ok((await expectedIds(emu, fifteen)).length > 20, 'the 15-address lookup spans pages');
    // Changed otherMails: the old address no longer finds the user, the new one does.
    const changed = '00000000-0000-4000-a000-000000000005';
    const r = await graphFetch(emu.url, `/v1.0/users/${changed}`, { method: 'PATCH', body: { otherMails: ['moved@z.example'] } });
    assert.equal(r.status, 204, JSON.stringify(r.body));
    assert.deepEqual(await pagedIds(emu, ['own5@y.example']), []);
    assert.deepEqual(await pagedIds(emu, ['MOVED@z.example']), [changed]);
    assert.deepEqual(await pagedIds(emu, ['shared5@y.example']), await expectedIds(emu, ['shared5@y.example']));
    assert.ok(!(await pagedIds(emu, ['shared5@y.example'])).includes(changed));
  }, seed);
});
