/**
 * Property tests for the loader (fast-check):
 * - random valid guest documents survive js-yaml dump → guestops load with the same meaning;
 * - the positioned YAML reader agrees with js-yaml.load on the values it accepts;
 * - random garbage (bytes, text, YAML-ish token soup) never throws, only yields located problems.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { dump, load } from 'js-yaml';
import { parseGuestFile } from '../../src/desired/guest-file.js';
import { loadDesiredState } from '../../src/desired/load.js';
import { parseYaml } from '../../src/desired/yaml-tree.js';
import { toPlain } from '../../src/desired/resolve.js';
import { PROBLEM_CODES } from '../../src/desired/codes.js';
import { formatProblem } from '../../src/desired/problem-format.js';
import type { DesiredGuest } from '../../src/desired/types.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

// --- Valid documents -------------------------------------------------------------------------

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
const localPart = fc.stringMatching(/^[a-z0-9_'](?:[a-z0-9_'.-]{0,20}[a-z0-9_'])?$/).filter((s) => !s.includes('..'));
const email = fc
  .tuple(localPart, fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('example', 'test', 'org'), fc.boolean())
  .map(([local, labels, tld, upper]) => {
    const address = `${local}@${labels.join('.')}.${tld}`;
    return upper ? address.toUpperCase() : address;
  });
const guid = fc.tuple(fc.uuid(), fc.boolean()).map(([u, upper]) => (upper ? u.toUpperCase() : u));
const upn = fc
  .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._]{0,15}$/), label)
  .map(([local, domain]) => `${local}_${domain}.example#EXT#@contoso.onmicrosoft.com`);

const invitation = fc.record(
  {
    redirectUrl: fc.webUrl({ validSchemes: ['https'] }),
    sendMessage: fc.boolean(),
    messageLanguage: fc.constantFrom('en-US', 'fr-FR', 'de', 'pt-BR'),
    ccRecipients: fc.array(email, { maxLength: 1 }),
    customizedMessageBody: fc.string({ unit: 'grapheme', maxLength: 40 }),
  },
  { requiredKeys: [] },
);

type GuestDoc = {
  id?: string;
  upn?: string;
  email: string;
  otherMails?: string[];
  generation?: number;
  invitation?: Record<string, unknown>;
};

const guestDoc: fc.Arbitrary<GuestDoc> = fc.record(
  {
    id: guid,
    upn,
    email,
    otherMails: fc.uniqueArray(email, { maxLength: 4, selector: (e) => e.toLowerCase() }),
    generation: fc.nat({ max: 1_000_000 }),
    invitation,
  },
  { requiredKeys: ['email'] },
);

const guestFile = fc.record(
  {
    defaults: fc.record({ invitation }, { requiredKeys: [] }),
    guests: fc.uniqueArray(guestDoc, {
      maxLength: 6,
      // No two guests may share an id, a upn or an email: those are (rightly) errors.
      comparator: (a, b) =>
        a.email.toLowerCase() === b.email.toLowerCase() ||
        (a.id !== undefined && a.id.toLowerCase() === b.id?.toLowerCase()) ||
        (a.upn !== undefined && a.upn.toLowerCase() === b.upn?.toLowerCase()),
    }),
  },
  { requiredKeys: ['guests'] },
);

/** What a guest must mean once loaded: an independent statement of the resolution rules. */
function expectedGuest(g: GuestDoc, defaults: Record<string, unknown> | undefined): Omit<DesiredGuest, 'source' | 'fields'> {
  const inv = { redirectUrl: 'https://myapps.microsoft.com', sendMessage: false, ccRecipients: [] as string[], ...defaults, ...g.invitation };
  return {
    ...(g.id !== undefined && { id: g.id.toLowerCase() }),
    ...(g.upn !== undefined && { upn: g.upn }),
    email: g.email,
    ...(g.otherMails !== undefined && { otherMails: g.otherMails }),
    generation: g.generation ?? 0,
    invitation: inv as DesiredGuest['invitation'],
  };
}

function meaning(guests: readonly DesiredGuest[]): unknown[] {
  return guests.map(({ source: _s, fields: _f, ...rest }) => JSON.parse(JSON.stringify(rest)) as unknown);
}

test('property: a valid guest document dumped by js-yaml loads back with the same meaning', () => {
  fc.assert(
    fc.property(guestFile, fc.boolean(), (doc, flow) => {
      const text = dump(doc, { flowLevel: flow ? 2 : -1 });
      const parsed = parseGuestFile(encode(text), 'g.yaml');
      assert.deepEqual(parsed.problems.map(formatProblem), [], text);
      const want = doc.guests.map((g) => expectedGuest(g, doc.defaults?.invitation));
      assert.deepEqual(meaning(parsed.guests), JSON.parse(JSON.stringify(want)));
      // Every guest points at a real line of the text.
      const lines = text.split('\n').length;
      for (const g of parsed.guests) assert.ok(g.source.line >= 1 && g.source.line <= lines);
    }),
    { numRuns: 200 },
  );
});

test('property: loadDesiredState over random trees of valid files equals the per-file meaning', async () => {
  const base = mkdtempSync(join(tmpdir(), 'guestops-prop-'));
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(guestFile, { minLength: 1, maxLength: 3 }), async (docs) => {
        const dir = join(base, String(run++));
        mkdirSync(join(dir, 'nested'), { recursive: true });
        // Make identities unique across files by prefixing each file's values.
        const files = docs.map((doc, i) => ({
          ...doc,
          guests: doc.guests.map((g) => ({
            ...g,
            email: `f${i}${g.email}`,
            ...(g.id !== undefined && { id: `${i}${g.id.slice(1)}` }),
            ...(g.upn !== undefined && { upn: `f${i}${g.upn}` }),
          })),
        }));
        files.forEach((doc, i) => writeFileSync(join(dir, i % 2 ? `nested/f${i}.yml` : `f${i}.yaml`), dump(doc)));
        const result = await loadDesiredState(dir, { cwd: base });
        assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
        const order = files.map((doc, i) => ({ doc, name: i % 2 ? `nested/f${i}.yml` : `f${i}.yaml` })).sort((a, b) => (a.name < b.name ? -1 : 1));
        const want = order.flatMap(({ doc }) => doc.guests.map((g) => expectedGuest(g, doc.defaults?.invitation)));
        assert.deepEqual(meaning(result.state.guests), JSON.parse(JSON.stringify(want)));
      }),
      { numRuns: 25 },
    );
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('property: the positioned reader resolves values exactly like js-yaml.load', () => {
  const forbidden = new Set(['__proto__', 'constructor', 'prototype', '<<']);
  const safeKey = fc.string({ maxLength: 8 }).filter((k) => !forbidden.has(k));
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth: 5 },
      fc.constantFrom(null, true, false, 0, -1, 1.5, 1e21, '', 'null', 'true', '0x1F', '0o17', '.inf', '~', '- x', 'a: b', '#c', "'q'"),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(safeKey, tie('node'), { maxKeys: 4 }),
    ),
  })).node;
  fc.assert(
    fc.property(fc.dictionary(safeKey, value, { maxKeys: 5 }), fc.boolean(), (doc, flow) => {
      const text = dump(doc, { flowLevel: flow ? 1 : -1 });
      const parsed = parseYaml(text);
      assert.deepEqual(parsed.issues, [], text);
      const mine = parsed.root === null ? {} : toPlain(parsed.root);
      assert.deepEqual(JSON.parse(JSON.stringify(mine)), JSON.parse(JSON.stringify(load(text) ?? {})), text);
    }),
    { numRuns: 300 },
  );
});

// --- Garbage --------------------------------------------------------------------------------

const tokens = fc.constantFrom(
  'guests:', 'defaults:', 'invitation:', '- ', 'email: ', 'id: ', 'upn: ', 'otherMails: ', 'generation: ',
  '&a ', '*a ', '!!str ', '!!js/function ', '<<: ', '__proto__: ', '{', '}', '[', ']', ', ', ': ', '? ',
  '\n', '\r\n', '\r', '  ', '\t', '"', "'", '#', '---', '...', '%YAML 1.2', '|', '>-', '\\', '\u0000', '\ufeff',
  'x@y.example', '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10', '12', '-1', '~', 'é', '😀', '\u202e',
);
const garbage = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }).map(encode),
  fc.array(tokens, { maxLength: 60 }).map((t) => encode(t.join(''))),
);

test('property: garbage never throws; it yields located problems with known codes', () => {
  fc.assert(
    fc.property(garbage, (bytes) => {
      const r = parseGuestFile(bytes, 'junk.yaml');
      for (const p of r.problems) {
        assert.ok(p.code in PROBLEM_CODES, `unknown code ${p.code}`);
        assert.equal(p.location.file, 'junk.yaml');
        assert.ok(Number.isInteger(p.location.line) && p.location.line >= 1, formatProblem(p));
        assert.ok(Number.isInteger(p.location.column) && p.location.column >= 1, formatProblem(p));
        // One problem is one output line, whatever the input held.
        assert.ok(!/[\r\n\u0000-\u001f]/.test(formatProblem(p)), formatProblem(p));
      }
      if (r.problems.some((p) => p.severity === 'error')) assert.equal(r.guests.length, 0);
    }),
    { numRuns: 1000 },
  );
});

test('property: garbage files in a tree never make the loader reject, only report', async () => {
  const base = mkdtempSync(join(tmpdir(), 'guestops-junk-'));
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(garbage, { minLength: 1, maxLength: 3 }), async (blobs) => {
        const dir = join(base, String(run++));
        mkdirSync(dir);
        blobs.forEach((b, i) => writeFileSync(join(dir, `j${i}.yaml`), b));
        const result = await loadDesiredState(dir, { cwd: base });
        const problems = result.ok ? result.warnings : result.problems;
        for (const p of problems) assert.match(p.location.file, new RegExp(`^${run - 1}/j\\d\\.yaml$`));
      }),
      { numRuns: 30 },
    );
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
