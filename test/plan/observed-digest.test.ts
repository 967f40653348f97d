import { test } from 'node:test';
import assert from 'node:assert/strict';
import { observedDigest } from '../../src/plan/observed-digest.js';
import type { ObservedUser } from '../../src/plan/observed.js';
import { user } from './builders.js';

test('observedDigest is 16 hex digits and stable', () => {
  const d = observedDigest(user());
  assert.match(d, /^[0-9a-f]{16}$/);
  assert.equal(observedDigest(user()), d);
  assert.match(observedDigest(undefined), /^[0-9a-f]{16}$/);
  assert.notEqual(observedDigest(undefined), d);
});

test('observedDigest changes with every field the plan depends on', () => {
  const base = observedDigest(user());
  const changes: Partial<ObservedUser>[] = [
    { id: '99999999-1111-4111-8111-111111111111' },
    { userPrincipalName: 'other#EXT#@c' },
    { mail: 'x@y.example' },
    { mail: null },
    { otherMails: ['x@y.example'] },
    { userType: 'Member' },
    { externalUserState: 'PendingAcceptance' },
    { externalUserStateChangeDateTime: '2026-06-01T00:00:00Z' },
    { marker: '{"v":1}' },
    { hasDirectoryRole: true },
    { hasDirectoryRole: false },
  ];
  const seen = new Set([base]);
  for (const c of changes) {
    const d = observedDigest(user(c));
    assert.ok(!seen.has(d), `digest changes for ${JSON.stringify(c)}`);
    seen.add(d);
  }
});

test('observedDigest ignores fields the plan does not read, and id case', () => {
  const base = observedDigest(user());
  assert.equal(observedDigest(user({ displayName: 'Someone else', creationType: null })), base);
  assert.equal(observedDigest(user({ id: user().id.toUpperCase() })), base);
});
