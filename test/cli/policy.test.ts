/**
 * The takeover attacks of issue 12 that the plan must refuse or make conspicuous, driven through
 * the CLI against the emulator and judged from its request log: a sign-in moved to another domain
 * without acknowledgement, the policy's allow-list, consumer domains, manage scope, and the cap on
 * email changes per apply.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEmulator } from '../helpers/emulator.js';
import { runCli } from '../helpers/cli.js';
import { CAROL, GRACE, JOHN, demoWorkdir, guestops, isWrite, resetsDone, userOf, workdir } from '../apply/support.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface JsonPlan {
  guests: { id: string | null; blocked?: { code: string; reason: string }; actions: { type: string }[]; emailChange?: { from: string | null; to: string } }[];
  risks: { kind: string; key: string; from?: string | null; to?: string; detail: string }[];
  emailChanges: { count: number; max: number };
}

/** Three added lines: an unmanaged guest's id, an address at a look-alike domain, no invitation email. */
const LOOKALIKE = `guests:
  - id: ${GRACE}
    email: grace.kim@fourthcoffee-example.com
    invitation: { sendMessage: false }
`;

test('the three-line adoption to a look-alike domain is blocked without acknowledgement; apply writes nothing', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({ 'guests/grace.yaml': LOOKALIKE });
    const p = await guestops(emu, ['plan', '--format', 'json'], { cwd });
    assert.equal(p.code, 1, p.stderr);
    const plan = JSON.parse(p.stdout) as JsonPlan;
    const g = plan.guests.find((x) => x.id === GRACE)!;
    assert.equal(g.blocked?.code, 'domain-change-unacknowledged');
    assert.match(g.blocked!.reason, /from domain fourthcoffee\.example to fourthcoffee-example\.com/);
    assert.match(g.blocked!.reason, /guests\/grace\.yaml:2/, 'the reason names where the guest is declared');
    assert.deepEqual(g.emailChange, { from: 'grace.kim@fourthcoffee.example', to: 'grace.kim@fourthcoffee-example.com' });

    const text = await guestops(emu, ['plan'], { cwd });
    assert.match(text.stdout, /blocked: sign-in domain change not acknowledged \[domain-change-unacknowledged\]/);
    assert.match(text.stdout, /acknowledgeDomainChange: fourthcoffee\.example -> fourthcoffee-example\.com/);

    await emu.resetLog();
    const a = await guestops(emu, ['apply'], { cwd });
    assert.equal(a.code, 1);
    assert.match(a.stderr, /blocked domain-change-unacknowledged/);
    assert.deepEqual((await emu.requests()).filter(isWrite), [], 'zero writes');
    assert.equal(userOf(await emu.state(), GRACE)['mail'], 'grace.kim@fourthcoffee.example');
  } finally {
    await emu.close();
  }
});

test('acknowledged next to the guest, the same domain move is planned and opens the risks; a stale acknowledgement does not count', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({ 'guests/grace.yaml': LOOKALIKE.replace('invitation:', 'acknowledgeDomainChange: fourthcoffee.example -> fourthcoffee-example.com\n    invitation:') });
    const p = await guestops(emu, ['plan', '--format', 'json'], { cwd });
    assert.equal(p.code, 0, p.stderr);
    const plan = JSON.parse(p.stdout) as JsonPlan;
    const g = plan.guests.find((x) => x.id === GRACE)!;
    assert.equal(g.blocked, undefined);
    assert.deepEqual(g.actions.map((a) => a.type), ['update-profile', 'reset-redemption']);
    assert.deepEqual(
      plan.risks.map((r) => [r.kind, r.from, r.to]),
      [
        ['domain-change', 'grace.kim@fourthcoffee.example', 'grace.kim@fourthcoffee-example.com'],
      ],
    );
    assert.match(plan.risks[0]!.detail, /acknowledged at guests\/grace\.yaml:4:5/);

    // An acknowledgement of another move (here: in the file's defaults) leaves the guest blocked.
    writeFileSync(join(cwd, 'guests/grace.yaml'), `defaults:\n  acknowledgeDomainChange: fourthcoffee.example -> fourthcoffee.example.net\n${LOOKALIKE}`);
    const stale = JSON.parse((await guestops(emu, ['plan', '--format', 'json'], { cwd })).stdout) as JsonPlan;
    const b = stale.guests.find((x) => x.id === GRACE)!;
    assert.equal(b.blocked?.code, 'domain-change-unacknowledged');
    assert.match(b.blocked!.reason, /at guests\/grace\.yaml:2:3 says fourthcoffee\.example -> fourthcoffee\.example\.net, not this move/);

    // A partner that renamed its domain: once in defaults covers the file.
    writeFileSync(join(cwd, 'guests/grace.yaml'), `defaults:\n  acknowledgeDomainChange: FourthCoffee.example → fourthcoffee-example.com\n${LOOKALIKE}`);
    const renamed = await guestops(emu, ['apply'], { cwd });
    assert.equal(renamed.code, 0, renamed.stderr);
    assert.equal(resetsDone(await emu.requests(), GRACE), 1);
  } finally {
    await emu.close();
  }
});

test('a malformed acknowledgement and an http redirect are validate errors at their line', async () => {
  const cwd = workdir({
    'guests/a.yaml': `defaults:
  invitation:
    redirectUrl: http://myapps.microsoft.com
guests:
  - id: ${GRACE}
    email: grace.kim@northwind.example
    acknowledgeDomainChange: fourthcoffee.example to northwind.example
`,
  });
  const r = await runCli(['validate'], { cwd });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    'guests/a.yaml:3:18: error redirect-not-https: redirectUrl "http://myapps.microsoft.com" uses plain http; use an https URL (anyone on the path could change where a freshly redeemed guest lands)\n' +
      'guests/a.yaml:7:30: error invalid-domain-acknowledgement: acknowledgeDomainChange "fourthcoffee.example to northwind.example" is not "OLD -> NEW" with two email domains, e.g. "fabrikam.example -> northwind.example"\n' +
      '2 errors: not valid\n',
  );
});

test('validate checks the policy file too, with located errors', async () => {
  const cwd = workdir({
    'guests/a.yaml': `guests:\n  - id: ${GRACE}\n    email: grace.kim@fourthcoffee.example\n`,
    'guestops.policy.yaml': `formatVersion: 2
emailDomains:
  - files: guests/**
    allow: [northwind.example, "not a domain"]
maxEmailChange: 3
`,
  });
  const r = await runCli(['validate'], { cwd });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    'guestops.policy.yaml:1:16: error policy-format-version: formatVersion must be 1, not the number 2\n' +
      'guestops.policy.yaml:4:32: error invalid-domain: emailDomains[0].allow[1] "not a domain" is not a domain (example.com) or a subdomain wildcard (*.example.com)\n' +
      'guestops.policy.yaml:5:1: error schema-unknown-key: unknown key "maxEmailChange" at the top of a policy file; did you mean "maxEmailChanges"? (allowed: formatVersion, emailDomains, allowConsumerDomains, maxEmailChanges, maxDisables, gracePeriod, manage)\n' +
      '3 errors: not valid\n',
  );
  writeFileSync(join(cwd, 'guestops.policy.yaml'), 'formatVersion: 1\nmaxEmailChanges: 3\n');
  const ok = await runCli(['validate'], { cwd });
  assert.equal(ok.stdout, '1 file, 1 guest: valid; policy guestops.policy.yaml: valid\n');
  const missing = await runCli(['validate', '--policy', 'nope.yaml'], { cwd });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^nope\.yaml:1:1: error policy-unreadable: cannot read the policy file: ENOENT$/m);
});

test('the policy allow-list per file glob blocks a move to any other domain, before Graph is asked to write', async () => {
  const emu = await withEmulator();
  try {
    const cwd = demoWorkdir();
    writeFileSync(join(cwd, 'guestops.policy.yaml'), `formatVersion: 1
emailDomains:
  - files: guests/*.yaml
    allow: [fabrikam.example, "*.fabrikam.example"]
`);
    const p = await guestops(emu, ['plan', '--format', 'json'], { cwd });
    assert.equal(p.code, 1);
    const john = (JSON.parse(p.stdout) as JsonPlan).guests.find((g) => g.id === JOHN)!;
    assert.equal(john.blocked?.code, 'domain-not-allowed');
    assert.match(john.blocked!.reason, /northwind\.example, which guestops\.policy\.yaml does not allow for guests\/fabrikam\.yaml: allowed fabrikam\.example, \*\.fabrikam\.example by guestops\.policy\.yaml:3:5 \(files guests\/\*\.yaml\)/);
    // The rule covers guests/*.yaml only: partners/ files are not limited by it.
    assert.ok((JSON.parse(p.stdout) as JsonPlan).guests.some((g) => g.id !== JOHN && g.blocked === undefined));

    const a = await guestops(emu, ['apply'], { cwd });
    assert.equal(a.code, 1);
    assert.equal(resetsDone(await emu.requests(), JOHN), 0);
    assert.ok(!(await emu.requests()).some((e) => isWrite(e) && e.path.includes(JOHN)), 'nothing written to John');
  } finally {
    await emu.close();
  }
});

test('consumer mail domains are refused by default and allowed, conspicuously, only by the policy', async () => {
  const emu = await withEmulator();
  try {
    const yaml = `guests:\n  - id: ${GRACE}\n    email: grace.kim@gmx.de\n    acknowledgeDomainChange: fourthcoffee.example -> gmx.de\n`;
    const cwd = workdir({ 'guests/grace.yaml': yaml });
    const p = await guestops(emu, ['plan', '--format', 'json'], { cwd });
    assert.equal(p.code, 1);
    const g = (JSON.parse(p.stdout) as JsonPlan).guests[0]!;
    assert.equal(g.blocked?.code, 'consumer-domain');
    assert.match(g.blocked!.reason, /gmx\.de, a consumer mail domain/);

    writeFileSync(join(cwd, 'guestops.policy.yaml'), 'formatVersion: 1\nallowConsumerDomains: true\n');
    const allowed = JSON.parse((await guestops(emu, ['plan', '--format', 'json'], { cwd })).stdout) as JsonPlan;
    assert.equal(allowed.guests[0]!.blocked, undefined);
    assert.ok(allowed.risks.some((r) => r.kind === 'consumer-domain' && r.to === 'grace.kim@gmx.de'));
  } finally {
    await emu.close();
  }
});

test('manage scope: a guest outside the listed domains is blocked even with its id declared', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({
      'guests/a.yaml': `guests:\n  - id: ${GRACE}\n    email: grace.kim@fourthcoffee.example\n  - id: ${CAROL}\n    email: carol.diaz@woodgrove.example\n`,
      'policy/strict.yaml': 'formatVersion: 1\nmanage:\n  guestDomains: ["woodgrove.example"]\n',
    });
    const p = await guestops(emu, ['plan', '--format', 'json', '--policy', 'policy/strict.yaml'], { cwd });
    assert.equal(p.code, 1);
    const plan = JSON.parse(p.stdout) as JsonPlan;
    const grace = plan.guests.find((g) => g.id === GRACE)!;
    assert.equal(grace.blocked?.code, 'outside-manage-scope');
    assert.match(grace.blocked!.reason, /current mail grace\.kim@fourthcoffee\.example\) is outside what policy\/strict\.yaml lets guestops manage \(manage\.guestDomains at policy\/strict\.yaml:3:3: woodgrove\.example\)/);
    assert.deepEqual(plan.guests.find((g) => g.id === CAROL)!.actions.map((a) => a.type), ['adopt']);

    const a = await guestops(emu, ['apply', '--policy', 'policy/strict.yaml'], { cwd });
    assert.equal(a.code, 1);
    assert.ok(!(await emu.requests()).some((e) => isWrite(e) && e.path.includes(GRACE)), 'nothing written to the guest outside the scope');
  } finally {
    await emu.close();
  }
});

test('maxEmailChanges: plan states apply will refuse, and apply refuses before the first write', async () => {
  const emu = await withEmulator();
  try {
    const cwd = demoWorkdir();
    writeFileSync(join(cwd, 'guestops.policy.yaml'), 'formatVersion: 1\nmaxEmailChanges: 0\n');
    const p = await guestops(emu, ['plan', '--format', 'json'], { cwd });
    assert.equal(p.code, 1, 'a plan apply would refuse fails the check');
    assert.deepEqual((JSON.parse(p.stdout) as JsonPlan).emailChanges, { count: 1, max: 0 });
    // The same refusal in the text a terminal shows and the markdown a pull request shows.
    const refusal = "apply will refuse this plan: it changes the sign-in email of 1 guests, the policy (guestops.policy.yaml) allows 0 per apply";
    const text = await guestops(emu, ['plan'], { cwd });
    assert.equal(text.code, 1);
    assert.ok(text.stdout.includes(`x ${refusal}`), text.stdout);
    const md = await guestops(emu, ['plan', '--format', 'markdown'], { cwd });
    assert.equal(md.code, 1);
    assert.ok(md.stdout.includes(`> [!CAUTION]\n> **${refusal}.**`), md.stdout);

    const a = await guestops(emu, ['apply', '--max-resets', '50'], { cwd });
    assert.equal(a.code, 1);
    assert.match(a.stderr, /max-email-changes-exceeded/);
    assert.match(a.stderr, /changes the sign-in email of 1 guests, more than the policy's maxEmailChanges 0 \(guestops\.policy\.yaml\); nothing was written/);
    assert.deepEqual((await emu.requests()).filter(isWrite), []);
  } finally {
    await emu.close();
  }
});
