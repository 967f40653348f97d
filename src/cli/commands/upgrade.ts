/**
 * `guestops upgrade [DIR]`: moves a repository scaffolded by `guestops init` to this version's
 * workflows and schema. Shows the change as a unified diff; writes only with --write. Files the
 * repository owns (guests/, README, CODEOWNERS, workflows without guestops' header) stay as they are.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from '../command.js';
import { GuestopsError } from '../../errors.js';
import { parseCommandArgsAndOperands } from '../args.js';
import { scaffoldFiles } from '../../scaffold/files.js';
import { upgradeChanges } from '../../scaffold/upgrade-changes.js';
import { SCAFFOLD_OPTIONS, scaffoldValues } from '../../scaffold/values.js';

const usage = `guestops upgrade: move a repository made by 'guestops init' to this version's workflows and schema.

Usage: guestops upgrade [DIR] [--write] [--action-ref OWNER/REPO@SHA]

Shows, as a unified diff, what this version changes in .github/workflows/{plan,apply,drift,ci}.yml
(those starting with guestops' "Managed by guestops" header) and schemas/guests.schema.json.
Nothing is written without --write. guests/, README.md and CODEOWNERS are never touched.

Options:
  --write                write the changes
  --action-ref REF       the guestops action the workflows use, OWNER/REPO@<commit sha>
                         (default: the commit this guestops release was built from)

Examples:
  npx guestops@latest upgrade              # review the diff
  npx guestops@latest upgrade --write      # then commit it in a pull request
`;

async function writeAtomically(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.guestops-upgrade-${process.pid}`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

export const command: Command = {
  summary: "Move a repository made by 'guestops init' to this version (diff; --write)",
  usage,
  async run(args) {
    const { values: o, operands } = parseCommandArgsAndOperands(
      'upgrade',
      args,
      { write: { type: 'boolean', default: false }, 'action-ref': SCAFFOLD_OPTIONS['action-ref'] },
      1,
    );
    const root = resolve(operands[0] ?? '.');
    const { values } = scaffoldValues(o);
    const changes = await upgradeChanges(root, scaffoldFiles(values));
    if (!changes.some((c) => c.file.path.endsWith('.yml') && c.status !== 'missing' && c.status !== 'not-managed')) {
      throw new GuestopsError('upgrade-not-scaffolded', `${root} has no workflow made by 'guestops init' (.github/workflows/*.yml starting with "# Managed by guestops"); run 'guestops init' there first`);
    }
    const pending = changes.filter((c) => c.status === 'changed' || c.status === 'missing');
    for (const c of pending) process.stdout.write(c.patch);
    for (const c of changes.filter((x) => x.status === 'not-managed')) {
      process.stderr.write(`guestops upgrade: ${c.file.path} has no "Managed by guestops" header: it is the repository's own, left alone\n`);
    }
    if (pending.length === 0) {
      process.stdout.write(`guestops upgrade: already at guestops ${values.version} (${values.actionUses}); nothing to change\n`);
      return 0;
    }
    if (!o.write) {
      process.stdout.write(`guestops upgrade: ${pending.length} file(s) would change (shown above); run again with --write to write them\n`);
      return 0;
    }
    for (const c of pending) await writeAtomically(join(root, ...c.file.path.split('/')), c.file.content);
    process.stdout.write(`guestops upgrade: wrote ${pending.map((c) => c.file.path).join(', ')} (guestops ${values.version})\n`);
    return 0;
  },
};
