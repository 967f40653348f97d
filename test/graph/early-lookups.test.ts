/**
 * The address-holder and extension-attribute lookups (src/graph/early-lookups.ts) go out while
 * the guest list is still being read, each asked once, with the plan the generated scenario
 * expects; and an address a superseded page asked for is not reported as held. Driven over HTTP
 * through the real Graph client (`guestops plan` as a child process for the first), judged from
 * the plan and the emulator's request log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEmulator, type Seed } from '../helpers/emulator.js';
import { planWithoutTimestamp, usingScenario } from '../helpers/scenario.js';
import { createGraph } from '../../src/graph/client.js';
import { EarlyLookups, declarationsOf } from '../../src/graph/early-lookups.js';
import type { DesiredGuest } from '../../src/desired/types.js';
import { realisticMix } from '../../bench/tenant-generator.js';

const auth = { getAccessToken: async () => 'demo-plan' };

/** The values of an `in (…)` or or-ed `any(… eq …)` filter, unquoted. */
function literals(filter: string): string[] {
  return [...filter.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'").toLowerCase());
}

/**
 * `count` declared guests (ids `<digit>0000000-…`, emails `<letter>N@new.example`) and a list page
 * whose users carry another mail: each an email change, so each address is queued for a lookup.
 */
function changingEmails(count: number, digit: string, letter: string): { declared: DesiredGuest[]; page: Record<string, unknown>[] } {
  const declared = Array.from({ length: count }, (_, i) => ({
    id: `${digit}0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    email: `${letter}${i}@new.example`,
  })) as unknown as DesiredGuest[];
  return { declared, page: declared.map((g, i) => ({ id: g.id, mail: `old${i}@old.example` })) };
}

test('lookups go out during the listing, each address and id asked once, with the expected plan', async () => {
  // 2,500 guests in three list pages; 500 email changes and 1,000 adoptions (unmarked where the
  // directory extension looks): the first page alone fills a $batch of each (150 addresses, 300
  // ids), which must go out while the second page is held.
  const guests = 2_500;
  const mix = { ...realisticMix(guests), emailChange: 500, adoption: 1_000 };
  await usingScenario({ guests, mix, seed: 77 }, async ({ scenario, emu, plan }) => {
    // Every list page held 250 ms: the sequential pager's last page is asked for only ~0.5 s in.
    await emu.addFault({ method: 'GET', path: '/v1.0/users', latencyMs: 250, times: 100 });
    await emu.resetLog();
    const sequential = await plan({ GUESTOPS_GUEST_LISTING: 'sequential' });
    assert.equal(sequential.code, 1, sequential.stderr); // the scenario's blocked guests
    const summary = (JSON.parse(sequential.stdout) as { summary: Record<string, number> }).summary;
    for (const [k, v] of Object.entries(scenario.expected)) assert.equal(summary[k], v, `summary.${k}`);

    const log = await emu.requests();
    const listPages = log.filter((e) => !e.batch && e.method === 'GET' && e.path === '/v1.0/users');
    assert.equal(listPages.length, 3);
    const inner = log.filter((e) => e.batch !== undefined);
    const filters = inner.map((e) => new URLSearchParams(e.query).get('$filter') ?? '');
    const parentsOf = (kind: RegExp) => [...new Set(inner.filter((_, i) => kind.test(filters[i]!)).map((e) => e.batch!.parentSeq))];
    const lastPage = listPages.at(-1)!.seq;
    assert.ok(parentsOf(/^mail in \(/).some((seq) => seq < lastPage), 'an address-holder $batch went out before the last list page');
    assert.ok(parentsOf(/^id in \(/).some((seq) => seq < lastPage), 'an extension-attribute $batch went out before the last list page');

    const asked = (kind: RegExp) => filters.filter((f) => kind.test(f)).flatMap(literals);
    const addresses = asked(/^mail in \(/);
    assert.equal(new Set(addresses).size, addresses.length, 'no address looked up twice on mail');
    assert.deepEqual([...asked(/^otherMails\/any/)].sort(), [...addresses].sort(), 'each address looked up once on otherMails too');
    const ids = asked(/^id in \(/);
    assert.equal(new Set(ids).size, ids.length, 'no extension attributes read twice');
    assert.ok(addresses.length >= 500 && ids.length >= 1_000, `addresses ${addresses.length}, ids ${ids.length}`);

    // The partitioned listing (pages in any order) gives the same plan.
    const partitioned = await plan({ GUESTOPS_GUEST_LISTING: 'partitioned' });
    assert.equal(partitioned.code, 1, partitioned.stderr);
    assert.deepEqual(planWithoutTimestamp(partitioned.stdout), planWithoutTimestamp(sequential.stdout));
  });
});

test('an address a superseded page asked for is not reported held; one the final list changes to is, without a second lookup', async () => {
  const MEMBER = { id: '20000000-0000-4000-8000-000000000001', userPrincipalName: 'kim@contoso.example', mail: 'x0@new.example', userType: 'Member', creationType: null, externalUserState: null };
  const emu = await withEmulator({
    throttle: false,
    seedPatch: (seed: Seed) => ({ ...seed, users: [...(seed.users as unknown as Record<string, unknown>[]), MEMBER] }) as unknown as Seed,
  });
  try {
    const graph = createGraph({ graphUrl: emu.url, auth });
    // 150 declared guests (a full $batch of holder lookups) whose listed users carry another mail.
    const { declared, page } = changingEmails(150, '3', 'x');
    const batches = async () => (await emu.requests()).filter((e) => !e.batch && e.path === '/v1.0/$batch').length;

    const superseded = new EarlyLookups(graph, declarationsOf(declared), 'id,mail,otherMails', undefined);
    superseded.see(page);
    const none = await superseded.finish(new Set(), [], []);
    assert.equal(await batches(), 1, 'the full batch went out from the page');
    assert.deepEqual(none.holders, [], 'the final list changes no address: the member is not reported');

    await emu.resetLog();
    const changing = new EarlyLookups(graph, declarationsOf(declared), 'id,mail,otherMails', undefined);
    changing.see(page);
    const held = await changing.finish(new Set(['x0@new.example']), [], []);
    assert.deepEqual(held.holders.map((u) => u['id']), [MEMBER.id]);
    assert.equal(await batches(), 1, 'the address the page already asked for is not asked again');
  } finally {
    await emu.close();
  }
});

test('as the partitions finish, queued lookups go out at each halving, in whole inner requests, each asked once', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const graph = createGraph({ graphUrl: emu.url, auth });
    // 40 declared guests whose listed users carry another mail: 40 addresses queued, fewer than
    // the 150 of a full $batch.
    const { declared, page } = changingEmails(40, '4', 'y');
    const log = async () => (await emu.requests()).filter((e) => e.batch !== undefined);
    const early = new EarlyLookups(graph, declarationsOf(declared), 'id,mail,otherMails', undefined);
    early.see(page);
    early.partitionDone(30); // more than half of 44 still reading: nothing yet
    await early.settle();
    assert.deepEqual(await log(), []);

    early.partitionDone(22); // halved: 30 of the 40 (two whole requests' worth) go, 10 wait
    await early.settle();
    const first = await log();
    assert.equal(new Set(first.map((e) => e.batch!.parentSeq)).size, 1, 'one $batch');
    const mailIn = (entries: typeof first) => entries.map((e) => new URLSearchParams(e.query).get('$filter') ?? '').filter((f) => f.startsWith('mail in ('));
    assert.deepEqual(mailIn(first).map((f) => literals(f).length), [15, 15]);

    early.partitionDone(15); // not yet half of 22
    early.partitionDone(11); // half, but the 10 left are less than one whole request
    await early.settle();
    assert.equal((await log()).length, first.length);

    const done = await early.finish(new Set(declared.map((g) => g.email)), [], []);
    assert.deepEqual(done.holders, []);
    const asked = mailIn(await log()).flatMap(literals);
    assert.deepEqual([...asked].sort(), declared.map((g) => g.email).sort(), 'every address asked once');
  } finally {
    await emu.close();
  }
});
