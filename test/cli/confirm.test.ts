/**
 * `guestops apply` at an interactive terminal shows the plan and asks for `yes`, driven through a
 * real pseudo-terminal (python3's pty module): yes applies, no / end of input / Ctrl-C cancel with
 * zero writes. Without a terminal, or with CI set, or --auto-approve, it applies without asking.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { cleanEnv } from '../helpers/cli.js';
import { cliPath, repoRoot } from '../helpers/paths.js';
import { usingEmulator, type TestEmulator } from '../helpers/emulator.js';
import { ALICE, JOHN, demoWorkdir, guestops, isWrite, resetsDone } from '../apply/support.js';

const PROMPT = 'Enter a value: ';

function inTerminal(emu: TestEmulator, cwd: string, answer: string, extra: string[] = [], env: Record<string, string | undefined> = {}) {
  const driver = join(repoRoot, 'test', 'helpers', 'pty-drive.py');
  const args = [driver, answer === '' ? '' : PROMPT, answer, '--', process.execPath, cliPath, 'apply', '--graph-url', emu.url, ...extra];
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    execFile('python3', args, { cwd, env: cleanEnv({ GUESTOPS_TOKEN: 'demo-apply', CI: undefined, ...env }), timeout: 90_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout) as { code: number | null; output: string });
    });
  });
}

test("at a terminal, apply shows the plan, asks, and applies only after 'yes'", async () => {
  await usingEmulator(async (emu) => {
    const r = await inTerminal(emu, demoWorkdir(), 'yes');
    assert.equal(r.code, 0, r.output);
    const planAt = r.output.indexOf('guestops will change 4 guests');
    const promptAt = r.output.indexOf("Only 'yes' will be accepted to approve.");
    assert.ok(planAt >= 0 && promptAt > planAt, r.output);
    assert.match(r.output, /Apply finished/);
    const log = await emu.requests();
    assert.equal(resetsDone(log, JOHN), 1);
    assert.equal(resetsDone(log, ALICE), 1);
  });
});

for (const [answer, why, code] of [['no', "the answer was not 'yes'", 1], ['eof', 'end of input', 1], ['sigint', 'interrupted', 130]] as const) {
  test(`at a terminal, answering ${answer} cancels with nothing written`, async () => {
    await usingEmulator(async (emu) => {
      const r = await inTerminal(emu, demoWorkdir(), answer);
      assert.equal(r.code, code, r.output);
      assert.ok(r.output.includes(`guestops apply: cancelled (${why}); nothing was written.`), r.output);
      assert.doesNotMatch(r.output, /Apply finished/);
      assert.deepEqual((await emu.requests()).filter(isWrite), []);
    });
  });
}

test('no question with --auto-approve, with CI set, without a terminal, or with a reviewed --plan', async () => {
  for (const [extra, env] of [[['--auto-approve'], {}], [[], { CI: 'true' }]] as const) {
    await usingEmulator(async (emu) => {
      const r = await inTerminal(emu, demoWorkdir(), '', [...extra], env);
      assert.equal(r.code, 0, r.output);
      assert.doesNotMatch(r.output, /Enter a value/);
      assert.equal(resetsDone(await emu.requests(), JOHN), 1);
    });
  }
  await usingEmulator(async (emu) => {
    const r = await guestops(emu, ['apply'], { cwd: demoWorkdir() });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /Enter a value/);
  });
  // A saved plan was reviewed already: applied at a terminal without the question.
  await usingEmulator(async (emu) => {
    const cwd = demoWorkdir();
    assert.equal((await guestops(emu, ['plan', '--out', 'reviewed.json'], { cwd })).code, 0);
    const r = await inTerminal(emu, cwd, '', ['--plan', 'reviewed.json']);
    assert.equal(r.code, 0, r.output);
    assert.doesNotMatch(r.output, /Enter a value/);
    assert.equal(resetsDone(await emu.requests(), JOHN), 1);
  });
});
