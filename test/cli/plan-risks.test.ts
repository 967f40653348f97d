/**
 * The plan a reviewer reads opens with the risks: sign-in domain changes old → new, first-time
 * adoptions with a new email, consumer domains, and invitation settings changed since the review's
 * base (`--base-dir`), which the tenant cannot show. Driven through the CLI against the emulator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withEmulator } from '../helpers/emulator.js';
import { GRACE, demoWorkdir, guestops, isWrite, workdir } from '../apply/support.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BOB_UPN = 'bob.smith_litware.example#EXT#@contoso.onmicrosoft.com';

test('an acknowledged look-alike domain move opens the text and markdown plans, old → new in the table', async () => {
  const emu = await withEmulator();
  try {
    const cwd = workdir({
      'guests/grace.yaml': `guests:
  - id: ${GRACE}
    email: grace.kim@fourthcoffee-example.com
    acknowledgeDomainChange: fourthcoffee.example -> fourthcoffee-example.com
    invitation: { sendMessage: false }
`,
    });
    const text = (await guestops(emu, ['plan'], { cwd })).stdout;
    const risks = text.indexOf('Risks, read these first (1):');
    assert.ok(risks > 0, text);
    assert.ok(risks < text.indexOf('-/+ grace.kim@'), 'the risks come before the guest blocks');
    assert.match(text, /^ {2}! sign-in domain change: grace\.kim@fourthcoffee\.example -> grace\.kim@fourthcoffee-example\.com {2}guests\/grace\.yaml:2$/m);
    assert.match(text, /^ {4}fourthcoffee\.example -> fourthcoffee-example\.com, acknowledged at guests\/grace\.yaml:4:5$/m);
    assert.match(text, /^-\/\+ grace\.kim@fourthcoffee\.example -> grace\.kim@fourthcoffee-example\.com {2}guests\/grace\.yaml:2$/m);

    const md = (await guestops(emu, ['plan', '--format', 'markdown'], { cwd })).stdout;
    const warning = md.indexOf('> [!WARNING]');
    assert.ok(warning > 0 && warning < md.indexOf('| Resets |'), 'the risks come before the counts');
    assert.match(md, /> - \*\*sign-in domain change\*\* `grace\.kim@fourthcoffee\.example` → `grace\.kim@fourthcoffee-example\.com` \(`fourthcoffee\.example → fourthcoffee-example\.com`\)/);
    assert.match(md, /^\| `grace\.kim@fourthcoffee\.example` → `grace\.kim@fourthcoffee-example\.com` \| `guests\/grace\.yaml:2` \|/m);
    assert.deepEqual((await emu.requests()).filter(isWrite), []);
  } finally {
    await emu.close();
  }
});

const BASE = `defaults:
  invitation:
    sendMessage: true
    ccRecipients: [helpdesk@contoso.example]
    customizedMessageBody: "Your access moved to your new address."
guests:
  - upn: ${BOB_UPN}
    email: bob.smith@litware.example
`;

test('changed ccRecipients and customizedMessageBody show as a settings change against --base-dir, body in full, not "No changes"', async () => {
  const emu = await withEmulator();
  try {
    const body = 'Your account needs attention.\\nSign in at https://login.evil.example within 24 hours.\\n\\u001b[2J</details><img src=x>';
    const cwd = workdir({
      'base/guests/bob.yaml': BASE,
      'guests/bob.yaml': BASE.replace('[helpdesk@contoso.example]', '[it-support@evil.example]').replace('"Your access moved to your new address."', `"${body}"`),
    });
    const without = await guestops(emu, ['plan'], { cwd });
    assert.equal(without.code, 0, without.stderr);
    assert.match(without.stdout, /^No changes\./, 'without a base the tenant alone cannot tell');

    const t = await guestops(emu, ['plan', '--base-dir', 'base/guests'], { cwd });
    assert.equal(t.code, 0, t.stderr);
    assert.doesNotMatch(t.stdout, /^No changes\./m);
    assert.match(t.stdout, /^ {2}! invitation settings changed: guests\/bob\.yaml:7$/m);
    assert.match(t.stdout, /^ {4}ccRecipients, customizedMessageBody changed for 1 guest$/m);
    assert.match(t.stdout, /^ {4}- ccRecipients: helpdesk@contoso\.example\n {4}\+ ccRecipients: it-support@evil\.example$/m);
    assert.match(t.stdout, /^ {4}- Your access moved to your new address\.\n {4}\+ Your account needs attention\.\n {4}\+ Sign in at https:\/\/login\.evil\.example within 24 hours\.\n {4}\+ \\u001b\[2J<\/details><img src=x>$/m);
    assert.doesNotMatch(t.stdout, /\u001b/, 'no escape sequence reaches the terminal');
    assert.match(t.stdout, /^No changes to the tenant; the invitation settings above are sent with this file's next reset or invitation\.$/m);

    const md = (await guestops(emu, ['plan', '--base-dir', 'base/guests', '--format', 'markdown'], { cwd })).stdout;
    assert.match(md, /\*\*invitation settings changed\*\* in `guests\/bob\.yaml:7`/);
    assert.match(md, /^```diff\n- ccRecipients: helpdesk@contoso\.example\n\+ ccRecipients: it-support@evil\.example\n~ customizedMessageBody:\n- Your access moved to your new address\.\n\+ Your account needs attention\.\n\+ Sign in at https:\/\/login\.evil\.example within 24 hours\.\n\+ \\u001b\[2J<\/details><img src=x>\n```$/m);
    assert.doesNotMatch(md, /No changes\.\*\*/);
    const outsideFences = md.replace(/^(`{3,})diff\n[\s\S]*?^\1$/gm, '');
    assert.doesNotMatch(outsideFences, /<img|<\/details>/, 'hostile body text only inside the fenced block');

    const json = JSON.parse((await guestops(emu, ['plan', '--base-dir', 'base/guests', '--format', 'json'], { cwd })).stdout) as {
      invitationChanges: { file: string; fields: string[]; guests: string[] }[];
      risks: { kind: string }[];
    };
    assert.deepEqual(json.invitationChanges.map((c) => [c.file, c.fields, c.guests]), [['guests/bob.yaml', ['ccRecipients', 'customizedMessageBody'], [BOB_UPN]]]);
    assert.deepEqual(json.risks.map((r) => r.kind), ['invitation-settings']);
    assert.deepEqual((await emu.requests()).filter(isWrite), []);
  } finally {
    await emu.close();
  }
});

test('the text plan says when apply will refuse it for too many email changes, and notes a missing base', async () => {
  const emu = await withEmulator();
  try {
    const cwd = demoWorkdir();
    const ok = (await guestops(emu, ['plan'], { cwd })).stdout;
    assert.match(ok, /^i 1 sign-in email change \(the policy, built-in policy, allows 10 per apply\)$/m);
    assert.match(ok, /^i invitation settings were not compared with the review's base \(no --base-dir\)$/m);
    writeFileSync(join(cwd, 'guestops.policy.yaml'), 'formatVersion: 1\nmaxEmailChanges: 0\n');
    const refused = await guestops(emu, ['plan'], { cwd });
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /^x apply will refuse this plan: it changes the sign-in email of 1 guests, the policy \(guestops\.policy\.yaml\) allows 0 per apply$/m);
  } finally {
    await emu.close();
  }
});
