/**
 * New guests end to end: an email-only declaration no user carries is invited (POST /invitations
 * without reset, with the file's invitation settings), then recognised by its marker; one whose
 * address some user already carries is an error asking for that user's id.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEmulator } from '../helpers/emulator.js';
import { CAROL, ERIN, GRACE, guestops, isWrite, markerOf, userOf, workdir } from '../apply/support.js';
import { emailHash } from '../../src/plan/marker.js';

interface JsonPlan {
  summary: Record<string, number>;
  guests: { key: string; id: string | null; file: string; line: number; actions: { type: string; email?: string; invitation?: unknown }[]; blocked?: { code: string; reason: string } }[];
}

const NEW = 'new.partner@adventure-works.example';

test('an email-only guest is planned as invite, invited with the file settings, and recognised afterwards', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({
      'guests/new.yaml': `defaults:
  invitation:
    redirectUrl: https://contoso.example/welcome
    sendMessage: true
    messageLanguage: fr-FR
    ccRecipients: [helpdesk@contoso.example]
    customizedMessageBody: "Bienvenue chez Contoso."
guests:
  - email: ${NEW}
    otherMails: [${NEW}, np@home.example]
`,
    });
    const plan = await guestops(emu, ['plan', '--format', 'json', '--detailed-exitcode'], { cwd });
    assert.equal(plan.code, 2, plan.stderr);
    const p = JSON.parse(plan.stdout) as JsonPlan;
    assert.equal(p.summary['invites'], 1);
    assert.deepEqual(p.guests.map((g) => [g.key, g.id, g.file, g.line, g.actions.map((a) => a.type)]), [[NEW, null, 'guests/new.yaml', 9, ['invite']]]);
    const text = await guestops(emu, ['plan'], { cwd });
    assert.match(text.stdout, /invite/i);
    assert.deepEqual((await emu.requests()).filter(isWrite), [], 'plan writes nothing');

    const apply = await guestops(emu, ['apply'], { cwd });
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(apply.stdout, /1 invite\(s\)/);

    const writes = (await emu.requests()).filter(isWrite);
    assert.deepEqual(writes.map((w) => `${w.method} ${w.path.replace(/[0-9a-f-]{36}$/, '{id}')}`), ['POST /v1.0/invitations', 'PATCH /v1.0/users/{id}']);
    const body = writes[0]!.requestBody as Record<string, unknown>;
    assert.equal(body['resetRedemption'], undefined, 'a new invitation, not a reset');
    assert.equal(body['invitedUser'], undefined);
    assert.deepEqual(body, {
      invitedUserEmailAddress: NEW,
      inviteRedirectUrl: 'https://contoso.example/welcome',
      sendInvitationMessage: true,
      invitedUserMessageInfo: {
        messageLanguage: 'fr-FR',
        ccRecipients: [{ emailAddress: { address: 'helpdesk@contoso.example' } }],
        customizedMessageBody: 'Bienvenue chez Contoso.',
      },
    });

    const state = await emu.state();
    const created = state.users.find((u) => u['mail'] === NEW)!;
    assert.ok(created, 'the invitation created the guest');
    assert.ok(writes[1]!.path.endsWith(created.id));
    assert.deepEqual(userOf(state, created.id)['otherMails'], [NEW, 'np@home.example']);
    assert.deepEqual(markerOf(state, created.id), { ...markerOf(state, created.id)!, g: 0, e: emailHash(NEW) });
    assert.deepEqual(
      state.messages.map((m) => [m.to, m.cc, m.resetRedemption, m.inviteRedirectUrl, m.body]),
      [[NEW, ['helpdesk@contoso.example'], false, 'https://contoso.example/welcome', 'Bienvenue chez Contoso.']],
    );

    const after = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd });
    assert.equal(after.code, 0, after.stdout + after.stderr);
    assert.match(after.stdout, /No changes/);
    const seq = (await emu.requests()).at(-1)!.seq;
    const again = await guestops(emu, ['apply'], { cwd });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((await emu.requests(seq)).filter(isWrite), [], 'no second invitation');
  } finally {
    await emu.close();
  }
});

test('an email-only guest whose address a user already carries is an error asking for the id; nothing is written', async () => {
  // Users guestops does not manage yet (no marker): a guest by mail, a guest by otherMails, a member
  // by mail, and a member by otherMails only (not in the bulk guest list, nor found by `mail eq`).
  const emu = await withEmulator({
    seedPatch: (seed) => ({
      ...seed,
      users: seed.users.map((u) =>
        u.id === GRACE ? { ...u, otherMails: ['grace@home.example'] } : u.id === ERIN ? { ...u, otherMails: ['erin.private@home.example'] } : u,
      ),
    }),
  });
  try {
    const cwd = workdir({
      'guests/mixed.yaml': `guests:
  - email: carol.diaz@woodgrove.example
  - email: GRACE@home.example
  - email: erin@contoso.example
`,
    });
    const plan = await guestops(emu, ['plan', '--format', 'json'], { cwd });
    assert.equal(plan.code, 1, plan.stderr);
    const p = JSON.parse(plan.stdout) as JsonPlan;
    assert.equal(p.summary['invites'], 0);
    const byKey = new Map(p.guests.map((g) => [g.key, g]));
    for (const [key, id] of [['carol.diaz@woodgrove.example', CAROL], ['GRACE@home.example', GRACE], ['erin@contoso.example', ERIN]] as const) {
      const g = byKey.get(key)!;
      assert.equal(g.blocked?.code, 'email-in-use', key);
      assert.match(g.blocked!.reason, new RegExp(`declare \`id: ${id}\``), key);
      assert.deepEqual(g.actions, []);
    }
    const text = await guestops(emu, ['plan'], { cwd });
    assert.equal(text.code, 1);
    assert.match(text.stdout + text.stderr, new RegExp(`id: ${CAROL}`));

    const apply = await guestops(emu, ['apply'], { cwd });
    assert.equal(apply.code, 1);
    assert.deepEqual((await emu.requests()).filter(isWrite), [], 'no invitation, no adoption by email');
    assert.deepEqual((await emu.state()).messages, []);

    // Alone in its tree, so nothing else brings Erin into the observed users: only the
    // `otherMails/any(...)` lookup can find the member that carries this address.
    const alone = workdir({ 'guests/member.yaml': 'guests:\n  - email: Erin.Private@home.example\n' });
    const p2 = await guestops(emu, ['plan', '--format', 'json'], { cwd: alone });
    assert.equal(p2.code, 1, p2.stderr);
    const g = (JSON.parse(p2.stdout) as JsonPlan).guests[0]!;
    assert.equal(g.blocked?.code, 'email-in-use');
    assert.match(g.blocked!.reason, new RegExp(`declare \`id: ${ERIN}\``));
  } finally {
    await emu.close();
  }
});
