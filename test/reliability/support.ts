/**
 * The mixed plan the reliability tests drive, and the end-state checks they share. The plan holds
 * every kind of change guestops makes: John (update-profile + reset, email changed), Alice
 * (generation bump), Dave (otherMails drift), Carol (adoption), Bob (unchanged) and a new
 * email-only guest (invite). Every check reads the emulator's state and request log, never
 * guestops' own output, so a test fails when the tenant is wrong whatever guestops printed.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestLogEntry, TestEmulator } from '../helpers/emulator.js';
import { emailHash } from '../../src/plan/marker.js';
import { ALICE, BOB, CAROL, DAVE, JOHN, demoWorkdir, guestops, markerOf, userOf } from '../apply/support.js';

export const NEW_EMAIL = 'new.partner@adventure-works.example';
export const NEW_OTHER = [NEW_EMAIL, 'np@home.example'];
const NEW_FILE = 'guests/partners/woodgrove.yaml';

/** The demo guests/ plus one email-only guest to invite. */
export function mixedWorkdir(): string {
  const cwd = demoWorkdir();
  appendFileSync(join(cwd, NEW_FILE), `  - email: ${NEW_EMAIL}\n    otherMails: [${NEW_OTHER.join(', ')}]\n`);
  return cwd;
}

/**
 * What an operator does when plan says the new guest's address is already on a user (an apply
 * was interrupted between the invitation and its marker): declare that user's id in the YAML.
 */
export function declareNewGuestId(cwd: string, id: string): void {
  const file = join(cwd, NEW_FILE);
  const text = readFileSync(file, 'utf8');
  const next = text.replace(`  - email: ${NEW_EMAIL}\n`, `  - id: ${id}\n    email: ${NEW_EMAIL}\n`);
  assert.notEqual(next, text, 'the new guest entry was not found in its file');
  writeFileSync(file, next);
}

const isInvitation = (e: RequestLogEntry) => e.method === 'POST' && e.path === '/v1.0/invitations';
type InvitationBody = { invitedUserEmailAddress?: string; resetRedemption?: boolean; invitedUser?: { id?: string } };
const bodyOf = (e: RequestLogEntry) => (e.requestBody ?? {}) as InvitationBody;

/** Every `POST /invitations` resetting `userId` that was SENT (whatever its answer). */
export function resetsSent(log: readonly RequestLogEntry[], userId: string): RequestLogEntry[] {
  return log.filter((e) => isInvitation(e) && bodyOf(e).resetRedemption === true && bodyOf(e).invitedUser?.id === userId);
}

/** Resets Graph performed (the handler answered 2xx, even when a fault then replaced the answer). */
export function resetsPerformed(log: readonly RequestLogEntry[], userId: string): number {
  return resetsSent(log, userId).filter((e) => {
    const s = e.handledStatus ?? e.status;
    return s >= 200 && s < 300;
  }).length;
}

/** New invitations (no reset) for `email` that Graph performed. */
export function invitesPerformed(log: readonly RequestLogEntry[], email: string): number {
  return log.filter((e) => {
    if (!isInvitation(e) || bodyOf(e).resetRedemption === true) return false;
    if ((bodyOf(e).invitedUserEmailAddress ?? '').toLowerCase() !== email.toLowerCase()) return false;
    const s = e.handledStatus ?? e.status;
    return s >= 200 && s < 300;
  }).length;
}

/** The user the invitation of `email` created (by mail), or undefined. */
export function invitedUser(state: Awaited<ReturnType<TestEmulator['state']>>, email: string): Record<string, unknown> | undefined {
  return state.users.find((u) => typeof u['mail'] === 'string' && (u['mail'] as string).toLowerCase() === email.toLowerCase());
}

/**
 * The mixed plan fully converged, judged from the emulator alone: exactly one reset performed per
 * declared change (John, Alice) and none for anyone else, exactly one invitation for the new
 * guest, profiles as declared, every marker at the declared generation and email with no pending
 * intent left behind.
 */
export async function assertMixedConverged(emu: TestEmulator, label: string): Promise<void> {
  const log = await emu.requests();
  const state = await emu.state();
  assert.equal(resetsPerformed(log, JOHN), 1, `${label}: John reset ${resetsPerformed(log, JOHN)} times`);
  assert.equal(resetsPerformed(log, ALICE), 1, `${label}: Alice reset ${resetsPerformed(log, ALICE)} times`);
  for (const id of [BOB, CAROL, DAVE]) assert.equal(resetsSent(log, id).length, 0, `${label}: ${id} was sent a reset`);
  assert.equal(invitesPerformed(log, NEW_EMAIL), 1, `${label}: ${NEW_EMAIL} invited ${invitesPerformed(log, NEW_EMAIL)} times`);

  const john = userOf(state, JOHN);
  assert.equal(john['mail'], 'john.doe@northwind.example', `${label}: John's mail`);
  assert.deepEqual(john['otherMails'], ['john.doe@northwind.example'], `${label}: John's otherMails`);
  assert.equal(john['externalUserState'], 'PendingAcceptance', `${label}: John must redeem again`);
  assert.equal(userOf(state, ALICE)['externalUserState'], 'PendingAcceptance', `${label}: Alice must redeem again`);
  assert.deepEqual(userOf(state, DAVE)['otherMails'], ['dave.lee@adatum.example', 'dave@lee-family.example'], `${label}: Dave's otherMails`);
  const created = invitedUser(state, NEW_EMAIL);
  assert.ok(created, `${label}: the new guest exists`);
  assert.deepEqual(created['otherMails'], NEW_OTHER, `${label}: the new guest's otherMails`);

  const expected: [string, number, string][] = [
    [JOHN, 0, 'john.doe@northwind.example'],
    [ALICE, 1, 'alice.wong@tailspin.example'],
    [DAVE, 0, 'dave.lee@adatum.example'],
    [CAROL, 0, 'carol.diaz@woodgrove.example'],
    [BOB, 0, 'bob.smith@litware.example'],
    [created['id'] as string, 0, NEW_EMAIL],
  ];
  for (const [id, g, email] of expected) {
    const m = markerOf(state, id);
    assert.ok(m, `${label}: ${id} has no marker`);
    assert.equal(m.g, g, `${label}: ${id} marker generation`);
    assert.equal(m.e, emailHash(email), `${label}: ${id} marker email`);
    assert.equal(m.p, undefined, `${label}: ${id} still carries a pending intent`);
  }
}

/** `plan --detailed-exitcode` exits 0 ("no changes") — the last word on convergence. */
export async function assertNoChanges(emu: TestEmulator, cwd: string, label: string): Promise<void> {
  const plan = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd });
  assert.equal(plan.code, 0, `${label}: plan after convergence is not empty\n${plan.stdout}\n${plan.stderr}`);
  assert.match(plan.stdout, /No changes/, label);
}
