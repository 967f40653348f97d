/**
 * Property test against the REAL emulator and the real CLI (test/plan has the in-memory one):
 * for a small random tenant and a random guests/ tree written to a temporary folder,
 *   - `plan` sends no write (the emulator's request log);
 *   - `plan` is deterministic: the same JSON twice (but for its creation time);
 *   - `apply` then `plan`: no actions left, and exactly the guests blocked before are blocked
 *     after, with the same codes (blocked stays blocked, nothing blocked is touched).
 * Guests also carry the lifecycle: sponsors (members of the tenant, by UPN or id, now and then
 * one that does not exist), an expiry before, on or after the day the plans are judged on (a
 * given clock, GUESTOPS_NOW), a file's gracePeriod, `enabled`; users have sponsors and an
 * account state of their own.
 * Few runs (each is four CLI processes), random seeds; fast-check prints the seed of a failure.
 *
 * The same property also runs under a 500 ms replication lag (guestops told a 1.5 s consistency
 * window), half the runs under each change-time rule, with one fixed example that resets a guest
 * so the lag is always met; every run that wrote must have been served stale reads. apply
 * releases its lock only once its last write is a window old, so the plan after it reads past
 * the lag (no test-side wait).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { demoSeed, withEmulator, type Seed } from '../helpers/emulator.js';
import { emailHash, formatMarker } from '../../src/plan/marker.js';
import { MARKER, guestops, isWrite, workdir } from '../apply/support.js';

const RUNS = Number(process.env['GUESTOPS_PROPERTY_RUNS'] ?? 10);
const LAGGED_RUNS = Number(process.env['GUESTOPS_PROPERTY_LAGGED_RUNS'] ?? 4);
const LAG_MS = 500;

interface SlotUser {
  readonly userType: 'Guest' | 'Member';
  readonly mail: number;
  readonly otherMails: readonly number[];
  readonly marker: null | { readonly g: number; readonly e: number };
  readonly accountEnabled: boolean;
  /** Indexes into SPONSORS. */
  readonly sponsors: readonly number[];
}
interface Declaration {
  readonly by: 'id' | 'upn' | 'email';
  readonly email: number;
  readonly generation: number | undefined;
  readonly otherMails: readonly number[] | undefined;
  readonly file: number;
  readonly expires: string | undefined;
  readonly enabled: boolean | undefined;
  /** Indexes into SPONSOR_REFS. */
  readonly sponsors: readonly number[] | undefined;
}
interface Slot {
  readonly user: SlotUser | null;
  readonly declared: Declaration | null;
  /** An undeclared user also carries this slot's first address. */
  readonly stranger: boolean;
}

const id = (i: number) => `bbbbbbbb-0000-4000-8000-${String(i).padStart(12, '0')}`;
const strangerId = (i: number) => `cccccccc-0000-4000-8000-${String(i).padStart(12, '0')}`;
const upn = (i: number) => `p${i}_old.example#EXT#@contoso.onmicrosoft.com`;
/** Each slot draws from its own pool of three addresses (distinct declarations do not collide). */
const email = (i: number, k: number) => `p${i}${'abc'[k]}@d${i}.example`;
const FILES = ['guests/a.yaml', 'guests/team/b.yml'];
/** Every plan and apply is judged on this moment, whatever day the test runs. */
const NOW = { GUESTOPS_NOW: '2026-07-01T12:00:00Z' };
/** Days around NOW: 10 days before (inside a 14-day grace), the day before, NOW's day, later. */
const EXPIRES = ['2026-06-21', '2026-06-30', '2026-07-01', '2026-12-31'];
/** Members who can sponsor. */
const SPONSORS = [1, 2, 3].map((n) => ({ id: `5a0c0000-0000-4000-8000-00000000000${n}`, upn: `sponsor${n}@contoso.onmicrosoft.com` }));
/** How guests/ names them: by UPN or id, and one that is no user (blocks the guest). */
const SPONSOR_REFS = [SPONSORS[0]!.upn, SPONSORS[1]!.id, SPONSORS[2]!.upn, SPONSORS[0]!.id.toUpperCase(), 'nobody@contoso.onmicrosoft.com'];

const pick = fc.integer({ min: 0, max: 2 });
const slotArb: fc.Arbitrary<Slot> = fc.record({
  user: fc.option(
    fc.record({
      userType: fc.constantFrom<'Guest' | 'Member'>('Guest', 'Guest', 'Guest', 'Member'),
      mail: pick,
      otherMails: fc.uniqueArray(pick, { maxLength: 3 }),
      marker: fc.option(fc.record({ g: fc.integer({ min: 0, max: 2 }), e: pick }), { nil: null }),
      accountEnabled: fc.constantFrom(true, true, false),
      sponsors: fc.subarray([0, 1, 2]),
    }),
    { nil: null, freq: 4 },
  ),
  declared: fc.option(
    fc.record({
      by: fc.constantFrom<'id' | 'upn' | 'email'>('id', 'id', 'upn', 'email'),
      email: pick,
      generation: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      otherMails: fc.option(fc.uniqueArray(pick, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      file: fc.integer({ min: 0, max: FILES.length - 1 }),
      expires: fc.option(fc.constantFrom(...EXPIRES), { nil: undefined }),
      enabled: fc.option(fc.boolean(), { nil: undefined, freq: 3 }),
      sponsors: fc.option(fc.subarray([0, 1, 2, 3, 4], { maxLength: 3 }).filter((ks) => !(ks.includes(0) && ks.includes(3))), { nil: undefined }),
    }),
    { nil: null, freq: 6 },
  ),
  stranger: fc.boolean(),
});

function seedFor(slots: readonly Slot[]): Seed {
  const seed = demoSeed();
  const marker = MARKER;
  const users: Record<string, unknown>[] = [];
  slots.forEach((s, i) => {
    if (s.user) {
      const u = s.user;
      users.push({
        id: id(i),
        displayName: `Person ${i}`,
        userPrincipalName: upn(i),
        mail: email(i, u.mail),
        otherMails: u.otherMails.map((k) => email(i, k)),
        userType: u.userType,
        creationType: u.userType === 'Guest' ? 'Invitation' : null,
        externalUserState: u.userType === 'Guest' ? 'Accepted' : null,
        externalUserStateChangeDateTime: u.userType === 'Guest' ? '2026-03-02T10:15:00Z' : null,
        identities: [],
        accountEnabled: u.accountEnabled,
        ...(u.sponsors.length > 0 ? { sponsors: u.sponsors.map((k) => SPONSORS[k]!.id) } : {}),
        ...(u.marker ? { [marker]: formatMarker({ generation: u.marker.g, emailHash: emailHash(email(i, u.marker.e)), appliedAt: '2026-01-01T00:00:00Z' }) } : {}),
      });
    }
    if (s.stranger) {
      users.push({
        id: strangerId(i),
        displayName: `Stranger ${i}`,
        userPrincipalName: `s${i}_else.example#EXT#@contoso.onmicrosoft.com`,
        mail: `s${i}@else.example`,
        otherMails: [email(i, 0)],
        userType: 'Guest',
        creationType: 'Invitation',
        externalUserState: 'Accepted',
        externalUserStateChangeDateTime: '2026-03-02T10:15:00Z',
        identities: [],
      });
    }
  });
  for (const [n, p] of SPONSORS.entries()) users.push({ id: p.id, displayName: `Sponsor ${n + 1}`, userPrincipalName: p.upn, mail: p.upn, userType: 'Member', identities: [] });
  return { ...seed, users, roleAssignments: [] } as unknown as Seed;
}

/** `grace`: the first file's `defaults.gracePeriod`, when any. */
function filesFor(slots: readonly Slot[], grace: string | null): Record<string, string> {
  const bodies = FILES.map(() => [] as string[]);
  slots.forEach((s, i) => {
    const d = s.declared;
    if (!d) return;
    const lines = [
      d.by === 'id' ? `  - id: ${id(i)}` : d.by === 'upn' ? `  - upn: "${upn(i)}"` : `  - email: ${email(i, d.email)}`,
      ...(d.by !== 'email' ? [`    email: ${email(i, d.email)}`] : []),
      ...(d.generation !== undefined ? [`    generation: ${d.generation}`] : []),
      ...(d.otherMails !== undefined ? [`    otherMails: [${d.otherMails.map((k) => email(i, k)).join(', ')}]`] : []),
      ...(d.expires !== undefined ? [`    expires: ${d.expires}`] : []),
      ...(d.enabled !== undefined ? [`    enabled: ${d.enabled}`] : []),
      ...(d.sponsors !== undefined ? [`    sponsors: [${d.sponsors.map((k) => SPONSOR_REFS[k]).join(', ')}]`] : []),
    ];
    bodies[d.file]!.push(...lines);
  });
  const files: Record<string, string> = {};
  FILES.forEach((f, n) => {
    const defaults = n === 0 && grace !== null ? `defaults:\n  gracePeriod: ${grace}\n` : '';
    files[f] = defaults + (bodies[n]!.length ? `guests:\n${bodies[n]!.join('\n')}\n` : 'guests: []\n');
  });
  return files;
}

interface JsonPlan {
  createdAt?: string;
  guests: { key: string; actions: { type: string }[]; blocked?: { code: string } }[];
}

const blockedOf = (p: JsonPlan) => p.guests.filter((g) => g.blocked).map((g) => `${g.key} ${g.blocked!.code}`).sort();

interface Lagged {
  readonly rule: 'always' | 'on-state-change';
}

/** One run of the property: plan twice, apply, plan; `lag` turns the emulator's replication lag on. */
async function planApplyPlan(slots: readonly Slot[], seen: Map<string, number>, lag?: Lagged, grace: string | null = null): Promise<void> {
  const files = filesFor(slots, grace);
  const emu = await withEmulator({ seed: seedFor(slots), ...(lag ? { replicationLagMs: LAG_MS, changeTimeRule: lag.rule } : {}) });
  const env = { ...NOW, ...(lag ? { GUESTOPS_CONSISTENCY_WINDOW_SECONDS: String((LAG_MS + 1_000) / 1_000) } : {}) };
  try {
    const cwd = workdir(files);
    const context = `${lag ? `lag ${LAG_MS} ms, ${lag.rule}\n` : ''}files:\n${Object.entries(files).map(([f, t]) => `${f}:\n${t}`).join('')}`;
    const first = await guestops(emu, ['plan', '--format', 'json'], { cwd, env });
    const second = await guestops(emu, ['plan', '--format', 'json'], { cwd, env });
    assert.notEqual(first.code, null, first.stderr);
    assert.ok(first.code === 0 || first.code === 1, `${context}\n${first.stderr}`);
    assert.ok(first.stdout.startsWith('{'), `${context}\nplan printed no JSON: ${first.stderr}`);
    const a = JSON.parse(first.stdout) as JsonPlan;
    for (const g of a.guests) for (const k of g.blocked ? [`blocked ${g.blocked.code}`] : g.actions.map((x) => x.type)) seen.set(k, (seen.get(k) ?? 0) + 1);
    const b = JSON.parse(second.stdout) as JsonPlan;
    delete a.createdAt;
    delete b.createdAt;
    assert.deepEqual(b, a, `${context}\nplan is not deterministic`);
    assert.equal(second.code, first.code);
    assert.deepEqual((await emu.requests()).filter(isWrite), [], `${context}\nplan wrote to the tenant`);

    const apply = await guestops(emu, ['apply', '--max-resets', '100'], { cwd, env });
    const blocked = blockedOf(a);
    assert.equal(apply.code, blocked.length > 0 ? 1 : 0, `${context}\n${apply.stdout}\n${apply.stderr}`);
    const after = await guestops(emu, ['plan', '--format', 'json'], { cwd, env });
    const c = JSON.parse(after.stdout) as JsonPlan;
    assert.deepEqual(c.guests.filter((g) => !g.blocked && g.actions.length > 0).map((g) => g.key), [], `${context}\nchanges left after apply:\n${after.stdout}`);
    assert.deepEqual(blockedOf(c), blocked, `${context}\nthe blocked guests changed`);
    // Nothing blocked was written to: only users of guests with actions were touched.
    const written = (await emu.requests()).filter(isWrite);
    const touched = new Set(written.map((e) => e.path.split('/').pop()));
    for (const g of a.guests.filter((x) => x.blocked)) {
      const slot = slots.findIndex((_, i) => g.key === id(i) || g.key === upn(i));
      if (slot >= 0) assert.ok(!touched.has(id(slot)), `${context}\nblocked ${g.key} was written to`);
    }
    // guestops reads its own writes back at once: under a lag, a run that wrote met stale reads.
    if (lag && written.length > 0) assert.ok((await emu.state()).staleReads > 0, `${context}\nthe lag was never met`);
  } finally {
    await emu.close();
  }
}

test('real emulator: plan never writes and is deterministic; apply then plan leaves nothing but the same blocks', async (t) => {
  const seen = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(fc.array(slotArb, { minLength: 1, maxLength: 4 }), fc.constantFrom(null, '0d', '14d'), (slots, grace) => planApplyPlan(slots, seen, undefined, grace)),
    { numRuns: RUNS },
  );
  t.diagnostic(`planned across ${RUNS} tenants: ${[...seen].sort().map(([k, n]) => `${k} ×${n}`).join(', ')}`);
});

/** An Accepted, marked guest declared by id at a higher generation: a reset, so the lag is met. */
const RESET_EXAMPLE: Slot = {
  user: { userType: 'Guest', mail: 0, otherMails: [0], marker: { g: 0, e: 0 }, accountEnabled: true, sponsors: [] },
  declared: { by: 'id', email: 0, generation: 1, otherMails: undefined, file: 0, expires: undefined, enabled: undefined, sponsors: undefined },
  stranger: false,
};

test(`real emulator under a ${LAG_MS} ms replication lag, both change-time rules: the same property`, async (t) => {
  const seen = new Map<string, number>();
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(slotArb, { minLength: 1, maxLength: 4 }), (slots) => planApplyPlan(slots, seen, { rule: run++ % 2 === 0 ? 'on-state-change' : 'always' })),
    { numRuns: LAGGED_RUNS, examples: [[[RESET_EXAMPLE]]] },
  );
  assert.ok((seen.get('reset-redemption') ?? 0) > 0, 'no lagged run reset a guest');
  t.diagnostic(`planned across ${LAGGED_RUNS} lagged tenants: ${[...seen].sort().map(([k, n]) => `${k} ×${n}`).join(', ')}`);
});
