/**
 * guestops' own output never decides how an apply ends: a reader that goes away (`| head -1`)
 * does not kill it half-way, and a path it cannot write is refused before the first Graph request.
 * Driven as a user does: the CLI as a child process, its pipes closed by the reader, against the
 * emulator over HTTP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli } from '../helpers/cli.js';
import { usingEmulator, type TestEmulator } from '../helpers/emulator.js';
import { ALICE, JOHN, demoWorkdir, guestops, resetsDone } from '../apply/support.js';

interface Closing {
  /** Which of the child's output pipes the reader closes. */
  readonly close: 'stdout' | 'stderr' | 'both';
  /** Close at once, or after the first line arrived (`| head -1`). */
  readonly after: 'start' | 'first-line';
}

/** Runs guestops with its reader closing pipes early; resolves with the exit code and whatever
 * the still-open pipes carried. */
async function runWithClosedReader(args: readonly string[], cwd: string, how: Closing, env: Record<string, string> = {}) {
  const child = spawnCli(args, { cwd, env: { GUESTOPS_RETRY_BASE_MS: '50', ...env } });
  child.stdin.end();
  const closing = how.close === 'both' ? [child.stdout, child.stderr] : [child[how.close]];
  const kept = { stdout: '', stderr: '' };
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = child[name];
    if (how.after === 'start' && closing.includes(stream)) {
      stream.destroy();
      continue;
    }
    stream.setEncoding('utf8').on('data', (d: string) => {
      kept[name] += d;
      if (closing.includes(stream) && kept[name].includes('\n')) stream.destroy();
    });
  }
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal, ...kept };
}

async function assertDemoConverged(emu: TestEmulator, cwd: string): Promise<void> {
  const log = await emu.requests();
  assert.equal(resetsDone(log, JOHN), 1);
  assert.equal(resetsDone(log, ALICE), 1);
  const again = await guestops(emu, ['plan', '--detailed-exitcode'], { cwd });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /No changes/);
}

for (const how of [
  { close: 'stdout', after: 'first-line' },
  { close: 'stderr', after: 'first-line' },
  { close: 'both', after: 'start' },
] as const) {
  test(`apply whose reader closes ${how.close} (${how.after}) finishes every guest, writes its report, exits 0`, async () => {
    await usingEmulator(async (emu) => {
      const cwd = demoWorkdir();
      const r = await runWithClosedReader(['apply', '--report', 'report.json', '--graph-url', emu.url], cwd, how, { GUESTOPS_TOKEN: 'demo-apply' });
      assert.equal(r.signal, null);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /EPIPE|internal error|\n\s+at /);
      const report = JSON.parse(readFileSync(join(cwd, 'report.json'), 'utf8')) as { summary: { applied: number; failed: number } };
      assert.deepEqual([report.summary.applied, report.summary.failed], [4, 0]);
      await assertDemoConverged(emu, cwd);
    });
  });
}

test('with both pipes closed, a failed guest still makes the exit code 1, and the report says which', async () => {
  await usingEmulator(async (emu) => {
    await emu.addFault({ method: 'POST', path: '/v1.0/invitations', status: 403, code: 'Authorization_RequestDenied', times: 1 });
    const cwd = demoWorkdir();
    const r = await runWithClosedReader(['apply', '--report', 'report.json', '--graph-url', emu.url], cwd, { close: 'both', after: 'start' }, { GUESTOPS_TOKEN: 'demo-apply' });
    assert.equal(r.signal, null);
    assert.equal(r.code, 1);
    const report = JSON.parse(readFileSync(join(cwd, 'report.json'), 'utf8')) as { summary: { applied: number; failed: number } };
    assert.deepEqual([report.summary.applied, report.summary.failed], [3, 1]);
  });
});

test('plan | head -1 and validate | true: no stack trace, the usual exit code', async () => {
  await usingEmulator(async (emu) => {
    const cwd = demoWorkdir();
    const plan = await runWithClosedReader(['plan', '--detailed-exitcode', '--graph-url', emu.url], cwd, { close: 'stdout', after: 'first-line' }, { GUESTOPS_TOKEN: 'demo-apply' });
    assert.equal(plan.code, 2, plan.stderr);
    assert.match(plan.stdout, /^guestops will change 4 guests/);
    assert.equal(plan.stderr, '');
    const validate = await runWithClosedReader(['validate'], cwd, { close: 'stdout', after: 'start' });
    assert.equal(validate.code, 0, validate.stderr);
    assert.equal(validate.stderr, '');
    const invalid = join(cwd, 'bad');
    mkdirSync(invalid);
    writeFileSync(join(invalid, 'x.yaml'), 'guests:\n  - email: not-an-address\n');
    const failing = await runWithClosedReader(['validate', '--dir', 'bad'], cwd, { close: 'stderr', after: 'start' });
    assert.equal(failing.code, 1);
  });
});

test('a path guestops cannot write is refused in one line before any Graph request', async () => {
  await usingEmulator(async (emu) => {
    const cwd = demoWorkdir();
    writeFileSync(join(cwd, 'a-file'), '');
    mkdirSync(join(cwd, 'a-dir'));
    const cases: [string[], RegExp][] = [
      [['apply', '--report', 'missing/r.json'], /--report missing\/r\.json: the folder .*missing does not exist/],
      [['apply', '--report', 'a-dir'], /--report a-dir: it is a directory/],
      [['apply', '--report', 'a-file/r.json'], /--report a-file\/r\.json: .*a-file is not a folder/],
      [['plan', '--out', 'missing/p.json'], /--out missing\/p\.json: the folder .*missing does not exist/],
      [['import', '--out', 'a-file/sub', '--dir', 'guests'], /--out a-file\/sub: .*a-file is not a folder/],
      [['snapshot', '--out', 'missing/tenant.json'], /--out missing\/tenant\.json: the folder .*missing does not exist/],
    ];
    // import also writes the guest file schema it references into schemas/ (guestops is installed
    // outside this folder): a file named `schemas` is found before any request too.
    const importCwd = demoWorkdir();
    writeFileSync(join(importCwd, 'schemas'), '');
    cases.push([['import', '--out', 'imported', '--dir', 'guests'], /the guest file schema's folder schemas: .*schemas is not a folder/]);
    for (const [args, why] of cases) {
      await emu.resetLog();
      const r = await guestops(emu, args, { cwd: args.includes('imported') ? importCwd : cwd });
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^guestops \w+: error output-path-unwritable: /);
      assert.match(lines[0]!, why);
      assert.match(lines[0]!, /Nothing was sent to Graph$/);
      assert.deepEqual(await emu.requests(), [], `${args.join(' ')} sent requests`);
    }
  });
});
