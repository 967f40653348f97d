/** Table tests of the pure rules: domain patterns, globs, consumer domains, acknowledgements, policy checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainMatches, domainOf, fileMatches } from '../../src/policy/match.js';
import { isConsumerDomain } from '../../src/policy/consumer-domains.js';
import { checkDomainChange } from '../../src/plan/domain-acknowledgement.js';
import { checkAllowedDomain, checkConsumerDomain, checkManageScope } from '../../src/plan/policy-rules.js';
import { currentAddress } from '../../src/plan/sign-in-change.js';
import { parsePolicy } from '../../src/policy/parse.js';
import { DEFAULT_POLICY, type Policy } from '../../src/policy/types.js';
import { guest, user } from '../plan/builders.js';

test('domain patterns: exact, or subdomains with *.', () => {
  const rows: [string, string, boolean][] = [
    ['northwind.example', 'northwind.example', true],
    ['NorthWind.Example', 'northwind.example', true],
    ['mail.northwind.example', 'northwind.example', false],
    ['mail.northwind.example', '*.northwind.example', true],
    ['northwind.example', '*.northwind.example', false],
    ['evilnorthwind.example', '*.northwind.example', false],
    ['northwind.example.evil.com', 'northwind.example', false],
  ];
  for (const [d, p, want] of rows) assert.equal(domainMatches(d, p), want, `${d} ~ ${p}`);
  assert.equal(domainOf('A@B.Example'), 'b.example');
  assert.equal(domainOf('"a@x"@b.example'), 'b.example');
});

test('file globs: * inside a folder, ** across folders, ? one character', () => {
  const rows: [string, string, boolean][] = [
    ['guests/fabrikam.yaml', 'guests/*.yaml', true],
    ['guests/partners/tailspin.yml', 'guests/*.yaml', false],
    ['guests/partners/tailspin.yml', 'guests/**', true],
    ['guests/fabrikam.yaml', 'guests/**/*.yaml', true],
    ['guests/a/b/c.yaml', 'guests/**/*.yaml', true],
    ['guests/fabrikam.yaml', './guests/fabrikam.yaml', true],
    ['guests/fabrikamXyaml', 'guests/fabrikam.yaml', false],
    ['guests/f1.yaml', 'guests/f?.yaml', true],
    ['other/fabrikam.yaml', 'guests/**', false],
  ];
  for (const [f, g, want] of rows) assert.equal(fileMatches(f, g), want, `${f} ~ ${g}`);
});

test('consumer domains: the shipped list, with name.* over public suffixes', () => {
  for (const d of ['gmail.com', 'outlook.com', 'hotmail.co.uk', 'live.com', 'yahoo.com', 'yahoo.co.jp', 'icloud.com', 'proton.me', 'gmx.de', 'gmx.net', 'GMAIL.COM']) {
    assert.equal(isConsumerDomain(d), true, d);
  }
  for (const d of ['northwind.example', 'gmail.com.evil.example', 'mygmail.com', 'gmx.corp.internal.example', 'contoso.com']) assert.equal(isConsumerDomain(d), false, d);
});

test('the current address: mail, else otherMails, else the address a guest UPN encodes', () => {
  assert.equal(currentAddress(user({ mail: 'a@one.example' })), 'a@one.example');
  assert.equal(currentAddress(user({ mail: null, otherMails: ['b@two.example'] })), 'b@two.example');
  assert.equal(currentAddress(user({ mail: null, userPrincipalName: 'ann_x_old.example#EXT#@contoso.onmicrosoft.com' })), 'ann_x@old.example');
  assert.equal(currentAddress(user({ mail: null, userPrincipalName: 'ann@contoso.onmicrosoft.com' })), null);
});

test('domain-change acknowledgement: same domain passes, a matching one acknowledges, anything else blocks', () => {
  const ack = (from: string, to: string, at: 'guest' | 'defaults' = 'guest') => ({ from, to, at });
  const rows: { name: string; acks: ReturnType<typeof ack>[]; from: string | null; to: string; want: string; reason?: RegExp }[] = [
    { name: 'same domain', acks: [], from: 'a@x.example', to: 'b@X.example', want: 'same-domain' },
    { name: 'acknowledged', acks: [ack('x.example', 'y.example')], from: 'a@x.example', to: 'a@y.example', want: 'acknowledged' },
    { name: 'acknowledged in defaults', acks: [ack('x.example', 'y.example', 'defaults')], from: 'a@X.example', to: 'a@Y.example', want: 'acknowledged' },
    { name: 'reverse direction', acks: [ack('y.example', 'x.example')], from: 'a@x.example', to: 'a@y.example', want: 'blocked', reason: /says y\.example -> x\.example, not this move/ },
    { name: 'none', acks: [], from: 'a@x.example', to: 'a@y.example', want: 'blocked', reason: /add `acknowledgeDomainChange: x\.example -> y\.example`/ },
    { name: 'unknown old address', acks: [ack('x.example', 'y.example')], from: null, to: 'a@y.example', want: 'blocked', reason: /cannot be checked/ },
  ];
  for (const r of rows) {
    const d = checkDomainChange(guest({ email: r.to, domainChangeAcks: r.acks }), { from: r.from, to: r.to });
    assert.equal(d.kind, r.want, r.name);
    if (d.kind === 'blocked') {
      assert.equal(d.blocked.code, 'domain-change-unacknowledged', r.name);
      assert.match(d.blocked.reason, r.reason!, r.name);
    }
  }
});

function policy(yaml: string): Policy {
  const r = parsePolicy(new TextEncoder().encode(yaml), 'p.yaml');
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  return r.policy;
}

test('policy checks: allow-list by file, consumer domains, manage scope', () => {
  const p = policy('formatVersion: 1\nemailDomains:\n  - files: guests/partners/**\n    allow: [tailspin.example]\n  - files: guests/partners/woodgrove.yaml\n    allow: ["*.woodgrove.example"]\nmanage:\n  guestDomains: [tailspin.example, "*.woodgrove.example"]\n');
  const g = (file: string) => guest({ file });
  assert.equal(checkAllowedDomain(p, g('guests/partners/a.yaml'), 'x@tailspin.example'), undefined);
  assert.equal(checkAllowedDomain(p, g('guests/partners/a.yaml'), 'x@evil.example')?.code, 'domain-not-allowed');
  assert.equal(checkAllowedDomain(p, g('guests/partners/woodgrove.yaml'), 'x@eu.woodgrove.example'), undefined, 'any matching rule allows');
  assert.equal(checkAllowedDomain(p, g('guests/other.yaml'), 'x@evil.example'), undefined, 'a file no rule matches is not limited');

  assert.equal(checkConsumerDomain(DEFAULT_POLICY, { from: 'a@x.example', to: 'a@gmail.com' })?.code, 'consumer-domain');
  assert.equal(checkConsumerDomain(policy('formatVersion: 1\nallowConsumerDomains: true\n'), { from: 'a@x.example', to: 'a@gmail.com' }), undefined);

  assert.equal(checkManageScope(p, user({ mail: 'a@tailspin.example' }), undefined), undefined);
  assert.equal(checkManageScope(p, user({ mail: 'a@eu.woodgrove.example' }), undefined), undefined);
  assert.equal(checkManageScope(p, user({ mail: 'a@fabrikam.example' }), undefined)?.code, 'outside-manage-scope');
  assert.equal(checkManageScope(p, user({ mail: null, otherMails: [], userPrincipalName: 'x@contoso.onmicrosoft.com' }), undefined)?.code, 'outside-manage-scope');
  assert.equal(checkManageScope(p, undefined, 'new@tailspin.example'), undefined, 'a new guest by its invited address');
  assert.equal(checkManageScope(p, undefined, 'new@evil.example')?.code, 'outside-manage-scope');
  assert.equal(checkManageScope(DEFAULT_POLICY, user({ mail: 'a@fabrikam.example' }), undefined), undefined, 'no scope: every declared guest');
});

test('a policy file parses to typed, lower-cased values with defaults', () => {
  const p = policy('formatVersion: 1\nemailDomains:\n  - files: guests/**\n    allow: [NorthWind.Example]\n');
  assert.deepEqual(p.emailDomains.map((r) => [r.files, r.allow, r.location]), [['guests/**', ['northwind.example'], { file: 'p.yaml', line: 3, column: 5 }]]);
  assert.equal(p.allowConsumerDomains, false);
  assert.equal(p.maxEmailChanges, 10);
  assert.equal(p.manage, undefined);
  assert.ok(Object.isFrozen(p.emailDomains[0]));
  const bad = parsePolicy(new TextEncoder().encode('formatVersion: 1\nemailDomains: &a []\n'), 'p.yaml');
  assert.equal(bad.ok, false);
  assert.deepEqual(!bad.ok && bad.problems.map((x) => x.code), ['yaml-anchor']);
});
