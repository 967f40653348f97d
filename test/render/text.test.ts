import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderText } from '../../src/render/text.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { desired, guest, ID, marker, tenant, user } from '../plan/builders.js';
import { samplePlan } from './sample-plan.js';
import { assertGolden } from './golden.js';

test('text plan matches the reviewed golden', () => {
  assertGolden('sample-plan.txt', renderText(samplePlan(), { color: false }));
});

test('each guest with its file:line; a single value terraform-style, a list as a unified diff one address per line', () => {
  const out = renderText(samplePlan(), { color: false });
  assert.match(out, /^-\/\+ john\.doe@fabrikam\.example -> john\.doe@northwind\.example {2}guests\/fabrikam\.yaml:13$/m);
  const john = out.slice(out.indexOf('-/+ john'), out.indexOf('+ carol'));
  // mail is one value: `mail: "old" -> "new"`, no diff headers
  assert.match(john, /\n {8}mail: "john\.doe@fabrikam\.example" -> "john\.doe@northwind\.example"\n/);
  assert.doesNotMatch(out, /--- mail|\+\+\+ mail/);
  // otherMails: unchanged addresses are context lines, the drift is -/+
  assert.match(out, /@@ -1,2 \+1,2 @@\n\s+ dave\.lee@adatum\.example\n\s+-dlee@old\.example\n\s+\+dave@lee-family\.example\n/);
  // profile update comes before the reset
  assert.ok(john.indexOf('~ update profile') < john.indexOf('-/+ reset redemption'));
  assert.match(out, /x ghost@nowhere\.example {2}guests\/partners\/tailspin\.yml:16\n\s+blocked: not found \[not-found\]\n\s+not found: id 0000aaaa/);
  assert.match(out, /\nPlan: 1 to reset, 2 profile updates, 1 to adopt, 1 to invite, 1 blocked, 0 unchanged\.\n$/);
});

test('no changes', () => {
  const plan = buildPlan(desired(guest({ id: ID })), tenant([user({ marker: marker(0, 'ann@new.example') })]), { now: new Date(0), leaseSeconds: 900 });
  assert.equal(renderText(plan, { color: false }), 'No changes. The tenant matches the declared guests.\n');
});

test('only blocked guests is not "No changes"', () => {
  const plan = buildPlan(desired(guest({ id: ID })), tenant([]), { now: new Date(0), leaseSeconds: 900 });
  const out = renderText(plan, { color: false });
  assert.doesNotMatch(out, /No changes/);
  assert.match(out, /Plan: 0 to reset, 0 profile updates, 0 to adopt, 0 to invite, 1 blocked, 0 unchanged\./);
});

test('marker records are counted in the closing line only when there are some', () => {
  const plan = buildPlan(
    desired(guest({ id: ID, generation: 1 })),
    tenant([user({ externalUserStateChangeDateTime: '2026-06-01T00:00:00Z', marker: marker(0, 'ann@new.example', { generation: 1 }) })]),
    { now: new Date(0), leaseSeconds: 900 },
  );
  const out = renderText(plan, { color: false });
  assert.match(out, /\* record marker: generation 1, email ann@new\.example \(no request to \/invitations\)/);
  assert.match(out, /Plan: 0 to reset, 0 profile updates, 0 to adopt, 0 to invite, 1 marker record, 0 blocked, 0 unchanged\./);
});

test('colour only when asked', () => {
  const plain = renderText(samplePlan(), { color: false });
  const colored = renderText(samplePlan(), { color: true });
  assert.doesNotMatch(plain, /\u001b\[/);
  assert.match(colored, /\u001b\[31m-john\.doe@fabrikam\.example\u001b\[39m/, 'removed lines red');
  assert.match(colored, /\u001b\[32m\+john\.doe@northwind\.example\u001b\[39m/, 'added lines green');
  // stripping the escapes gives the plain rendering back
  assert.equal(colored.replace(/\u001b\[\d+m/g, ''), plain);
});

test('control characters from the tenant never reach the terminal', () => {
  const plan = buildPlan(
    desired(guest({ id: ID, email: 'ann@new.example', domainChangeAcks: [{ from: 'x.example', to: 'new.example', at: 'guest' }] })),
    tenant([user({ mail: 'evil\u001b[2J@x.example', marker: marker(0, 'evil\u001b[2J@x.example') })]),
    { now: new Date(0), leaseSeconds: 900 },
  );
  const out = renderText(plan, { color: false });
  assert.doesNotMatch(out, /\u001b/);
  assert.match(out, /mail: "evil\\u001b\[2J@x\.example" -> "ann@new\.example"/);
});

test('one profile update is singular in the closing line', () => {
  const plan = buildPlan(
    desired(guest({ id: ID, otherMails: ['ann@new.example'] })),
    tenant([user({ otherMails: [], marker: marker(0, 'ann@new.example') })]),
    { now: new Date(0), leaseSeconds: 900 },
  );
  assert.match(renderText(plan, { color: false }), /Plan: 0 to reset, 1 profile update, 0 to adopt/);
});

test("a guest's heading names its biggest change: adopted while losing otherMails is '~', not '+'", () => {
  const many = Array.from({ length: 8 }, (_, i) => `old${i}@x.example`);
  const plan = buildPlan(desired(guest({ id: ID, otherMails: ['ann@new.example'] })), tenant([user({ otherMails: ['ann@new.example', ...many] })]), {
    now: new Date(0),
    leaseSeconds: 900,
  });
  const out = renderText(plan, { color: false });
  assert.match(out, /^~ ann@new\.example {2}/m);
  assert.match(out, /\n {4}\+ adopt/);
  assert.equal((out.match(/^\s+-old\d@x\.example$/gm) ?? []).length, 8);
  // Adoption alone keeps its '+'.
  const adoptOnly = buildPlan(desired(guest({ id: ID })), tenant([user({})]), { now: new Date(0), leaseSeconds: 900 });
  assert.match(renderText(adoptOnly, { color: false }), /^\+ ann@new\.example {2}/m);
});
