/**
 * `batchGet` (src/graph/batch.ts) sends several `$batch` requests at once and still returns every
 * answer in input order, retrying throttled inner requests — over HTTP through the real Graph
 * client, judged from the results and the emulator's request log. And `guestops plan` sends its
 * extension-attribute reads beside its address lookups, not after them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEmulator, demoSeed } from '../helpers/emulator.js';
import { planWithoutTimestamp, usingScenario } from '../helpers/scenario.js';
import { createGraph } from '../../src/graph/client.js';
import { BATCH_CONCURRENCY, BatchSlots, batchGet } from '../../src/graph/batch.js';
import { realisticMix } from '../../bench/tenant-generator.js';

const auth = { getAccessToken: async () => 'demo-plan' };
const FAST_RETRY = { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 50, timeoutMs: 10_000 };

/** Two batches of 20 more than are sent at once: demo users in turn, every seventh an id no user has. */
function reads(): { url: string; id: string; exists: boolean }[] {
  const userIds = (demoSeed().users as unknown as { id: string }[]).map((u) => u.id);
  return Array.from({ length: (BATCH_CONCURRENCY + 2) * 20 }, (_, i) => {
    const exists = i % 7 !== 3;
    const id = exists ? userIds[i % userIds.length]! : `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    return { url: `/users/${id}?$select=id`, id, exists };
  });
}

test('batches run several at once, answers come back in input order', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    // Every $batch is held 300 ms before it is handled: batches sent one after another would
    // each be handled (their inner requests logged) before the next one arrives.
    await emu.addFault({ method: 'POST', path: '/v1.0/$batch', latencyMs: 300, times: 100 });
    const graph = createGraph({ graphUrl: emu.url, auth, retry: FAST_RETRY });
    const gets = reads();
    const results = await batchGet(graph, gets.map(({ url }) => ({ url })));
    assert.equal(results.length, gets.length);
    gets.forEach((g, i) => {
      assert.equal(results[i]!.status, g.exists ? 200 : 404, `result ${i}`);
      if (g.exists) assert.equal((results[i]!.body as { id?: string }).id, g.id, `result ${i} answers its own request`);
    });

    const log = await emu.requests();
    const parents = log.filter((e) => e.path === '/v1.0/$batch');
    assert.equal(parents.length, Math.ceil(gets.length / 20));
    assert.ok(BATCH_CONCURRENCY > 1, 'batches are sent several at once');
    // The first BATCH_CONCURRENCY batches all arrived before any of them was handled: their
    // seqs (arrival order) are consecutive, no inner request between them.
    const firstSeqs = parents.slice(0, BATCH_CONCURRENCY).map((e) => e.seq);
    assert.deepEqual(firstSeqs, firstSeqs.map((_, k) => firstSeqs[0]! + k), `batches in flight together: ${firstSeqs.join(', ')}`);
    // ... and never more than BATCH_CONCURRENCY: the next one waited for an answer.
    const nextParent = parents[BATCH_CONCURRENCY]!;
    assert.ok(log.some((e) => e.batch !== undefined && e.seq < nextParent.seq), 'the batch after them arrived only once one of them was handled');
  } finally {
    await emu.close();
  }
});

test('calls sharing BatchSlots keep to its bound together', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    await emu.addFault({ method: 'POST', path: '/v1.0/$batch', latencyMs: 300, times: 100 });
    const graph = createGraph({ graphUrl: emu.url, auth, retry: FAST_RETRY });
    const gets = reads().slice(0, 40).map(({ url }) => ({ url }));
    // Three calls of two $batch requests each, started together, sharing two slots.
    const slots = new BatchSlots(2);
    const answers = await Promise.all([0, 1, 2].map(() => batchGet(graph, gets, { slots })));
    for (const results of answers) assert.equal(results.length, gets.length);
    const log = await emu.requests();
    const parents = log.filter((e) => e.path === '/v1.0/$batch');
    assert.equal(parents.length, 6);
    // Two arrived together; each later one only after one of the two in flight was handled.
    assert.equal(parents[1]!.seq, parents[0]!.seq + 1, 'two in flight together');
    for (const later of parents.slice(2)) {
      const before = parents.filter((p) => p.seq < later.seq).length;
      const handled = new Set(log.filter((e) => e.batch !== undefined && e.seq < later.seq).map((e) => e.batch!.parentSeq)).size;
      assert.ok(before - handled < 2, `batch ${later.seq} arrived with ${before - handled} still out`);
    }
  } finally {
    await emu.close();
  }
});

test('throttled inner requests are retried and land in their own places', async () => {
  const emu = await withEmulator({ throttle: false });
  try {
    const gets = reads();
    // Reads of one demo user are answered 429 the first five times they come.
    const victim = gets.find((g) => g.exists)!.id;
    await emu.addFault({ method: 'GET', path: `/v1.0/users/${victim}`, status: 429, retryAfter: 0, times: 5 });
    const graph = createGraph({ graphUrl: emu.url, auth, retry: FAST_RETRY });
    const results = await batchGet(graph, gets.map(({ url }) => ({ url })));
    gets.forEach((g, i) => {
      assert.equal(results[i]!.status, g.exists ? 200 : 404, `result ${i}`);
      if (g.exists) assert.equal((results[i]!.body as { id?: string }).id, g.id, `result ${i}`);
    });
    const { faults } = await emu.state();
    assert.equal(faults[0]!.fired, 5, 'the throttling fired and was retried through');
    const log = await emu.requests();
    const victimReads = log.filter((e) => e.path === `/v1.0/users/${victim}`);
    assert.equal(victimReads.filter((e) => e.status === 429).length, 5);
    assert.equal(victimReads.filter((e) => e.status === 200).length, gets.filter((g) => g.id === victim).length);
  } finally {
    await emu.close();
  }
});

test('plan reads extension attributes of unmarked guests beside the address lookups, with the same plan', async () => {
  // 600 guests: 12 email changes (lookups of their new addresses), 18 adoptions (unmarked where
  // the directory extension looks, so their extensionAttributeN are read).
  await usingScenario({ guests: 600, mix: realisticMix(600), seed: 515 }, async ({ emu, plan }) => {
    const quick = await plan();
    assert.equal(quick.code, 1, quick.stderr); // the scenario's blocked guests
    // Every $batch held 400 ms before it is handled: reads that wait for the lookups' answers
    // would arrive after the lookups' inner requests were handled.
    await emu.addFault({ method: 'POST', path: '/v1.0/$batch', latencyMs: 400, times: 100 });
    await emu.resetLog();
    const held = await plan();
    assert.equal(held.code, 1, held.stderr);
    assert.deepEqual(planWithoutTimestamp(held.stdout), planWithoutTimestamp(quick.stdout));

    const log = await emu.requests();
    const inner = log.filter((e) => e.batch !== undefined);
    const parentOf = (kind: RegExp) => [...new Set(inner.filter((e) => kind.test(decodeURIComponent(e.query))).map((e) => e.batch!.parentSeq))];
    const lookups = parentOf(/mail in \(|otherMails\/any/);
    const extension = parentOf(/onPremisesExtensionAttributes/);
    assert.ok(lookups.length > 0 && extension.length > 0, `lookup batches ${lookups.length}, extension batches ${extension.length}`);
    const firstHandled = Math.min(...inner.filter((e) => lookups.includes(e.batch!.parentSeq)).map((e) => e.seq));
    assert.ok(Math.min(...extension) < firstHandled, 'an extension-attribute batch arrived before any lookup was handled');
  });
});
