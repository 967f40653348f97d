/**
 * `guestops init [DIR]`: scaffolds a guests repository for an organisation — guests/ with a
 * commented example, the schema editors pick up, the four workflows on the guestops action
 * pinned to this version's commit, CODEOWNERS and a README with the setup steps. It never
 * overwrites a file: what exists is listed as skipped.
 */
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { parseCommandArgsAndOperands } from '../args.js';
import { escapeUntrusted } from '../../render/untrusted.js';
import { scaffoldFiles } from '../../scaffold/files.js';
import { SCAFFOLD_OPTIONS, scaffoldValues } from '../../scaffold/values.js';
import { writeNewFiles } from '../../scaffold/write-new.js';

const usage = `guestops init: scaffold a repository for your organisation's guests.

Usage: guestops init [DIR] [--tenant-id ID] [--plan-client-id ID] [--apply-client-id ID]
                     [--repo OWNER/REPO] [--action-ref OWNER/REPO@SHA]

Writes into DIR (default: the current folder; created if missing), never overwriting a file:
  guests/example.yaml            a commented example (declares no guest yet)
  schemas/guests.schema.json     the schema, referenced by the example for editors
  .github/workflows/plan.yml     validate + dry-run plan on pull requests (read-only identity)
  .github/workflows/apply.yml    apply on merge to main (write identity, protected environment)
  .github/workflows/drift.yml    daily check that the tenant still matches guests/
  .github/workflows/ci.yml       validate on every push and pull request
  .github/CODEOWNERS             who reviews guests and workflows
  README.md                      the setup steps, filled in with the ids below

Options:
  --tenant-id ID         Entra tenant id, for the README's setup commands
  --plan-client-id ID    client id of the read-only app registration (guestops-plan)
  --apply-client-id ID   client id of the write app registration (guestops-apply)
  --repo OWNER/REPO      the guests repository on GitHub (federated-credential subjects, CODEOWNERS)
  --action-ref REF       the guestops action the workflows use, OWNER/REPO@<commit sha>. Default:
                         the commit this guestops release was built from, in its own repository

Examples:
  npx guestops init my-guests
  guestops init . --repo contoso/guests --tenant-id 0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9
`;

export const command: Command = {
  summary: "Scaffold a repository for your organisation's guests (workflows, schema, example)",
  usage,
  async run(args) {
    const { values: o, operands } = parseCommandArgsAndOperands('init', args, SCAFFOLD_OPTIONS, 1);
    const dir = operands[0] ?? '.';
    const { values } = scaffoldValues(o);
    const root = resolve(dir);
    const { written, skipped } = await writeNewFiles(root, scaffoldFiles(values));
    const shown = escapeUntrusted(dir);
    const out: string[] = [`guestops init: ${written.length} file(s) written in ${shown}`];
    for (const f of written) out.push(`  + ${f}`);
    if (skipped.length > 0) {
      out.push(`skipped ${skipped.length} file(s) that already exist (left as they are):`);
      for (const f of skipped) out.push(`  = ${f}`);
    }
    const npx = `npx guestops@${values.version}`;
    out.push(
      '',
      `The workflows use the guestops action ${values.actionUses}.`,
      '',
      'Next steps:',
      `  1. ${dir === '.' ? '' : `cd ${shown} && `}${npx} validate && ${npx} plan --emulator   # works offline, against a demo tenant`,
      '  2. Follow README.md, "Setting it up": two app registrations, the repository variables',
      '     (AZURE_TENANT_ID, AZURE_PLAN_CLIENT_ID, AZURE_APPLY_CLIENT_ID, GUESTOPS_MARKER_PROPERTY),',
      '     the guestops-apply environment, branch protection and CODEOWNERS.',
      `  3. Declare guests in guests/ (${npx} import --out guests/ reads the tenant's), push, open a pull request:`,
      '     its plan appears as a comment; merging applies it.',
    );
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  },
};
