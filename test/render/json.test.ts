import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderJson, parseSavedPlan } from '../../src/render/json.js';
import { isGuestopsError } from '../../src/errors.js';
import { samplePlan } from './sample-plan.js';
import { assertGolden } from './golden.js';

const META = { createdAt: '2026-05-01T12:00:00.000Z', graphUrl: 'https://graph.microsoft.com', markerProperty: 'extension_8c3f2a105b7e4d2c9a613e0f7b9d2c41_guestopsState' };

test('JSON plan matches the reviewed golden', () => {
  assertGolden('sample-plan.json', renderJson(samplePlan(), META));
});

test('stable key order regardless of how the plan object was built', () => {
  const plan = samplePlan();
  const shuffled = JSON.parse(JSON.stringify(plan), function (this: unknown, _k, v: unknown) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).reverse());
  });
  assert.equal(renderJson(shuffled, META), renderJson(plan, META));
  const text = renderJson(plan, META);
  assert.deepEqual(Object.keys(JSON.parse(text)), ['formatVersion', 'createdAt', 'graphUrl', 'markerProperty', 'desiredDigest', 'policyFile', 'caller', 'summary', 'emailChanges', 'risks', 'guests']);
  assert.deepEqual(Object.keys(JSON.parse(text).guests[0]), ['key', 'id', 'upn', 'email', 'emailChange', 'file', 'line', 'observedDigest', 'actions']);
});

test('a saved plan reads back to the same plan', () => {
  const plan = samplePlan();
  const saved = parseSavedPlan(renderJson(plan, META));
  assert.deepEqual(saved, { ...plan, ...META });
});

function expectError(text: string, code: string, message: RegExp): void {
  assert.throws(
    () => parseSavedPlan(text),
    (e: unknown) => {
      assert.ok(isGuestopsError(e));
      assert.equal(e.code, code);
      assert.match(e.message, message);
      return true;
    },
  );
}

test('parseSavedPlan refuses bad files with clear codes', () => {
  const good = JSON.parse(renderJson(samplePlan(), META));
  const mutate = (f: (o: any) => void): string => {
    const o = structuredClone(good);
    f(o);
    return JSON.stringify(o);
  };
  expectError('{nope', 'plan-file-not-json', /saved plan is not JSON/);
  expectError(mutate((o) => (o.formatVersion = 2)), 'plan-file-version', /formatVersion 2; this guestops reads version 1/);
  expectError(mutate((o) => delete o.formatVersion), 'plan-file-version', /formatVersion undefined/);
  expectError('[]', 'plan-file-invalid', /\$: expected an object/);
  expectError(mutate((o) => delete o.graphUrl), 'plan-file-invalid', /\$\.graphUrl: expected a string, got nothing/);
  expectError(mutate((o) => (o.summary.resets = -1)), 'plan-file-invalid', /\$\.summary\.resets: expected a whole number/);
  expectError(mutate((o) => (o.guests[0].actions[1].type = 'delete-user')), 'plan-file-invalid', /\$\.guests\[0\]\.actions\[1\]\.type: expected one of update-profile, reset-redemption/);
  expectError(mutate((o) => (o.guests[0].actions[1].reason = 'because')), 'plan-file-invalid', /\$\.guests\[0\]\.actions\[1\]\.reason: expected one of email-changed/);
  expectError(mutate((o) => delete o.guests[0].actions[1].invitation.redirectUrl), 'plan-file-invalid', /actions\[1\]\.invitation\.redirectUrl/);
  expectError(mutate((o) => (o.guests[0].observedDigest = 'x')), 'plan-file-invalid', /observedDigest: expected 16 hex digits/);
  expectError(mutate((o) => (o.guests[0].actions[0] = { type: 'update-profile', reason: 'r' })), 'plan-file-invalid', /expected mail or otherMails/);
  expectError(
    mutate((o) => (o.guests[3].actions = [{ type: 'adopt', reason: 'r', generation: 0, email: 'x' }])),
    'plan-file-invalid',
    /guests\[3\]\.actions: expected no action on a blocked guest/,
  );
});
