/**
 * The partitioned guest listing (src/graph/guest-partitions.ts) returns exactly what the
 * sequential `@odata.nextLink` listing returns — every guest once — on generated tenants whose
 * UPNs start with every character Graph allows, in both cases, with partitions of several pages;
 * and when a UPN starts with a character no partition anticipates, the `$count` check catches it
 * and the sequential list is used. At the default concurrency every partition's first page is in
 * flight at once, and throttled (429) or dropped pages are retried without losing or doubling a
 * guest. Driven over HTTP through the real Graph client; judged from the results and the
 * emulator's request log. Then `guestops plan` as a child process gives the same plan with
 * either listing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEmulator, type Seed } from '../helpers/emulator.js';
import { planWithoutTimestamp, usingScenario } from '../helpers/scenario.js';
import { createGraph, type Graph } from '../../src/graph/client.js';
import type { RetryPolicy } from '../../src/graph/retry-policy.js';
import { listGuests } from '../../src/graph/guest-listing.js';
import { UPN_FIRST_CHARACTERS, listGuestsPartitioned } from '../../src/graph/guest-partitions.js';
import { realisticMix } from '../../bench/tenant-generator.js';

const auth = { getAccessToken: async () => 'demo-plan' };
const SELECT = ['id', 'userPrincipalName', 'mail'];

/** `count` guests per first character, numbered; ids encode a running serial. */
function guestsStartingWith(firsts: readonly string[], count: (c: string, i: number) => number): Record<string, unknown>[] {
  const users: Record<string, unknown>[] = [];
  let serial = 0;
  firsts.forEach((c, ci) => {
    for (let k = 0; k < count(c, ci); k++) {
      const hex = (serial++).toString(16).padStart(12, '0');
      const local = `${c}${k % 2 === 0 ? 'x' : 'Y'}${ci}n${k}`;
      users.push({
        id: `10000000-0000-4000-8000-${hex}`,
        userPrincipalName: `${local}_partner.example#EXT#@contoso.onmicrosoft.com`,
        mail: `${local}@partner.example`,
        userType: 'Guest',
        creationType: 'Invitation',
        externalUserState: 'Accepted',
        externalUserStateChangeDateTime: '2026-03-02T10:15:00Z',
      });
    }
  });
  return users;
}

function withUsers(extra: Record<string, unknown>[]): (seed: Seed) => Seed {
  return (seed) => ({ ...seed, users: [...(seed.users as unknown as Record<string, unknown>[]), ...extra] }) as unknown as Seed;
}

const ids = (users: readonly Record<string, unknown>[]) => users.map((u) => String(u['id'])).sort();

type Emulator = Awaited<ReturnType<typeof withEmulator>>;

/**
 * The demo tenant plus `extra`, read once by the sequential pager; then `body` runs with the
 * request log reset, so what it reads in the log is its own listing alone.
 */
async function afterSequentialListing(
  extra: Record<string, unknown>[],
  body: (t: { emu: Emulator; graph: Graph; sequential: Record<string, unknown>[] }) => Promise<void>,
  retry?: RetryPolicy,
): Promise<void> {
  const emu = await withEmulator({ throttle: false, seedPatch: withUsers(extra) });
  try {
    const graph = createGraph({ graphUrl: emu.url, auth, ...(retry ? { retry } : {}) });
    const sequential = (await listGuests(graph, { select: SELECT })).users;
    await emu.resetLog();
    await body({ emu, graph, sequential });
  } finally {
    await emu.close();
  }
}

test('partitions return exactly the sequential list: every allowed first character, both cases, multi-page partitions', async () => {
  // Both cases of every letter (Graph's startswith is case-insensitive), every digit and symbol;
  // 'j' and 'M' get more than one page of 999.
  const firsts = [...UPN_FIRST_CHARACTERS, ...UPN_FIRST_CHARACTERS.filter((c) => /[a-z]/.test(c)).map((c) => c.toUpperCase())];
  const extra = guestsStartingWith(firsts, (c) => (c === 'j' ? 1_400 : c === 'M' ? 1_050 : 3));
  await afterSequentialListing(extra, async ({ emu, graph, sequential }) => {
    const parallel = await listGuestsPartitioned(graph, { select: SELECT, concurrency: 5 });
    assert.equal(parallel.method, 'partitioned', parallel.fallback);
    assert.ok(sequential.length >= extra.length);
    assert.deepEqual(ids(parallel.users), ids(sequential));
    assert.equal(new Set(ids(parallel.users)).size, parallel.users.length, 'every guest exactly once');

    const log = await emu.requests();
    const filters = log.filter((e) => e.path === '/v1.0/users').map((e) => new URLSearchParams(e.query).get('$filter') ?? '');
    for (const c of UPN_FIRST_CHARACTERS) {
      const literal = c === "'" ? "''''" : `'${c}'`;
      assert.ok(filters.includes(`userType eq 'Guest' and startswith(userPrincipalName,${literal})`), `no partition for ${c}`);
    }
    const continued = log.filter((e) => e.path === '/v1.0/users' && /skiptoken/i.test(e.query)).length;
    assert.ok(continued >= 2, `multi-page partitions followed their nextLinks (${continued})`);
    assert.equal(log.filter((e) => e.path === '/v1.0/users/$count').length, 1);
    assert.equal(parallel.requests, log.length);
    // No advanced query on the partitions themselves: only $count carries the eventual header's need.
    assert.ok(log.filter((e) => e.path === '/v1.0/users').every((e) => !/\$count|\$search|\$orderby/.test(e.query)));
  });
});

test('at the default concurrency every partition has its first page in flight before any answer comes back', async () => {
  // 'j' has two pages. Every list request is held 300 ms before it is handled, so a continuation
  // (which needs its first page's answer) can only arrive after every first page that was sent
  // without waiting for a free slot. With fewer slots than partitions, j's continuation would go
  // before the first pages of the partitions still waiting (continuations go first).
  const extra = guestsStartingWith(UPN_FIRST_CHARACTERS, (c) => (c === 'j' ? 1_100 : 1));
  await afterSequentialListing(extra, async ({ emu, graph, sequential }) => {
    await emu.addFault({ method: 'GET', path: '/v1.0/users', latencyMs: 300, times: 1_000 });
    const parallel = await listGuestsPartitioned(graph, { select: SELECT });
    assert.equal(parallel.method, 'partitioned', parallel.fallback);
    assert.deepEqual(ids(parallel.users), ids(sequential));

    const pages = (await emu.requests()).filter((e) => e.path === '/v1.0/users').sort((a, b) => a.seq - b.seq);
    const continuations = pages.filter((e) => /skiptoken/i.test(e.query));
    const firsts = pages.filter((e) => !/skiptoken/i.test(e.query));
    assert.equal(firsts.length, UPN_FIRST_CHARACTERS.length);
    assert.ok(continuations.length >= 1, 'j was read in two pages');
    const lastFirst = Math.max(...firsts.map((e) => e.seq));
    for (const c of continuations) assert.ok(c.seq > lastFirst, `a continuation (seq ${c.seq}) arrived before the last first page (seq ${lastFirst})`);
  });
});

test('throttled and dropped partition pages are retried: every guest exactly once, the same list as sequential paging', async () => {
  const extra = guestsStartingWith(UPN_FIRST_CHARACTERS, (c) => (c === 'k' ? 1_100 : 4));
  await afterSequentialListing(extra, async ({ emu, graph, sequential }) => {
    // Three pages answered 429, then two connections dropped, while all partitions are in flight.
    await emu.addFault({ method: 'GET', path: '/v1.0/users', status: 429, retryAfter: 0, times: 3 });
    await emu.addFault({ method: 'GET', path: '/v1.0/users', drop: true, afterRequests: 3, times: 2 });
    const parallel = await listGuestsPartitioned(graph, { select: SELECT });
    assert.equal(parallel.method, 'partitioned', parallel.fallback);
    assert.deepEqual(ids(parallel.users), ids(sequential));
    assert.equal(new Set(ids(parallel.users)).size, parallel.users.length, 'every guest exactly once');
    const { faults } = await emu.state();
    assert.deepEqual(faults.map((f) => f.fired), [3, 2], 'the faults fired and were retried through');
    const pages = (await emu.requests()).filter((e) => e.path === '/v1.0/users');
    assert.equal(pages.filter((e) => e.status === 429).length, 3);
    assert.equal(pages.filter((e) => e.status === 0).length, 2);
  }, { maxRetries: 4, baseDelayMs: 1, maxDelayMs: 50, timeoutMs: 10_000 });
});

test('a UPN starting with a character no partition anticipates is caught by the count check', async () => {
  const unexpected = ['é', '+', '&', '$', '{', '=', '%', 'ß'];
  const extra = guestsStartingWith([...unexpected, 'a', 'Z', '7', '~'], () => 2);
  await afterSequentialListing(extra, async ({ emu, graph, sequential }) => {
    const parallel = await listGuestsPartitioned(graph, { select: SELECT });
    assert.equal(parallel.method, 'sequential');
    assert.match(parallel.fallback ?? '', /\$count says/);
    assert.deepEqual(ids(parallel.users), ids(sequential));
    const found = new Set(parallel.users.map((u) => String(u['userPrincipalName'])[0]));
    for (const c of unexpected) assert.ok(found.has(c), `guest starting with ${c} missing`);
    const log = await emu.requests();
    assert.ok(log.some((e) => e.path === '/v1.0/users' && new URLSearchParams(e.query).get('$filter') === "userType eq 'Guest'"), 'the sequential pass ran');
  });
});

test('guestops plan gives the same plan with partitioned and sequential listing', async () => {
  await usingScenario({ guests: 400, mix: realisticMix(400), seed: 99 }, async ({ emu, plan: runPlan }) => {
    const plans: Record<string, unknown>[] = [];
    for (const mode of ['sequential', 'partitioned']) {
      await emu.resetLog();
      const r = await runPlan({ GUESTOPS_GUEST_LISTING: mode });
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      plans.push(planWithoutTimestamp(r.stdout));
      const log = await emu.requests();
      const partitions = log.filter((e) => e.path === '/v1.0/users' && /startswith/i.test(decodeURIComponent(e.query))).length;
      assert.equal(partitions, mode === 'partitioned' ? UPN_FIRST_CHARACTERS.length : 0);
      assert.ok(log.every((e) => e.method === 'GET' || /\$batch|getAvailableExtensionProperties/.test(e.path)), 'plan never writes');
    }
    assert.deepEqual(plans[1], plans[0]);
    assert.ok(((plans[0]!['summary'] as Record<string, number>)['resets'] ?? 0) > 0);
    const bad = await runPlan({ GUESTOPS_GUEST_LISTING: 'fast' }, []);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /GUESTOPS_GUEST_LISTING='fast' is not sequential, partitioned or auto/);
  });
});
