/**
 * Shared pieces of the reconciler tests: a scratch working directory with guest files, the CLI
 * run against an emulator (over HTTP, with a static emulator token), and readings of the
 * emulator's request log ("which writes", "how many resets for this user").
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import type { RequestLogEntry, Seed, TestEmulator } from '../helpers/emulator.js';

export const JOHN = '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10';
export const BOB = '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f80';
export const ALICE = '0b7e4c1a-3f2d-4e8b-a6c9-5d1e2f3a4b50';
export const DAVE = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c60';
export const CAROL = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e70';
export const FRANK = '5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b90'; // guest holding a directory role
export const GRACE = '7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9da0';
export const HENRY = '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6ab0'; // guest whose access expired (demo)
export const ERIN = 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4ab0'; // member
export const MARKER = 'extension_8c3f2a105b7e4d2c9a613e0f7b9d2c41_guestopsState';

/** A fresh working directory holding `files` (paths relative to it). */
export function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'guestops-reconcile-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** The demo guests/ of the repository, copied so a test may edit them. */
export function demoWorkdir(): string {
  return workdir({
    'guests/fabrikam.yaml': `defaults:
  invitation:
    redirectUrl: https://myapps.microsoft.com
    sendMessage: true
    messageLanguage: en-US
    ccRecipients: [helpdesk@contoso.example]
    customizedMessageBody: "Your access to Contoso moved to your new address."
guests:
  - id: ${JOHN}
    email: john.doe@northwind.example
    acknowledgeDomainChange: fabrikam.example -> northwind.example
    otherMails: [john.doe@northwind.example]
    generation: 0
  - upn: bob.smith_litware.example#EXT#@contoso.onmicrosoft.com
    email: bob.smith@litware.example
`,
    'guests/partners/tailspin.yml': `defaults:
  invitation:
    redirectUrl: https://myapps.microsoft.com
    sendMessage: false
guests:
  - id: ${ALICE}
    email: alice.wong@tailspin.example
    generation: 1
  - id: ${DAVE}
    email: dave.lee@adatum.example
    otherMails: [dave.lee@adatum.example, dave@lee-family.example]
`,
    'guests/partners/woodgrove.yaml': `guests:
  - id: ${CAROL}
    email: carol.diaz@woodgrove.example
    invitation:
      sendMessage: true
`,
  });
}

export interface RunOptions {
  readonly cwd: string;
  readonly token?: string;
  readonly env?: Record<string, string | undefined>;
  readonly timeoutMs?: number;
}

/** `guestops <args> --graph-url <emulator>` as a child process, with a static emulator token. */
export function guestops(emu: { url: string }, args: readonly string[], o: RunOptions): Promise<CliResult> {
  return runCli([...args, '--graph-url', emu.url], {
    cwd: o.cwd,
    env: { GUESTOPS_TOKEN: o.token ?? 'demo-apply', GUESTOPS_RETRY_BASE_MS: '50', ...o.env },
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  });
}

/**
 * The apply lock's own bookkeeping (src/graph/apply-lock.ts): the create-or-update of the lock
 * application by uniqueName, its holder record, its deletion and purge. Not a write to any guest.
 */
export function isLockRequest(e: RequestLogEntry): boolean {
  if (e.method !== 'PATCH' && e.method !== 'DELETE') return false;
  return /^\/v1\.0\/applications(\(uniqueName=|\/[^/]+$)/.test(e.path) || /^\/v1\.0\/directory\/deletedItems\//.test(e.path);
}

/** Requests that change the tenant's users and invitations. `$batch` (guestops only batches GETs —
 * checked separately) and the getAvailableExtensionProperties read action are POSTs that write
 * nothing; the apply lock's requests (isLockRequest) write only the lock. */
export function isWrite(e: RequestLogEntry): boolean {
  if (e.method === 'GET') return false;
  if (isLockRequest(e)) return false;
  if (e.method === 'POST' && /\/\$batch$/.test(e.path)) return false;
  if (e.method === 'POST' && /\/directoryObjects\/getAvailableExtensionProperties$/.test(e.path)) return false;
  return true;
}

/** Top-level requests only (inner `$batch` requests are logged too, with `batch` set). */
export function topLevel(log: readonly RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => e.batch === undefined);
}

/** Redemption resets Graph actually performed for `userId` (the handler ran and answered 2xx). */
export function resetsDone(log: readonly RequestLogEntry[], userId: string): number {
  return log.filter((e) => {
    if (e.method !== 'POST' || !e.path.endsWith('/invitations')) return false;
    const b = e.requestBody as { resetRedemption?: boolean; invitedUser?: { id?: string } } | undefined;
    if (!b?.resetRedemption || b.invitedUser?.id !== userId) return false;
    const handled = e.handledStatus ?? e.status;
    return handled >= 200 && handled < 300;
  }).length;
}

export function userOf(state: { users: Record<string, unknown>[] }, id: string): Record<string, unknown> {
  const u = state.users.find((x) => x['id'] === id);
  if (!u) throw new Error(`no user ${id} in emulator state`);
  return u;
}

export function markerOf(state: { users: Record<string, unknown>[] }, id: string): { g: number; e: string; p?: unknown } | null {
  const raw = userOf(state, id)[MARKER];
  return typeof raw === 'string' ? (JSON.parse(raw) as { g: number; e: string; p?: unknown }) : null;
}

/** A demo-seed patch: `count` extra guests with markers absent (bulk-read cost tests). */
export function withManyGuests(count: number): (seed: Seed) => Seed {
  return (seed) => {
    const users = [...(seed.users as unknown as Record<string, unknown>[])];
    for (let i = 0; i < count; i++) {
      const hex = i.toString(16).padStart(12, '0');
      users.push({
        id: `00000000-0000-4000-8000-${hex}`,
        displayName: `Guest ${i}`,
        userPrincipalName: `guest${i}_example.org#EXT#@contoso.onmicrosoft.com`,
        mail: `guest${i}@example.org`,
        otherMails: [],
        userType: 'Guest',
        creationType: 'Invitation',
        externalUserState: 'Accepted',
        externalUserStateChangeDateTime: '2026-03-02T10:15:00Z',
        identities: [],
      });
    }
    return { ...seed, users } as unknown as Seed;
  };
}

export type { TestEmulator };

/**
 * A replication lag for the lagged variants of the fault suites (src/emulator/replication.ts),
 * and the consistency window guestops is given for it: the lag plus a second.
 */
export interface TestLag {
  readonly ms: number;
  readonly rule: 'always' | 'on-state-change';
}

/** The environment that tells guestops the window for `lag` (nothing without a lag). */
export function lagEnv(lag: TestLag | undefined): Record<string, string> {
  return lag ? { GUESTOPS_CONSISTENCY_WINDOW_SECONDS: String((lag.ms + 1_000) / 1_000) } : {};
}

/** Turns the emulator's lag on (no-op without one). */
export async function useLag(emu: TestEmulator, lag: TestLag | undefined): Promise<void> {
  if (lag) await emu.settings({ replicationLagMs: lag.ms, changeTimeRule: lag.rule });
}

/** With a lag: the emulator really served stale reads (a lag nobody met proves nothing). */
export async function assertLagExercised(emu: TestEmulator, lag: TestLag | undefined, label: string): Promise<void> {
  if (!lag) return;
  const { staleReads } = await emu.state();
  assert.ok(staleReads > 0, `${label}: no read met the ${lag.ms} ms lag`);
}

export const lagLabel = (lag: TestLag | undefined): string => (lag ? ` [lag ${lag.ms} ms, ${lag.rule}]` : '');
