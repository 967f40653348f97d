import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphFetch, usingEmulator } from '../helpers/emulator.js';

const JOHN = '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10';
const FRANK = '5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b90'; // guest holding a directory role
const ERIN = 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4ab0'; // member, role holder
const REDIRECT = 'https://myapps.microsoft.com';

const using = usingEmulator;

function reset(id: string, email: string, extra: Record<string, unknown> = {}) {
  return { invitedUserEmailAddress: email, inviteRedirectUrl: REDIRECT, resetRedemption: true, invitedUser: { id }, ...extra };
}

test('reset redemption keeps id and UPN, sets PendingAcceptance and a strictly later change time; 201 with the documented body', async () => {
  await using(async (emu) => {
    const r = await graphFetch(emu.url, '/v1.0/invitations', {
      method: 'POST',
      body: reset(JOHN, 'john.doe@fabrikam.example', {
        sendInvitationMessage: true,
        invitedUserMessageInfo: { messageLanguage: 'fr-FR', ccRecipients: [{ emailAddress: { address: 'helpdesk@contoso.example' } }], customizedMessageBody: 'Hello' },
      }),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    // Keys of the v1.0 example response in invitation-post.md, in order.
    assert.deepEqual(Object.keys(r.body), [
      '@odata.context', 'id', 'inviteRedeemUrl', 'invitedUserDisplayName', 'invitedUserType', 'invitedUserEmailAddress',
      'sendInvitationMessage', 'resetRedemption', 'inviteRedirectUrl', 'status', 'invitedUserMessageInfo', 'invitedUser',
    ]);
    assert.equal(r.body['@odata.context'], `${emu.url}/v1.0/$metadata#invitations/$entity`);
    assert.equal(r.body.status, 'PendingAcceptance');
    assert.equal(r.body.resetRedemption, true);
    assert.deepEqual(r.body.invitedUser, { id: JOHN });
    assert.match(r.body.inviteRedeemUrl, /^https:\/\/login\.microsoftonline\.com\/redeem\?rd=/);
    assert.deepEqual(r.body.invitedUserMessageInfo.ccRecipients, [{ emailAddress: { address: 'helpdesk@contoso.example', name: null } }]);
    const s = await emu.state();
    const john = s.users.find((u) => u.id === JOHN)!;
    assert.equal(john['userPrincipalName'], 'john.doe_fabrikam.example#EXT#@contoso.onmicrosoft.com');
    assert.equal(john['externalUserState'], 'PendingAcceptance');
    assert.ok(Date.parse(john['externalUserStateChangeDateTime'] as string) > Date.parse('2026-03-02T10:15:00Z'));
    assert.equal(s.users.length, 9, 'no user created');
    assert.equal(s.messages.length, 1);
    const m = s.messages[0]!;
    assert.equal(m.to, 'john.doe@fabrikam.example');
    assert.deepEqual(m.cc, ['helpdesk@contoso.example']);
    assert.equal(m.body, 'Hello');
    assert.equal(m.language, 'fr-FR');
    assert.equal(m.userId, JOHN);
    assert.equal(m.inviteRedeemUrl, r.body.inviteRedeemUrl);
    assert.equal(m.resetRedemption, true);
  });
});

test('two resets in a row give strictly increasing change times, redeem gives a later one again', async () => {
  await using(async (emu) => {
    const times: string[] = [];
    const read = async () => (await graphFetch(emu.url, `/v1.0/users/${JOHN}?$select=externalUserState,externalUserStateChangeDateTime`)).body;
    for (let i = 0; i < 5; i++) {
      const r = await graphFetch(emu.url, '/v1.0/invitations', { method: 'POST', body: reset(JOHN, 'JOHN.DOE@fabrikam.example') });
      assert.equal(r.status, 201);
      times.push((await read()).externalUserStateChangeDateTime);
    }
    const redeemed = await emu.redeem(JOHN);
    assert.equal(redeemed.externalUserState, 'Accepted');
    times.push(redeemed.externalUserStateChangeDateTime);
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! > times[i - 1]!, `${times[i]} > ${times[i - 1]}`);
    assert.equal((await read()).externalUserState, 'Accepted');
    assert.equal((await emu.state()).messages.length, 0, 'sendInvitationMessage defaults to false');
  });
});

test('reset refusals: email not on the user, unknown user, app-only on a role holder, missing id', async () => {
  await using(async (emu) => {
    const post = (body: unknown, token?: string) => graphFetch(emu.url, '/v1.0/invitations', { method: 'POST', body, ...(token ? { token } : {}) });
    const mismatch = await post(reset(JOHN, 'john.doe@northwind.example'));
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.error.code, 'BadRequest');
    assert.equal(mismatch.body.error.message, 'The email you\u2019re using to invite this user doesn\u2019t match any emails on the user object. Please add this email to the user object and try again.');
    const unknown = await post(reset('11111111-2222-4333-8444-555555555555', 'x@y.example'));
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'Request_ResourceNotFound');
    const role = await post(reset(FRANK, 'frank.ortiz@proseware.example'));
    assert.equal(role.status, 403);
    assert.equal(role.body.error.code, 'Forbidden');
    assert.equal(role.body.error.message, 'Generic authorization exception.');
    const noId = await post({ invitedUserEmailAddress: 'john.doe@fabrikam.example', inviteRedirectUrl: REDIRECT, resetRedemption: true });
    assert.equal(noId.status, 400);
    const state = await emu.state();
    assert.equal(state.users.find((u) => u.id === FRANK)!['externalUserState'], 'Accepted', 'refused reset changes nothing');
    assert.equal(state.users.find((u) => u.id === JOHN)!['externalUserState'], 'Accepted');
    // A delegated admin may reset the role holder.
    const delegated = await post(reset(FRANK, 'frank.ortiz@proseware.example'), 'demo-admin');
    assert.equal(delegated.status, 201);
  });
});

test('resetting an internal member converts it to B2B and keeps userType Member (invite-internal-users.md)', async () => {
  await using(async (emu) => {
    const r = await graphFetch(emu.url, '/v1.0/invitations', { method: 'POST', token: 'demo-admin', body: reset(ERIN, 'erin@contoso.example') });
    assert.equal(r.status, 201);
    assert.equal(r.body.invitedUserType, 'Member');
    const erin = (await emu.state()).users.find((u) => u.id === ERIN)!;
    assert.equal(erin['userType'], 'Member');
    assert.equal(erin['externalUserState'], 'PendingAcceptance');
    assert.equal(erin['userPrincipalName'], 'erin@contoso.onmicrosoft.com');
  });
});

test('a new invitation creates a guest with a #EXT# UPN; re-inviting returns the same guest', async () => {
  await using(async (emu) => {
    const body = { invitedUserEmailAddress: 'new.person@partner.example', inviteRedirectUrl: REDIRECT, invitedUserDisplayName: 'New Person' };
    const r = await graphFetch(emu.url, '/v1.0/invitations', { method: 'POST', body, token: 'demo-admin' });
    assert.equal(r.status, 201);
    assert.equal(r.body.invitedUserType, 'Guest');
    assert.equal(r.body.resetRedemption, false);
    const id = r.body.invitedUser.id;
    const u = await graphFetch(emu.url, `/v1.0/users/${id}?$select=userPrincipalName,userType,creationType,externalUserState,mail,displayName`);
    assert.deepEqual(
      { ...u.body, '@odata.context': undefined },
      { '@odata.context': undefined, userPrincipalName: 'new.person_partner.example#EXT#@contoso.onmicrosoft.com', userType: 'Guest', creationType: 'Invitation', externalUserState: 'PendingAcceptance', mail: 'new.person@partner.example', displayName: 'New Person' },
    );
    const again = await graphFetch(emu.url, '/v1.0/invitations', { method: 'POST', body, token: 'demo-admin' });
    assert.equal(again.body.invitedUser.id, id);
    assert.equal((await emu.state()).users.length, 10);
  });
});

test('invitation payload refusals: missing fields, invalid email characters, two cc recipients', async () => {
  await using(async (emu) => {
    const post = (body: unknown) => graphFetch(emu.url, '/v1.0/invitations', { method: 'POST', body });
    assert.equal((await post({ inviteRedirectUrl: REDIRECT })).status, 400);
    assert.equal((await post({ invitedUserEmailAddress: 'a@b.example' })).status, 400);
    for (const email of ['a!b@x.example', 'a#b@x.example', '.ab@x.example', 'ab-@x.example', 'a,b@x.example', 'no-at-sign', 'a@b@x.example', 'a b@x.example']) {
      const r = await post({ invitedUserEmailAddress: email, inviteRedirectUrl: REDIRECT });
      assert.equal(r.status, 400, email);
    }
    for (const email of ['a.b-c_d@x.example', 'a_b@sub.x.example']) {
      const r = await post({ invitedUserEmailAddress: email, inviteRedirectUrl: REDIRECT });
      assert.equal(r.status, 201, email);
    }
    const cc = await post({
      invitedUserEmailAddress: 'c@x.example',
      inviteRedirectUrl: REDIRECT,
      invitedUserMessageInfo: { ccRecipients: [{ emailAddress: { address: 'a@x.example' } }, { emailAddress: { address: 'b@x.example' } }] },
    });
    assert.equal(cc.status, 400);
    assert.match(cc.body.error.message, /one additional recipient/);
    assert.equal((await post('not json')).status, 400);
  });
});

test('permissions: invite needs User.Invite.All, reset additionally User.ReadWrite.All', async () => {
  await using(async (emu) => {
    const post = (body: unknown, token: string) => graphFetch(emu.url, '/v1.0/invitations', { method: 'POST', body, token });
    const planner = await post({ invitedUserEmailAddress: 'a@x.example', inviteRedirectUrl: REDIRECT }, 'demo-plan');
    assert.equal(planner.status, 403);
    assert.equal(planner.body.error.code, 'Authorization_RequestDenied');
    assert.equal(planner.body.error.message, 'Insufficient privileges to complete the operation.');
    assert.equal((await post({ invitedUserEmailAddress: 'a@x.example', inviteRedirectUrl: REDIRECT }, 'inviter')).status, 201);
    const inviterReset = await post(reset(JOHN, 'john.doe@fabrikam.example'), 'inviter');
    assert.equal(inviterReset.status, 403);
    assert.equal(inviterReset.body.error.code, 'Authorization_RequestDenied');
  }, (s) => ({ ...s, tokens: { ...s.tokens, inviter: { kind: 'app', appId: 'aaaaaaaa-0000-4000-8000-00000000000a', permissions: ['User.Invite.All'] } } }));
});
