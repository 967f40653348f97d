// Entry point of the guestops GitHub Action (action.yml): maps the action's inputs, passed as
// INPUT_<NAME> variables, to one `guestops` command line and runs the released guestops of this
// action's own version. Plain JavaScript with no dependencies on purpose: it runs from the
// action's checkout at the pinned commit, where nothing is installed or compiled.
//
// Which guestops runs: `guestops@<version of ../package.json>` from the npm registry (or the
// `package` input's spec), installed into RUNNER_TEMP with runtime dependencies only and
// without lifecycle scripts, so no code but guestops and its runtime libraries runs in a job
// that can mint the write identity's OIDC token. The CLI itself writes the step outputs, the job
// summary and the annotations (it sees GITHUB_ACTIONS, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const actionRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COMMANDS = ['validate', 'plan', 'apply', 'drift', 'status'];

/** An input as the runner passes it: INPUT_ + the name in upper case, '-' and ' ' as '_'. */
function input(name) {
  return (process.env[`INPUT_${name.toUpperCase().replace(/[- ]/g, '_')}`] ?? '').trim();
}

/** Workflow-command data escaping (what @actions/core does), so a value cannot end the command. */
function escapeData(s) {
  return String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

class ActionError extends Error {}

function withoutInputs(env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('INPUT_')) out[k] = v;
  return out;
}

/** The guestops command line for the inputs (the paths stay relative to working-directory). */
function commandLine(command, temp) {
  const dir = input('dir') || 'guests';
  const args = command === 'drift' ? ['plan', '--dir', dir, '--detailed-exitcode'] : [command, '--dir', dir];
  const only = (name, commands) => {
    const value = input(name);
    if (value !== '' && !commands.includes(command)) {
      throw new ActionError(`input '${name}' is for ${commands.join('/')} only, not '${command}'`);
    }
    return value;
  };
  const maxResets = only('max-resets', ['plan', 'drift', 'apply']);
  const report = only('report', ['apply']);
  const planFile = only('plan-file', ['plan', 'drift', 'apply']);
  const baseDir = only('base-dir', ['plan']);
  const basePolicy = only('base-policy', ['plan']);
  const skip = input('skip-if-unchanged');
  if (skip !== '' && skip !== 'true' && skip !== 'false') throw new ActionError(`input 'skip-if-unchanged' must be true or false, got '${skip}'`);
  if (skip === 'true' && command !== 'plan') throw new ActionError(`input 'skip-if-unchanged' is for plan only, not '${command}'`);
  const pendingThreshold = only('pending-threshold', ['status']);
  if (pendingThreshold !== '' && !/^[0-9]{1,5}d$/.test(pendingThreshold)) throw new ActionError(`input 'pending-threshold' must be a number of days such as 14d, got '${pendingThreshold}'`);
  // status reads no policy: it reports, it never decides what apply may do.
  const policy = only('policy', ['validate', 'plan', 'drift', 'apply']);
  if (policy) args.push('--policy', policy);
  if (command === 'validate') return args;
  if (baseDir) args.push('--base-dir', baseDir);
  if (basePolicy) args.push('--base-policy', basePolicy);
  if (skip === 'true') args.push('--skip-if-unchanged');
  const graphUrl = input('graph-url');
  const marker = input('marker-property');
  if (graphUrl) args.push('--graph-url', graphUrl);
  if (marker) args.push('--marker-property', marker);
  // plan states the limit (and a saved plan carries it); apply enforces it.
  if (maxResets && command !== 'apply') args.push('--max-resets', maxResets);
  if (command === 'apply') {
    if (planFile) args.push('--plan', planFile);
    if (maxResets) args.push('--max-resets', maxResets);
    args.push('--report', report || join(temp, 'guestops-apply-report.json'));
  } else if (planFile) {
    args.push('--out', planFile);
  }
  // status: the job summary, and a warning at the line to change for each guest pending that long.
  if (command === 'status') args.push('--warn-pending-over', pendingThreshold || '14d');
  return args;
}

/** Environment of the guestops process: the job's, with the identity and token the inputs name. */
function cliEnv(command) {
  const env = withoutInputs(process.env);
  const tenant = input('tenant-id');
  const client = input('client-id');
  if (tenant) env['AZURE_TENANT_ID'] = tenant;
  if (client) env['AZURE_CLIENT_ID'] = client;
  // The token goes to plan (the sticky comment) and apply (which only reads whether its commit is
  // still the tip of its branch); drift and validate never talk to GitHub.
  const token = input('github-token');
  if ((command === 'plan' || command === 'apply') && token) env['GITHUB_TOKEN'] = token;
  return env;
}

/** npm runs with no token, no OIDC request credentials and no inputs in its environment. */
function npmEnv() {
  const env = withoutInputs(process.env);
  for (const k of ['GITHUB_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_RUNTIME_TOKEN']) delete env[k];
  return env;
}

/** Installs the package spec once per job (RUNNER_TEMP is per job) and returns its CLI path. */
function installGuestops(spec, temp, cwd) {
  // A path spec (a packed .tgz or a folder) is resolved against the working directory.
  const local = /^(\.{1,2}[\\/]|[\\/])/.test(spec) || /\.tgz$/.test(spec);
  const resolvedSpec = local && !isAbsolute(spec) ? resolve(cwd, spec) : spec;
  const prefix = join(temp, 'guestops-action', createHash('sha256').update(resolvedSpec).digest('hex').slice(0, 16));
  const pkgDir = join(prefix, 'node_modules', 'guestops');
  const cli = join(pkgDir, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(cli)) {
    process.stdout.write(`::group::Install ${escapeData(resolvedSpec)}\n`);
    const r = spawnSync(
      'npm',
      ['install', '--prefix', prefix, '--no-save', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', resolvedSpec],
      { stdio: ['ignore', 'inherit', 'inherit'], env: npmEnv(), shell: process.platform === 'win32' },
    );
    process.stdout.write('::endgroup::\n');
    if (r.error) throw new ActionError(`cannot run npm to install ${resolvedSpec}: ${r.error.message} (the action needs Node.js and npm on the runner)`);
    if (r.status !== 0) throw new ActionError(`npm install ${resolvedSpec} failed (exit ${r.status}); see the log above`);
    if (!existsSync(cli)) throw new ActionError(`${resolvedSpec} installed no guestops CLI at ${cli}`);
  }
  return { cli, version: JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version };
}

function runCli(cli, args, cwd, env) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, env, stdio: 'inherit' });
    // A cancelled job stops guestops the way a terminal would; it finishes or records its step.
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', fail);
    child.on('close', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  const command = input('command');
  if (!COMMANDS.includes(command)) {
    throw new ActionError(`input 'command' must be one of ${COMMANDS.join(', ')}, got '${command}'`);
  }
  const workspace = process.env['GITHUB_WORKSPACE'] || process.cwd();
  const cwd = resolve(workspace, input('working-directory') || '.');
  if (!existsSync(cwd)) throw new ActionError(`working-directory '${input('working-directory')}' does not exist`);
  const temp = process.env['RUNNER_TEMP'] || tmpdir();
  const args = commandLine(command, temp);

  const ownVersion = JSON.parse(readFileSync(join(actionRoot, 'package.json'), 'utf8')).version;
  const spec = input('package') || `guestops@${ownVersion}`;
  const { cli, version } = installGuestops(spec, temp, cwd);
  if (!input('package') && version !== ownVersion) {
    throw new ActionError(`installed guestops ${version}, but this action is ${ownVersion}`);
  }
  process.stdout.write(`guestops action ${ownVersion}: guestops ${version} ${args.join(' ')}\n`);
  const code = await runCli(cli, args, cwd, cliEnv(command));
  if (command === 'drift' && code === 2) {
    process.stdout.write('::error title=guestops drift::The tenant differs from guests/. The job summary shows what apply would change.\n');
    return 1;
  }
  return code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    if (!(e instanceof ActionError)) throw e;
    process.stdout.write(`::error title=guestops action::${escapeData(e.message)}\n`);
    process.exitCode = 1;
  },
);
