/**
 * The CLI's manners, as a user meets them: help for a command, "did you mean", `-d` everywhere,
 * one-line errors (usage, validation, first-run credentials, a busy emulator port) that say what
 * to do, never a stack trace; single values shown terraform-style. The CLI as a child process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { usingEmulator, withEmulator } from '../helpers/emulator.js';
import { demoWorkdir, guestops, workdir } from '../apply/support.js';
import { guestUser, tenantOf } from '../adopt/support.js';

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.doesNotMatch(stderr, /internal error|\n\s+at /);
  return lines[0]!;
}

test("'guestops help plan' is plan's help; --version is listed; a typo gets a suggestion", async () => {
  const help = await runCli(['help', 'plan']);
  const direct = await runCli(['plan', '--help']);
  assert.equal(help.code, 0);
  assert.equal(help.stdout, direct.stdout);
  assert.match(help.stdout, /^guestops plan: /);
  const top = await runCli(['--help']);
  assert.match(top.stdout, /--version, -V/);
  const typo = await runCli(['plna']);
  assert.equal(typo.code, 1);
  assert.equal(oneLine(typo.stderr), "guestops: unknown command 'plna'; did you mean 'plan'? Run 'guestops --help' for the list.");
});

test('-d is --dir on every command that has --dir; usage errors end in one period', async () => {
  const cwd = workdir({});
  for (const cmd of ['validate', 'plan', 'apply', 'status', 'snapshot', 'import']) {
    const args = cmd === 'snapshot' || cmd === 'import' ? [cmd, '-d', 'nope', '--out', cmd === 'import' ? 'out' : 'x.json', '--emulator'] : [cmd, '-d', 'nope', '--emulator'];
    const r = await runCli(cmd === 'validate' ? [cmd, '-d', 'nope'] : args, { cwd });
    assert.doesNotMatch(r.stderr, /Unknown option '-d'/, `${cmd}: ${r.stderr}`);
    if (cmd !== 'snapshot' && cmd !== 'import') assert.match(r.stderr, /"nope" does not exist/, `${cmd}: ${r.stderr}`);
  }
  const neg = await runCli(['apply', '--concurrency', '-1'], { cwd });
  const line = oneLine(neg.stderr);
  assert.match(line, /^guestops apply: error usage: .*--concurrency.*\. Run 'guestops apply --help' for the options\.$/);
  assert.doesNotMatch(line, /\.\./);
});

test('validate names a line break, keeps a too-large generation as written, and hints punycode for an IDN domain', async () => {
  const cwd = workdir({
    'guests/a.yaml': [
      'guests:',
      '  - id: 6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10',
      '    email: "a\\nb@x.example"',
      '    generation: 9007199254740993',
      '  - email: jo@müller.example',
      '',
    ].join('\n'),
  });
  const r = await runCli(['validate'], { cwd });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /guests\/a\.yaml:3:12: error email-forbidden-character: email "a\\nb@x\.example" contains a line break, which Graph refuses/);
  assert.match(r.stderr, /guests\/a\.yaml:4:17: error invalid-generation: generation must be an integer >= 0, not the number 9007199254740993 \(larger than 9007199254740991, the largest integer read exactly\)/);
  assert.match(r.stderr, /guests\/a\.yaml:5:12: error invalid-email: .*the domain's ASCII \(punycode\) form is "jo@xn--mller-kva\.example"/);
});

test('first-run credential problems are one line that says what to do', async () => {
  const home = mkdtempSync(join(tmpdir(), 'guestops-home-'));
  const base = { HOME: home, AZURE_CONFIG_DIR: join(home, '.azure') };
  const cwd = demoWorkdir();
  const tokenless = /^guestops plan: error credential-unavailable: could not get a Graph token \(/;
  const cases: [string[], Record<string, string>, RegExp, RegExp][] = [
    // Refused before any connection (endpoint.ts): no Azure credential goes to a non-Graph host.
    [['plan', '--graph-url', 'http://127.0.0.1:9'], {}, /^guestops plan: error graph-host-refused: 127\.0\.0\.1:9 is not a Microsoft Graph host/, /set GUESTOPS_TOKEN for an emulator$/],
    [['plan'], { GITHUB_ACTIONS: 'true' }, tokenless, /in GitHub Actions set AZURE_TENANT_ID and AZURE_CLIENT_ID and give the job `permissions: id-token: write` \(OIDC\)$/],
    [['plan'], {}, tokenless, /sign in with 'az login' .*; to try guestops without a tenant use --emulator$/],
  ];
  for (const [args, env, start, hint] of cases) {
    const r = await runCli(args, { cwd, env: { ...base, ...env }, timeoutMs: 120_000 });
    assert.equal(r.code, 1, r.stderr);
    const line = oneLine(r.stderr.split('\n').filter((l) => !l.startsWith('::')).join('\n'));
    assert.match(line, start);
    assert.match(line, hint);
  }
});

test('emulator --port on a busy port: one line naming the way out', async () => {
  const busy = createServer();
  await new Promise<void>((res) => busy.listen(0, '127.0.0.1', () => res()));
  const port = (busy.address() as { port: number }).port;
  try {
    const r = await runCli(['emulator', '--port', String(port)]);
    assert.equal(r.code, 1);
    assert.equal(oneLine(r.stderr), `guestops emulator: error emulator-port-in-use: port ${port} on 127.0.0.1 is already in use: stop what listens there, or pick another --port (0 picks a free one)`);
  } finally {
    busy.close();
  }
});

test('import --out newdir suggests validating the folder it wrote', async () => {
  await usingEmulator(async (emu) => {
    const cwd = workdir({});
    const r = await guestops(emu, ['import', '--out', 'newdir'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\nNext: guestops validate --dir newdir && guestops plan --dir newdir /);
    // guestops is installed outside this repository: the schema is copied in and referenced there,
    // not as a path into guestops' install folder.
    assert.match(r.stdout, /\nwrote schemas\/guests\.schema\.json \(the guest file schema/);
    const file = readdirSync(join(cwd, 'newdir')).find((f) => f.endsWith('.yaml'))!;
    assert.match(readFileSync(join(cwd, 'newdir', file), 'utf8'), /^# yaml-language-server: \$schema=\.\.\/schemas\/guests\.schema\.json\n/);
    assert.equal(readFileSync(join(cwd, 'schemas', 'guests.schema.json'), 'utf8'), readFileSync(join(repoRoot, 'schemas', 'guests.schema.json'), 'utf8'));
  });
});

test("the emulator's --help example plans against the demo tenant as printed", async () => {
  const help = await runCli(['emulator', '--help']);
  const example = help.stdout.split('\n').find((l) => l.trim().startsWith('GUESTOPS_TOKEN='))!.trim();
  const [token, property, ...command] = example.split(/\s+/);
  assert.deepEqual(command.slice(0, 3), ['guestops', 'plan', '--graph-url']);
  const emu = await withEmulator();
  try {
    const r = await runCli(['plan', '--graph-url', emu.url], {
      cwd: demoWorkdir(),
      env: { [token!.split('=')[0]!]: token!.split('=')[1]!, [property!.split('=')[0]!]: property!.split('=')[1]! },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Plan: /m);
  } finally {
    await emu.close();
  }
});

test('the text plan shows one value terraform-style, and heads a guest with its biggest change', async () => {
  const kept = 'pat@fabrikam.example';
  const dropped = Array.from({ length: 8 }, (_, i) => `pat.old${i}@fabrikam.example`);
  const pat = { id: '7a0c1e2f-3b4d-4c5e-8f60-7182939a4b5c', mail: kept, otherMails: [kept, ...dropped] };
  await usingEmulator(
    async (emu) => {
      const demo = await guestops(emu, ['plan'], { cwd: demoWorkdir() });
      assert.ok(demo.stdout.includes('\n        mail: "john.doe@fabrikam.example" -> "john.doe@northwind.example"\n'), demo.stdout);
      // A diff only for a list (otherMails), never around one value.
      assert.doesNotMatch(demo.stdout, /^\s*(---|\+\+\+) mail$/m);
    },
  );
  await usingEmulator(
    async (emu) => {
      // First managed (an adoption) while losing 8 otherMails: the heading is the update, '~'.
      const cwd = workdir({ 'guests/pat.yaml': `guests:\n  - id: ${pat.id}\n    email: ${kept}\n    otherMails: [${kept}]\n` });
      const r = await guestops(emu, ['plan'], { cwd });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^~ ${kept.replace(/\./g, '\\.')} {2}`, 'm'));
      assert.doesNotMatch(r.stdout, /^\+ /m);
      assert.equal(dropped.filter((d) => r.stdout.includes(`-${d}`)).length, 8, r.stdout);
    },
    tenantOf([guestUser(pat)]),
  );
});
