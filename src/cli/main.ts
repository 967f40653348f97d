#!/usr/bin/env node
/**
 * Entry point of the `guestops` binary: finds the command and runs it. Commands are loaded
 * lazily so `guestops validate` never pays for the Graph client or the emulator.
 */
import { GuestopsError } from '../errors.js';
import type { Command } from './command.js';
import { ignoreClosedPipes } from './closed-pipes.js';
import { escapeUntrusted } from '../render/untrusted.js';
import { writeUntrusted } from './untrusted-output.js';

ignoreClosedPipes();

const commands: Record<string, () => Promise<{ command: Command }>> = {
  validate: () => import('./commands/validate.js'),
  plan: () => import('./commands/plan.js'),
  apply: () => import('./commands/apply.js'),
  setup: () => import('./commands/setup.js'),
  emulator: () => import('./commands/emulator.js'),
  import: () => import('./commands/import.js'),
  snapshot: () => import('./commands/snapshot.js'),
  init: () => import('./commands/init.js'),
  upgrade: () => import('./commands/upgrade.js'),
  status: () => import('./commands/status.js'),
  unlock: () => import('./commands/unlock.js'),
};

const order = ['validate', 'plan', 'apply', 'status', 'unlock', 'setup', 'import', 'snapshot', 'emulator', 'init', 'upgrade'];

async function help(): Promise<string> {
  const lines = [
    'guestops: GitOps for Microsoft Entra ID B2B guests (declare in guests/*.yaml, plan, apply).',
    '',
    'Usage: guestops <command> [options]',
    '',
    'Commands:',
  ];
  for (const name of order) {
    const { command } = await commands[name]!();
    lines.push(`  ${name.padEnd(10)} ${command.summary}`);
  }
  lines.push('', 'Options:', '  --help, -h     this help (also: guestops help <command>)', '  --version, -V  the version of guestops');
  lines.push('', 'Run `guestops <command> --help` (or `guestops help <command>`) for the options of a command.');
  lines.push('First run, no tenant needed: guestops plan --emulator');
  return lines.join('\n') + '\n';
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  // `guestops help plan` is `guestops plan --help`.
  if (name === 'help' && rest[0] !== undefined && !rest[0].startsWith('-')) return main([rest[0], '--help']);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(await help());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-V') {
    const { readFile } = await import('node:fs/promises');
    const { packagePath } = await import('../package-root.js');
    const pkg = JSON.parse(await readFile(packagePath('package.json'), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    const { suggestKey } = await import('../desired/schema.js');
    const hint = suggestKey(name, order);
    process.stderr.write(
      `guestops: unknown command '${escapeUntrusted(name)}'${hint ? `; did you mean '${hint}'?` : '.'} Run 'guestops --help' for the list.\n`,
    );
    return 1;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage.endsWith('\n') ? command.usage : command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof GuestopsError) {
      // Messages quote Graph's error text and YAML values: escaped, and fenced in Actions.
      writeUntrusted(process.stderr, `guestops ${name}: error ${e.code}: ${escapeUntrusted(e.message)}\n`);
      return 1;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // One line, like every other error; the stack is for whoever debugs guestops itself. Escaped:
    // an internal error's message may quote tenant text.
    if (process.env['GUESTOPS_DEBUG'] === '1') {
      const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
      writeUntrusted(process.stderr, `guestops: internal error: ${text.split('\n').map(escapeUntrusted).join('\n')}\n`);
    } else {
      const what = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
      writeUntrusted(process.stderr, `guestops: internal error: ${escapeUntrusted(what)} (a bug in guestops; GUESTOPS_DEBUG=1 shows where)\n`);
    }
    process.exitCode = 1;
  },
);
