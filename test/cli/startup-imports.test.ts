/**
 * Outside GitHub Actions the CLI does not load @actions/core (about 90 ms of every start): the
 * code that only runs inside Actions is imported there alone. A JSON plan with a static token
 * loads neither the unified-diff library (only the text and markdown views use it) nor the Graph
 * client's adapter for @azure/identity credentials. Judged from a module-resolution hook in the
 * real `guestops` child process; the runs that need each module do load it (the hook sees it, so
 * every check can fail).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { fixture, repoRoot } from '../helpers/paths.js';

/** A `--import` script that prints every package module the process resolves, one per line. */
function resolutionLogger(dir: string): string {
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, "export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes('/node_modules/')) process.stderr.write('RESOLVED ' + r.url + '\\n'); return r; }\n");
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  return pathToFileURL(register).href;
}

test('validate and plan outside Actions never load @actions/core, a JSON plan neither the diff library nor the Azure credential adapter; where they are needed they are loaded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'guestops-imports-'));
  try {
    const nodeOptions = `--import ${resolutionLogger(dir)}`;
    const loaded = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('RESOLVED ') && l.includes('/@actions/core/'));

    // A tree with problems: the path that annotates them inside Actions.
    const broken = await runCli(['validate', '--dir', 'unknown-key'], { cwd: fixture('desired'), env: { NODE_OPTIONS: nodeOptions } });
    assert.equal(broken.code, 1, broken.stderr);
    assert.match(broken.stderr, /RESOLVED .*\/node_modules\//, 'the hook reports resolutions');
    assert.deepEqual(loaded(broken.stderr), []);

    const plan = await runCli(['plan', '--emulator'], { cwd: repoRoot, env: { NODE_OPTIONS: nodeOptions } });
    assert.ok(plan.code === 0 || plan.code === 2, plan.stderr);
    assert.deepEqual(loaded(plan.stderr), []);

    const diffLib = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('RESOLVED ') && l.includes('/node_modules/diff/'));
    const credentialAdapter = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('RESOLVED ') && l.includes('/authProviders/azureTokenCredentials/'));
    const jsonPlan = await runCli(['plan', '--emulator', '--format', 'json'], { cwd: repoRoot, env: { NODE_OPTIONS: nodeOptions } });
    assert.ok(jsonPlan.code === 0 || jsonPlan.code === 2, jsonPlan.stderr);
    assert.match(jsonPlan.stdout, /"formatVersion": 1/);
    assert.deepEqual(diffLib(jsonPlan.stderr), []);
    assert.deepEqual(credentialAdapter(jsonPlan.stderr), []);
    assert.ok(diffLib(plan.stderr).length > 0, 'the text plan loads the unified-diff library');
    // Without GUESTOPS_TOKEN, against a Microsoft endpoint, the Azure credential path loads the
    // adapter (and fails for want of a sign-in, before any request).
    const azure = await runCli(['plan', '--graph-url', 'https://graph.microsoft.com'], {
      cwd: repoRoot,
      env: { NODE_OPTIONS: nodeOptions, GUESTOPS_TOKEN: '', AZURE_TENANT_ID: '', AZURE_CLIENT_ID: '', GITHUB_ACTIONS: '' },
    });
    assert.ok(credentialAdapter(azure.stderr).length > 0, `the Azure credential path loads the adapter\n${azure.stderr.slice(-800)}`);

    const inActions = await runCli(['validate', '--dir', 'unknown-key'], { cwd: fixture('desired'), env: { NODE_OPTIONS: nodeOptions, GITHUB_ACTIONS: 'true' } });
    assert.equal(inActions.code, 1, inActions.stderr);
    assert.ok(loaded(inActions.stderr).length > 0, 'inside Actions the annotations load @actions/core');
    assert.match(inActions.stdout, /^::error .*file=unknown-key\/guests\.yaml,line=4/m, "and annotate the problem");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
