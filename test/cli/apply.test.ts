import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEmulator } from '../helpers/emulator.js';
import {
  ALICE, BOB, CAROL, DAVE, ERIN, FRANK, JOHN, demoWorkdir, guestops, isWrite, markerOf, resetsDone, userOf, workdir,
} from '../apply/support.js';
import { emailHash } from '../../src/plan/marker.js';

test('apply converges the demo tenant: email change, generation bump, otherMails drift, adoption; then plan is empty', async () => {
  const emu = await withEmulator();
  try {
    const cwd = demoWorkdir();
    const r = await guestops(emu, ['apply', '--report', 'report.json'], { cwd, env: { GUESTOPS_RUN_ID: 'run-1', GITHUB_SHA: 'abcdef1234567890' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\[4\/4\]/);
    const log = await emu.requests();
    assert.equal(resetsDone(log, JOHN), 1);
    assert.equal(resetsDone(log, ALICE), 1);
    for (const id of [BOB, CAROL, DAVE]) assert.equal(resetsDone(log, id), 0);

    // The reset request carries the declared invitation settings, Graph-shaped.
    const johnReset = log.find((e) => e.method === 'POST' && e.path.endsWith('/invitations') && (e.requestBody as { invitedUser?: { id: string } }).invitedUser?.id === JOHN)!;
    assert.deepEqual(johnReset.requestBody, {
      invitedUserEmailAddress: 'john.doe@northwind.example',
      inviteRedirectUrl: 'https://myapps.microsoft.com',
      sendInvitationMessage: true,
      invitedUserMessageInfo: {
        messageLanguage: 'en-US',
        ccRecipients: [{ emailAddress: { address: 'helpdesk@contoso.example' } }],
        customizedMessageBody: 'Your access to Contoso moved to your new address.',
      },
      resetRedemption: true,
      invitedUser: { id: JOHN },
    });
    // The profile update (with the intent) reached Graph before the reset.
    const johnPatch = log.findIndex((e) => e.method === 'PATCH' && e.path.endsWith(JOHN));
    assert.ok(johnPatch >= 0 && johnPatch < log.indexOf(johnReset));

    const s = await emu.state();
    const john = userOf(s, JOHN);
    assert.equal(john['mail'], 'john.doe@northwind.example');
    assert.deepEqual(john['otherMails'], ['john.doe@northwind.example']);
    assert.equal(john['externalUserState'], 'PendingAcceptance');
    assert.deepEqual(markerOf(s, JOHN), { v: 1, g: 0, e: emailHash('john.doe@northwind.example'), t: (markerOf(s, JOHN) as unknown as { t: string }).t, c: 'abcdef123456' });
    assert.equal(markerOf(s, ALICE)!.g, 1);
    assert.equal(markerOf(s, ALICE)!.p, undefined);
    assert.deepEqual(userOf(s, DAVE)['otherMails'], ['dave.lee@adatum.example', 'dave@lee-family.example']);
    assert.equal(markerOf(s, CAROL)!.g, 0);
    assert.equal(markerOf(s, CAROL)!.e, emailHash('carol.diaz@woodgrove.example'));

    const report = JSON.parse(readFileSync(join(cwd, 'report.json'), 'utf8')) as {
      runId: string; summary: { resets: number; adoptions: number; profileUpdates: number; failed: number };
      guests: { id: string; steps: { step: string; requestId: string | null; status: number | null; ms: number }[] }[];
    };
    assert.equal(report.runId, 'run-1');
    assert.deepEqual([report.summary.resets, report.summary.adoptions, report.summary.profileUpdates, report.summary.failed], [2, 1, 2, 0]);
    const steps = report.guests.find((g) => g.id === JOHN)!.steps;
    assert.deepEqual(steps.map((x) => x.step), ['re-read', 'update-profile', 'verify-intent', 'reset-redemption', 'write-marker']);
    for (const st of steps) assert.match(st.requestId ?? '', /^[0-9a-f-]{36}$/);

    const again = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /No changes/);
  } finally {
    await emu.close();
  }
});

test('--max-resets refuses an over-budget plan before any write', async () => {
  const emu = await withEmulator();
  try {
    const r = await guestops(emu, ['apply', '--max-resets', '1'], { cwd: demoWorkdir() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /max-resets-exceeded/);
    assert.match(r.stderr, /resets 2 guests/);
    assert.deepEqual((await emu.requests()).filter(isWrite), []);
  } finally {
    await emu.close();
  }
});

test('apply --plan refuses a stale plan: guests/ edited, or the tenant changed; nothing written', async () => {
  const emu = await withEmulator();
  try {
    const cwd = demoWorkdir();
    const p = await guestops(emu, ['plan', '--out', 'plan.json'], { cwd });
    assert.equal(p.code, 0, p.stderr);

    // 1. YAML changed since the plan.
    const file = join(cwd, 'guests/partners/tailspin.yml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('generation: 1', 'generation: 2'));
    const r1 = await guestops(emu, ['apply', '--plan', 'plan.json'], { cwd });
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /plan-stale-desired/);
    writeFileSync(file, original);

    // 2. The tenant changed since the plan (someone edited Dave in the portal).
    const res = await fetch(`${emu.url}/v1.0/users/${DAVE}`, {
      method: 'PATCH',
      headers: { authorization: 'Bearer demo-apply', 'content-type': 'application/json' },
      body: JSON.stringify({ otherMails: ['dave.lee@adatum.example', 'dave@elsewhere.example'] }),
    });
    assert.equal(res.status, 204);
    const mark = (await emu.requests()).length;
    const r2 = await guestops(emu, ['apply', '--plan', 'plan.json'], { cwd });
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /plan-stale-tenant/);
    assert.match(r2.stderr, new RegExp(DAVE));
    assert.deepEqual((await emu.requests()).slice(mark).filter(isWrite), []);

    // 3. A fresh plan applies.
    const p2 = await guestops(emu, ['plan', '--out', 'plan.json'], { cwd });
    assert.equal(p2.code, 0);
    const r3 = await guestops(emu, ['apply', '--plan', 'plan.json'], { cwd });
    assert.equal(r3.code, 0, r3.stderr);
    assert.equal(resetsDone(await emu.requests(), JOHN), 1);
  } finally {
    await emu.close();
  }
});

test('blocked guests are skipped and listed, the others applied, exit 1', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({
      'guests/mixed.yaml': `guests:
  - id: ${ERIN}
    email: erin@contoso.example
  - id: ${FRANK}
    email: frank.ortiz@new-employer.example
  - id: ${ALICE}
    email: alice.wong@tailspin.example
    generation: 1
`,
    });
    const r = await guestops(emu, ['apply', '--report', 'r.json'], { cwd });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /blocked not-a-guest/);
    assert.match(r.stderr, /blocked role-holder-app-only/);
    const log = await emu.requests();
    assert.equal(resetsDone(log, ALICE), 1);
    assert.equal(resetsDone(log, FRANK), 0);
    assert.ok(!log.some((e) => isWrite(e) && (e.path.endsWith(ERIN) || e.path.endsWith(FRANK))), 'nothing written to blocked users');
    const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as { summary: { blocked: number; applied: number } };
    assert.deepEqual([report.summary.blocked, report.summary.applied], [2, 1]);
  } finally {
    await emu.close();
  }
});

test('a delegated admin resets a guest holding a directory role', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({ 'guests/frank.yaml': `guests:\n  - id: ${FRANK}\n    email: frank.ortiz@new-employer.example\n    acknowledgeDomainChange: proseware.example -> new-employer.example\n` });
    const r = await guestops(emu, ['apply'], { cwd, token: 'demo-admin' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(resetsDone(await emu.requests(), FRANK), 1);
    assert.equal(userOf(await emu.state(), FRANK)['mail'], 'frank.ortiz@new-employer.example');
  } finally {
    await emu.close();
  }
});

test('an email-only guest is invited once and recognised afterwards', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({ 'guests/new.yaml': 'guests:\n  - email: new.person@partner.example\n    otherMails: [new.person@partner.example, np@home.example]\n' });
    const r = await guestops(emu, ['apply'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const invites = (await emu.requests()).filter((e) => e.method === 'POST' && e.path.endsWith('/invitations'));
    assert.equal(invites.length, 1);
    const p = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd });
    assert.equal(p.code, 0, p.stdout + p.stderr);
  } finally {
    await emu.close();
  }
});
