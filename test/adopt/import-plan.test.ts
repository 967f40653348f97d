/** planImport: what import writes and leaves out, table by table, checked with the real loader. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGuestFile } from '../../src/desired/guest-file.js';
import { emailHash, formatMarker } from '../../src/plan/marker.js';
import { planImport, type ImportPlanInput } from '../../src/adopt/import-plan.js';
import { EMPTY_INDEX, type DeclaredIndex } from '../../src/adopt/declared-index.js';
import { splitBySize } from '../../src/adopt/file-layout.js';
import type { TenantGuest } from '../../src/adopt/tenant-guest.js';
import { guestId } from './support.js';

function g(i: number, mail: string | null, extra: Partial<TenantGuest> = {}): TenantGuest {
  return { id: guestId(i), upn: `u${i}#EXT#@contoso.onmicrosoft.com`, mail, otherMails: [], marker: null, ...extra };
}

function plan(guests: TenantGuest[], over: Partial<ImportPlanInput> = {}) {
  return planImport({ guests, declared: EMPTY_INDEX, groupBy: 'domain', outDir: 'guests', schemaRef: '../schemas/guests.schema.json', force: false, ...over });
}

function load(text: string, file = 'guests/x.yaml') {
  const r = parseGuestFile(new TextEncoder().encode(text), file);
  assert.deepEqual(r.problems.filter((p) => p.severity === 'error'), [], text);
  return r.guests;
}

test('one sorted file per domain, schema comment on top, every file loads with the declared values', () => {
  const p = plan([
    g(3, 'Zed@B.example', { otherMails: ['zed@b.example', 'z@home.example'] }),
    g(1, 'amy@a.example'),
    g(2, 'bob@b.example'),
  ]);
  assert.deepEqual(p.files.map((f) => [f.path, f.guests]), [['guests/a.example.yaml', 1], ['guests/b.example.yaml', 2]]);
  const b = p.files[1]!;
  assert.match(b.text, /^# yaml-language-server: \$schema=\.\.\/schemas\/guests\.schema\.json\n/);
  const guests = load(b.text);
  assert.deepEqual(guests.map((x) => [x.id, x.email, x.otherMails, x.generation]), [
    [guestId(2), 'bob@b.example', [], 0],
    [guestId(3), 'Zed@B.example', ['zed@b.example', 'z@home.example'], 0],
  ]);
  assert.match(b.text, new RegExp(`id: ${guestId(3)} {3}# u3#EXT#@contoso\\.onmicrosoft\\.com\\n`));
  assert.equal(p.imported, 3);
});

test('--group-by none writes one imported.yaml', () => {
  const p = plan([g(1, 'a@a.example'), g(2, 'b@b.example')], { groupBy: 'none', outDir: '.' });
  assert.deepEqual(p.files.map((f) => [f.path, f.guests]), [['imported.yaml', 2]]);
});

test('guests import cannot declare without a change are skipped with the reason', () => {
  const managedMarker = formatMarker({ generation: 3, emailHash: emailHash('kept@a.example'), appliedAt: '2026-01-01T00:00:00Z' });
  const movedMarker = formatMarker({ generation: 1, emailHash: emailHash('old@a.example'), appliedAt: '2026-01-01T00:00:00Z' });
  const pending = formatMarker({
    generation: 1, emailHash: emailHash('p@a.example'), appliedAt: '2026-01-01T00:00:00Z',
    pending: { generation: 2, emailHash: emailHash('p@a.example'), at: '2026-01-01T00:00:00Z', runId: 'run-7', before: null },
  });
  const p = plan([
    g(1, null),
    g(2, 'twin@a.example'),
    g(3, 'TWIN@a.example'),
    g(4, 'moved@a.example', { marker: movedMarker }),
    g(5, 'p@a.example', { marker: pending }),
    g(6, 'bad{x}@a.example'),
    g(7, 'kept@a.example', { marker: managedMarker }),
    g(8, 'odd@a.example', { otherMails: ['odd@a.example', 'ODD@a.example'] }),
    g(9, 'fine@a.example', { marker: '{not json' }),
  ]);
  assert.deepEqual(p.skipped.map((s) => [s.id, s.code]), [
    [guestId(1), 'no-mail'],
    [guestId(2), 'shared-mail'],
    [guestId(3), 'shared-mail'],
    [guestId(4), 'marker'],
    [guestId(5), 'marker'],
    [guestId(6), 'invalid'],
    [guestId(9), 'marker'],
  ]);
  assert.match(p.skipped[0]!.why, /email/);
  assert.match(p.skipped[4]!.why, /run-7/);
  // Kept: the managed guest with ITS generation (a lower one would be refused by the planner),
  // and the guest whose otherMails the schema refuses, without otherMails.
  const guests = load(p.files[0]!.text);
  assert.deepEqual(guests.map((x) => [x.id, x.generation, x.otherMails]), [[guestId(7), 3, []], [guestId(8), 0, undefined]]);
  assert.equal(p.alreadyManaged, 1);
  assert.deepEqual(p.notes.map((n) => n.id), [guestId(8)]);
  assert.match(p.notes[0]!.note, /otherMails left out/);
});

test('guests already declared are conflicts naming file:line; --force ignores declarations in files it replaces', () => {
  const at = (file: string, line: number) => ({ file, line, column: 5 });
  const declared: DeclaredIndex = {
    byId: new Map([[guestId(1), at('guests/team.yaml', 4)], [guestId(2), at('guests/a.example.yaml', 8)]]),
    byUpn: new Map(),
    byEmail: new Map([['c@a.example', at('guests/new.yaml', 2)]]),
  };
  const guests = [g(1, 'a@a.example'), g(2, 'b@a.example'), g(3, 'c@a.example'), g(4, 'd@a.example')];
  const strict = plan(guests, { declared });
  assert.deepEqual(strict.conflicts.map((c) => [c.guest.id, c.declaration.by, `${c.declaration.location.file}:${c.declaration.location.line}`]), [
    [guestId(1), 'id', 'guests/team.yaml:4'],
    [guestId(2), 'id', 'guests/a.example.yaml:8'],
    [guestId(3), 'email', 'guests/new.yaml:2'],
  ]);
  assert.equal(strict.imported, 1);
  assert.deepEqual(load(strict.files[0]!.text).map((x) => x.id), [guestId(4)]);
  const forced = plan(guests, { declared, force: true });
  assert.deepEqual(forced.conflicts.map((c) => c.guest.id), [guestId(1), guestId(3)]);
  assert.deepEqual(load(forced.files[0]!.text).map((x) => x.id), [guestId(2), guestId(4)]);
});

test('a domain too big for one file is split into parts that each stay under the budget', () => {
  assert.deepEqual(splitBySize([5, 5, 5, 5, 5], (x) => x, 12), [[5, 5], [5, 5], [5]]);
  assert.deepEqual(splitBySize([20], (x) => x, 12), [[20]]);
  const many = Array.from({ length: 9000 }, (_, i) => g(i, `someone.with.a.long.name${i}@big.example`, { otherMails: [`someone.with.a.long.name${i}@big.example`] }));
  const p = plan(many);
  assert.ok(p.files.length > 1, 'split');
  assert.equal(p.files[1]!.path, 'guests/big.example.part2.yaml');
  for (const f of p.files) assert.ok(Buffer.byteLength(f.text) < 1024 * 1024, f.path);
  assert.equal(p.files.reduce((n, f) => n + f.guests, 0), 9000);
});
