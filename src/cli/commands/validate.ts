/**
 * `guestops validate [--dir guests]`: checks every guest file and prints either a one-line
 * count (exit 0) or every problem, located, at once (exit 1). Never talks to Graph, so it is safe
 * to run on any pull request.
 */
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { loadDesiredState } from '../../desired/load.js';
import { escapeText } from '../../desired/problem-format.js';
import { reportProblems } from '../problems-output.js';
import { loadPolicy } from '../../policy/load.js';

const usage = `guestops validate: check the guest files (no tenant needed)

Usage: guestops validate [--dir <folder>] [--policy FILE]

Options:
  -d, --dir <folder>  folder of guest files, read recursively (*.yaml, *.yml). Default: guests
  --policy FILE       the policy file to check too (default: guestops.policy.yaml when it exists)
  -h, --help          show this help

Prints "N files, M guests: valid" and exits 0, or prints every problem to stderr as
  FILE:LINE:COL: error CODE: message
and exits 1. Warnings (e.g. an empty file) are printed but do not fail. Under GitHub Actions
(GITHUB_ACTIONS=true) each problem is also a file annotation on the pull request.

Examples:
  guestops validate
  guestops validate --dir test/fixtures/desired/valid
`;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export const command: Command = {
  summary: 'Check guests/*.yaml against the schema and rules (no tenant needed)',
  usage,
  async run(args) {
    const o = parseCommandArgs('validate', args, { dir: { type: 'string', short: 'd', default: 'guests' }, policy: { type: 'string' } });
    const dir = o.dir ?? 'guests';
    const policyFile = o.policy;
    const result = await loadDesiredState(dir);
    const policy = await loadPolicy(policyFile);
    if (!result.ok || !policy.ok) {
      const problems = [...(result.ok ? result.warnings : result.problems), ...(policy.ok ? [] : policy.problems)];
      await reportProblems(problems);
      const errors = problems.filter((p) => p.severity === 'error').length;
      process.stderr.write(`${plural(errors, 'error')}: not valid\n`);
      return 1;
    }
    await reportProblems(result.warnings);
    const { files, guests } = result.state;
    const warned = result.warnings.length > 0 ? ` (${plural(result.warnings.length, 'warning')})` : '';
    const policyRead = policy.policy.file !== null ? `; policy ${escapeText(policy.policy.file)}: valid` : '';
    process.stdout.write(`${plural(files.length, 'file')}, ${plural(guests.length, 'guest')}: valid${warned}${policyRead}\n`);
    return 0;
  },
};
