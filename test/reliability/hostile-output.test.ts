/**
 * Hostile text from the tenant (UPNs, mail), from Graph (an error code), from a state marker
 * (a pending intent's run id) and from YAML goes through every output of validate, plan (text,
 * markdown, JSON, job summary, annotations, PR comment) and apply (plan text, progress lines,
 * errors, job summary), run as a user and as a GitHub Actions step runs them. No output may carry
 * a control or bidi character, a workflow command the runner would execute, or raw HTML.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { assertClean, assertRunClean } from '../helpers/inert-output.js';
import { withEmulator, type Seed } from '../helpers/emulator.js';
import { ALICE, DAVE, JOHN, MARKER, workdir } from '../apply/support.js';
import { runnerFiles } from '../github/support/actions-runner.js';
import { startGithubApiStandIn } from '../github/support/github-api-stand-in.js';

/** Every trick of the issue in one string. */
const HOSTILE =
  '\u001b[2J\u001b]0;owned\u0007\u009b31m\u202eevil\u2066' +
  '\n::error title=Forged::forged annotation\r\n##[stop-commands]hostile ' +
  '<img src=x onerror=alert(1)> </code></summary><b>pwn</b>\n  ::warning::also forged';

const GUESTS = `guests:
  - id: ${JOHN}
    email: john.doe@northwind.example
  - id: ${ALICE}
    email: alice.wong@tailspin.example
    generation: 1
  - id: ${DAVE}
    email: dave.lee@adatum.example
    otherMails: [dave.lee@adatum.example, dave@lee-family.example]
`;

function hostileSeed(seed: Seed): Seed {
  const users = seed.users.map((u) => {
    if (u.id === JOHN) return { ...u, userPrincipalName: `john${HOSTILE}#EXT#@contoso.onmicrosoft.com`, mail: `old${HOSTILE}@fabrikam.example` };
    if (u.id === DAVE) return { ...u, userPrincipalName: `dave${HOSTILE}#EXT#@contoso.onmicrosoft.com` };
    if (u.id === ALICE) {
      const pending = { g: 1, e: '0123456789abcdef', t: new Date().toISOString(), r: `run${HOSTILE}`, b: u['externalUserStateChangeDateTime'], s: u['externalUserState'] };
      return { ...u, [MARKER]: JSON.stringify({ v: 1, g: 0, e: '0123456789abcdef', t: '2026-01-01T00:00:00Z', p: pending }) };
    }
    return u;
  });
  return { ...seed, users };
}

test('hostile tenant, marker and Graph error text: no control character, workflow command or HTML in any output', async () => {
  const emu = await withEmulator({ throttle: false, seedPatch: hostileSeed });
  const TOKEN = 'ghs_hostileOutputWriteToken000001';
  const api = await startGithubApiStandIn({ tokens: { [TOKEN]: 'write' } });
  try {
    const cwd = workdir({ 'guests/hostile.yaml': GUESTS });
    const connection = ['--graph-url', emu.url];
    const plain = { GUESTOPS_TOKEN: 'demo-apply', GUESTOPS_MARKER_PROPERTY: MARKER };

    // At a terminal (no Actions): every format.
    const text = await runCli(['plan', ...connection], { cwd, env: plain });
    assert.equal(text.code, 1, text.stdout + text.stderr); // Alice is blocked by the (hostile) pending intent
    assert.match(text.stdout, /john\\u001b\[2J/); // shown escaped, not dropped
    assertRunClean('plan text', text, false);
    const md = await runCli(['plan', '--format', 'markdown', ...connection], { cwd, env: plain });
    assertRunClean('plan markdown', md, false, true);
    const json = await runCli(['plan', '--format', 'json', ...connection], { cwd, env: plain });
    assertRunClean('plan json', json, false);
    const parsed = JSON.parse(json.stdout) as { guests: { upn: string | null }[] };
    assert.ok(parsed.guests.some((g) => g.upn === `john${HOSTILE}#EXT#@contoso.onmicrosoft.com`), 'JSON keeps the exact value');

    // status, every format: the same tenant text, the same escaper.
    for (const format of ['text', 'markdown', 'json']) {
      const st = await runCli(['status', '--format', format, ...connection], { cwd, env: { ...plain, GUESTOPS_TOKEN: 'demo-plan' } });
      assert.equal(st.code, 0, st.stdout + st.stderr);
      assertRunClean(`status ${format}`, st, false, format === 'markdown');
    }

    // As a pull-request step: summary, annotations, PR comment.
    const prRunner = await runnerFiles({
      workspace: cwd,
      payload: { action: 'synchronize', number: 7, pull_request: { number: 7, head: { repo: { full_name: 'contoso/guests' } } } },
    });
    const inPr = { ...prRunner.env, ...plain, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: api.url };
    const planStep = await runCli(['plan', ...connection], { cwd, env: inPr });
    assertRunClean('plan step', planStep, true);
    assert.match(planStep.stdout, /^::stop-commands::[0-9a-f]{32}$/m, 'the untrusted plan text is fenced');
    assert.match(planStep.stdout, /^::notice /m, 'annotations still reach the runner');
    assertClean('plan job summary', await prRunner.summary(), false, true);
    const comments = api.comments('contoso', 'guests', 7);
    assert.equal(comments.length, 1);
    assertClean('plan PR comment', comments[0]!.body, false, true);

    // apply as the merge job runs it, with a Graph error whose code is hostile.
    await emu.addFault({ method: 'PATCH', path: `/v1.0/users/${DAVE}`, status: 400, code: `Bad${HOSTILE}` });
    const applyRunner = await runnerFiles({ workspace: cwd, eventName: 'push' });
    const applyStep = await runCli(['apply', ...connection], { cwd, env: { ...applyRunner.env, ...plain, GUESTOPS_RUN_ID: 'apply-1' } });
    assert.equal(applyStep.code, 1, applyStep.stderr);
    assert.match(applyStep.stderr, /FAILED graph-error: .*HTTP 400 Bad\\u001b\[2J/, 'the Graph code is shown, escaped');
    assertRunClean('apply step', applyStep, true);
    const summary = await applyRunner.summary();
    assert.match(summary, /guestops apply/);
    assertClean('apply job summary', summary, false, true);
    assert.match(summary, /&lt;img|`[^`]*<img[^`]*`/, 'the tenant text is shown inert, in a code span');

    // apply at a terminal: the same progress lines, no fences.
    await emu.addFault({ method: 'PATCH', path: `/v1.0/users/${DAVE}`, status: 400, code: `Bad${HOSTILE}` });
    const applyTty = await runCli(['apply', ...connection], { cwd, env: { ...plain, GUESTOPS_RUN_ID: 'apply-2' } });
    assertRunClean('apply terminal', applyTty, false);
  } finally {
    await api.close();
    await emu.close();
  }
});

test('hostile YAML values and file names: validate output and annotations stay inert', async () => {
  const cwd = workdir({
    'guests/::error title=Forged::x.yaml': `guests:\n  - email: "a\\e[31m##[stop-commands]z\\n::error title=Forged::y@a.example"\n    "bad\\u202ekey": 1\n`,
  });
  const plain = await runCli(['validate'], { cwd });
  assert.equal(plain.code, 1);
  assertRunClean('validate', plain, false);
  const runner = await runnerFiles({ workspace: cwd });
  const step = await runCli(['validate'], { cwd, env: runner.env });
  assert.equal(step.code, 1);
  assertRunClean('validate step', step, true);
  assert.match(step.stdout, /^::error /m, 'problems still become annotations');
  const summaryFile = await readFile(join(runner.dir, 'step_summary.md'), 'utf8');
  assertClean('validate summary', summaryFile, false, true);
});
