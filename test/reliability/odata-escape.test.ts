/**
 * OData injection: guest values with apostrophes (test/fixtures/reliability/odata) must reach
 * Graph as ONE string literal, `'` doubled. Asserted on what the emulator received (its request
 * log: the raw query as sent) and on what it made of it (the status, and which user matched) —
 * with a control request proving the emulator rejects the same value sent unescaped, so the
 * assertions would catch guestops forgetting to escape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphFetch, withEmulator, type RequestLogEntry, type Seed } from '../helpers/emulator.js';
import { fixture } from '../helpers/paths.js';
import { guestops, isWrite } from '../apply/support.js';
import { invitedUser, invitesPerformed } from './support.js';

const MEMBER = 'aaaaaaaa-0000-4000-8000-000000000001';
const ONEIL = "o'neil@fabrikam.example";
const DARCY = "d'arcy@new.example";
const UPN = "O'Neil_fabrikam.example#EXT#@contoso.onmicrosoft.com";

/** A member carries o'neil@…: it is not in the bulk guest list, so only a `mail eq` lookup finds it. */
function withMember(seed: Seed): Seed {
  const users = [...(seed.users as unknown as Record<string, unknown>[])];
  users.push({
    id: MEMBER,
    displayName: "Pat O'Neil",
    userPrincipalName: "o'neil@contoso.onmicrosoft.com",
    mail: ONEIL,
    otherMails: [],
    userType: 'Member',
    creationType: null,
    externalUserState: null,
    externalUserStateChangeDateTime: null,
    identities: [],
  });
  return { ...seed, users } as unknown as Seed;
}

function casedir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'guestops-odata-'));
  cpSync(fixture('reliability', 'odata', 'guests'), join(dir, 'guests'), { recursive: true });
  return dir;
}

const filterOf = (e: RequestLogEntry) => new URLSearchParams(e.query).get('$filter');

test('apostrophes reach Graph escaped as one literal: $filter inside $batch, top-level $filter, UPN in a lookup', async () => {
  const emu = await withEmulator({ seedPatch: withMember });
  try {
    // Control: the same value unescaped is a syntax error to the emulator, as to Graph.
    const raw = await graphFetch(emu.url, `/v1.0/users?$filter=${encodeURIComponent(`mail eq '${ONEIL}'`)}`);
    assert.equal(raw.status, 400, 'the emulator must reject an unescaped apostrophe');
    await emu.resetLog();

    const cwd = casedir();
    const plan = await guestops(emu, ['plan', '--format', 'json'], { cwd });
    assert.equal(plan.code, 1, plan.stderr); // two guests are blocked
    const log = await emu.requests();
    assert.deepEqual(log.filter(isWrite), [], 'plan writes nothing');

    // 1. `mail eq` and `otherMails/any` lookups inside $batch: escaped, answered 200 (parsed), and
    //    matched exactly one user.
    // (The `id in (…)` read of the unmarked guests' extensionAttributes carries only GUIDs; the
    // UPN lookup is part 2.)
    const lookups = log.filter((e) => e.batch && e.path === '/v1.0/users' && !/^(id|userPrincipalName) in \(/.test(filterOf(e)!));
    assert.deepEqual(lookups.map(filterOf).sort(), [
      `mail eq 'd''arcy@new.example'`,
      `mail eq 'o''neil@fabrikam.example'`,
      `otherMails/any(m:m eq 'd''arcy@new.example')`,
      `otherMails/any(m:m eq 'o''neil@fabrikam.example')`,
    ]);
    assert.ok(lookups.every((e) => e.status === 200), 'the emulator parsed every lookup');
    const p = JSON.parse(plan.stdout) as { guests: { key: string; actions: { type: string }[]; blocked?: { code: string; reason: string } }[] };
    const oneil = p.guests.find((g) => g.key === ONEIL)!;
    assert.equal(oneil.blocked?.code, 'email-in-use');
    assert.match(oneil.blocked!.reason, new RegExp(`already on user ${MEMBER} `), 'the literal matched exactly the member carrying it');
    assert.deepEqual(p.guests.find((g) => g.key === DARCY)!.actions.map((a) => a.type), ['invite']);

    // 2. The UPN of a declared guest the list does not hold, read with `userPrincipalName in (…)`:
    //    apostrophe doubled, `#` percent-encoded (not a fragment, which would cut the filter and
    //    get a 400), parsed; no user matches → not-found.
    const byUpn = log.filter((e) => e.batch && e.path === '/v1.0/users' && filterOf(e)?.startsWith('userPrincipalName in ('));
    assert.equal(byUpn.length, 1, `UPN lookups: ${log.map((e) => `${e.path}?${e.query}`).join(', ')}`);
    assert.equal(filterOf(byUpn[0]!), `userPrincipalName in ('${UPN.replace(/'/g, "''")}')`);
    assert.equal(byUpn[0]!.status, 200);
    assert.equal(p.guests.find((g) => g.key === UPN)!.blocked?.code, 'not-found');

    // 3. A top-level `mail eq`: the invitation's answer is lost after Graph acted, so apply reads
    //    the new guest back by mail — and must find exactly it.
    await emu.addFault({ method: 'POST', path: '/v1.0/invitations', drop: true, phase: 'after', times: 1 });
    const mark = log.at(-1)!.seq;
    const apply = await guestops(emu, ['apply'], { cwd });
    assert.equal(apply.code, 1, apply.stderr); // blocked guests remain
    assert.match(apply.stderr, /d'arcy@new\.example.* done \(invite\)/);
    const applied = await emu.requests(mark);
    const readBack = applied.filter((e) => !e.batch && e.method === 'GET' && e.path === '/v1.0/users' && filterOf(e)?.startsWith('mail eq'));
    assert.equal(readBack.length, 1);
    assert.equal(filterOf(readBack[0]!), `mail eq 'd''arcy@new.example'`);
    assert.equal(readBack[0]!.status, 200);
    const state = await emu.state();
    const created = invitedUser(state, DARCY)!;
    assert.ok(applied.some((e) => e.method === 'PATCH' && e.path === `/v1.0/users/${created['id'] as string}`), 'the marker went to the user the literal matched');
    assert.equal(invitesPerformed(applied, DARCY), 1);
    assert.ok(!applied.some((e) => isWrite(e) && e.path.endsWith(MEMBER)), 'nothing written to the member');
  } finally {
    await emu.close();
  }
});
