import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, isRetryableStatus, parseRetryAfter, retryDelayMs, DEFAULT_RETRY_POLICY } from '../../src/graph/retry-policy.js';
import { Pacer, pacerOptionsFromEnv } from '../../src/graph/pacer.js';
import { odataString, withQuery } from '../../src/graph/odata.js';
import { resolveGraphUrl, isMicrosoftGraphHost } from '../../src/graph/endpoint.js';
import { resolveCredentials } from '../../src/graph/credentials.js';

test('Retry-After: seconds, HTTP-date (relative to now), past dates and garbage', () => {
  const now = Date.parse('2026-11-26T10:00:00Z');
  assert.equal(parseRetryAfter('7', now), 7_000);
  assert.equal(parseRetryAfter('0', now), 0);
  assert.equal(parseRetryAfter('Thu, 26 Nov 2026 10:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Thu, 26 Nov 2026 09:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});

test('without Retry-After: full-jitter exponential backoff, capped', () => {
  const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
  assert.equal(backoffMs(0, p, () => 1), 100);
  assert.equal(backoffMs(3, p, () => 1), 800);
  assert.equal(backoffMs(10, p, () => 1), 1_000, 'capped');
  assert.equal(backoffMs(3, p, () => 0), 50, 'never zero');
  // With Retry-After the wait is at least what Graph asked, plus a small jitter.
  const d = retryDelayMs(2_000, 0, p, () => 1);
  assert.ok(d >= 2_000 && d <= 2_250, String(d));
});

test('a POST is retried on 429 only; idempotent requests also on 5xx', () => {
  assert.equal(isRetryableStatus(429, false), true);
  assert.equal(isRetryableStatus(503, false), false);
  assert.equal(isRetryableStatus(504, false), false);
  assert.equal(isRetryableStatus(503, true), true);
  assert.equal(isRetryableStatus(500, true), true);
  assert.equal(isRetryableStatus(400, true), false);
});

test('the invitation pacer lets 150 through, then never more than 150 in any 5 s', async () => {
  let now = 0;
  const slept: number[] = [];
  const pacer = new Pacer({ requests: 150, windowMs: 5_000 }, () => now, async (ms) => {
    slept.push(ms);
    now += ms;
  });
  const sentAt: number[] = [];
  for (let i = 0; i < 150; i++) {
    await pacer.acquire();
    sentAt.push(now);
  }
  assert.equal(now, 0, 'an empty window needs no wait');
  for (let i = 0; i < 300; i++) {
    await pacer.acquire();
    now += 7; // requests take time; the window must hold regardless
    sentAt.push(now);
  }
  // The strict reading of "150 per 5 s" (a sliding window), with the pacer's margin on top.
  for (let i = 150; i < sentAt.length; i++) assert.ok(sentAt[i]! - sentAt[i - 150]! >= 5_000, `request ${i} came ${sentAt[i]! - sentAt[i - 150]!} ms after request ${i - 150}`);
  // ...and not much slower than the limit: 450 requests in about 2 windows plus the margin.
  assert.ok(now <= 2 * 5_250 + 300 * 7 + 50, String(now));
  assert.deepEqual(pacerOptionsFromEnv({ GUESTOPS_INVITATION_RATE: '10/2s' }), { requests: 10, windowMs: 2_000 });
  assert.throws(() => pacerOptionsFromEnv({ GUESTOPS_INVITATION_RATE: 'fast' }), /invitation-rate-invalid|not N\/Ws/);
});

test('OData strings are escaped and query values percent-encoded', () => {
  assert.equal(odataString("o'brien@x.example"), "'o''brien@x.example'");
  assert.equal(odataString("' or 1 eq 1 or mail eq '"), "''' or 1 eq 1 or mail eq '''");
  const q = withQuery('/users', { $filter: `mail eq ${odataString('a+b&c#d@x.example')}` });
  assert.equal(q, "/users?$filter=mail%20eq%20'a%2Bb%26c%23d%40x.example'");
});

test('endpoint and credential choice: a static token only for non-Microsoft hosts', async () => {
  assert.equal(resolveGraphUrl(undefined, {}), 'https://graph.microsoft.com');
  assert.equal(resolveGraphUrl('http://127.0.0.1:8080/v1.0/', {}), 'http://127.0.0.1:8080');
  assert.equal(resolveGraphUrl(undefined, { GUESTOPS_GRAPH_URL: 'http://localhost:9' }), 'http://localhost:9');
  assert.throws(() => resolveGraphUrl('ftp://x', {}), /graph-url-invalid|must be http/);
  assert.equal(isMicrosoftGraphHost('https://graph.microsoft.com'), true);
  assert.equal(isMicrosoftGraphHost('http://127.0.0.1:1'), false);
  assert.equal((await resolveCredentials('http://127.0.0.1:1', { GUESTOPS_TOKEN: 't' })).source, 'static-token');
  await assert.rejects(
    () => resolveCredentials('https://graph.microsoft.com', { GUESTOPS_TOKEN: 'super-secret' }),
    (e: Error) => /GUESTOPS_TOKEN is only accepted/.test(e.message) && !e.message.includes('super-secret'),
  );
  assert.equal((await resolveCredentials('https://graph.microsoft.com', {})).source, 'azure-default');
});
