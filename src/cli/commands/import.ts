/**
 * `guestops import`: write guest files for the guests a tenant already has, so a team adopts
 * guestops without hand-writing YAML. The files validate and plan as adoptions only (see
 * src/adopt/import-plan.ts); nothing is written to the tenant, and nothing on disk is replaced
 * without --force.
 */
import { dirname, resolve } from 'node:path';
import type { Command } from '../command.js';
import { GuestopsError } from '../../errors.js';
import { oneOf, parseCommandArgs } from '../args.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connect, normalizeOptionalEmulator } from '../connect.js';
import { reportProblems } from '../problems-output.js';
import { checkWritableDir } from '../writable-path.js';
import { displayPath } from '../../desired/walk.js';
import { formatLocation } from '../../desired/problems.js';
import { escapeText } from '../../desired/problem-format.js';
import { listGuests } from '../../graph/guest-listing.js';
import { readDeclaredTree } from '../../adopt/declared-tree.js';
import { markerPropertyIfAny } from '../../adopt/marker-lookup.js';
import { importSelect, toTenantGuest } from '../../adopt/tenant-guest.js';
import { planImport, type Conflict, type SkippedGuest } from '../../adopt/import-plan.js';
import { readFile } from 'node:fs/promises';
import { SCHEMA_FILE, schemaForRepository, schemaRef } from '../../adopt/schema-ref.js';
import { writeAllOrNothing } from '../../adopt/write-files.js';
import { Progress } from '../../adopt/progress.js';
import { checkImportFilter } from '../../adopt/filter-check.js';

const usage = `guestops import: write guest files for the guests the tenant already has.

Usage: guestops import [--out guests] [--filter "<OData filter>"] [--group-by domain|none]
                       [--force] [--skip-declared] [--dir guests]

Reads every guest (userType eq 'Guest') in pages of 999 and writes YAML that validates and plans
as adoptions only: id (user principal name as a comment), email = the current mail, otherMails
as in the tenant, generation 0 (or the generation of a state marker already on the guest).
Guests without mail are skipped with a warning: guestops declares a guest by the email it
redeems with. Nothing is sent to the tenant but reads.

Options:
  --out DIR            where to write the files (default: the --dir folder)
  --group-by KIND      domain (default): one file per email domain, DIR/<domain>.yaml;
                       none: one file, DIR/imported.yaml
  --filter FILTER      only guests matching this OData filter too, e.g. "startswith(mail,'a')"
                       (sent as an advanced query: ConsistencyLevel eventual, $count=true)
  --force              replace existing files whole (hand edits in them are lost)
  --skip-declared      leave out guests the guests/ tree already declares (default: refuse)
  -d, --dir DIR        the existing guest tree, checked so no guest is declared twice (default: guests)
${CONNECTION_USAGE}

Exit codes: 0 files written (or nothing to import); 1 nothing written: a file exists (without
--force), a guest is already declared (without --skip-declared), guests/ is invalid, or Graph failed.

Examples:
  guestops import --emulator --dir imported      # try it on the demo tenant: writes imported/*.yaml
  guestops import --out guests/ && guestops validate && guestops plan
`;

function guestName(g: { id: string; upn: string; mail: string | null }): string {
  return escapeText(`${g.id}${g.upn ? ` (${g.upn})` : ''}${g.mail ? ` <${g.mail}>` : ''}`);
}

function conflictLine(c: Conflict): string {
  const by = c.declaration.by === 'email' ? `its mail ${c.guest.mail} is declared for another guest` : `declared by ${c.declaration.by}`;
  return `  ${guestName(c.guest)}: ${escapeText(by)} at ${escapeText(formatLocation(c.declaration.location))}`;
}

function printSkipped(skipped: readonly SkippedGuest[]): void {
  const groups: Record<SkippedGuest['code'], string> = {
    'no-mail': 'without mail (guestops declares each guest by the email it redeems with, and needs one)',
    'shared-mail': 'sharing their mail with another guest',
    marker: 'whose guestops state marker import cannot declare without a change',
    invalid: 'with a value guest files do not accept',
  };
  for (const code of Object.keys(groups) as SkippedGuest['code'][]) {
    const list = skipped.filter((s) => s.code === code);
    if (list.length === 0) continue;
    process.stderr.write(`guestops import: warning: skipped ${list.length} guest(s) ${groups[code]}:\n`);
    for (const s of list) process.stderr.write(`  ${guestName(s)}${code === 'no-mail' ? '' : `: ${escapeText(s.why)}`}\n`);
  }
}

export const command: Command = {
  summary: 'Write guest files for the guests the tenant already has (adoption)',
  usage,
  async run(args) {
    const o = parseCommandArgs('import', normalizeOptionalEmulator(args), {
      out: { type: 'string' },
      dir: { type: 'string', default: 'guests' },
      filter: { type: 'string' },
      'group-by': { type: 'string' },
      force: { type: 'boolean', default: false },
      'skip-declared': { type: 'boolean', default: false },
      ...CONNECTION_OPTIONS,
    });
    const groupBy = oneOf('import', 'group-by', o['group-by'], ['domain', 'none'] as const, 'domain');
    const cwd = process.cwd();
    const outAbs = resolve(cwd, o.out ?? o.dir!);
    const outDir = displayPath(outAbs, cwd);
    if (outDir.startsWith('..')) throw new GuestopsError('usage', `--out ${o.out ?? o.dir} is outside the working directory; run import from the repository root`);

    await checkWritableDir('--out', o.out ?? o.dir!, cwd);
    // The schema copy is a file import writes too: checked as early as the folder.
    const schema = schemaForRepository(cwd);
    if (schema.copyFrom) await checkWritableDir("the guest file schema's folder", dirname(SCHEMA_FILE), cwd);

    const tree = await readDeclaredTree(o.dir!, cwd);
    if (!tree.ok) {
      await reportProblems(tree.problems);
      throw new GuestopsError('import-tree-invalid', `${o.dir} has problems (above): fix them first, import must know which guests it already declares. Nothing was written`);
    }

    checkImportFilter(o.filter);
    const conn = await connect(o);
    let guests;
    try {
      const marker = await markerPropertyIfAny(conn.graph, conn.markerProperty);
      if (!marker) process.stderr.write("guestops import: no guestops state marker property in the tenant yet ('guestops setup' creates it): every guest gets generation 0\n");
      const progress = new Progress(process.stderr, 'guestops import', 'guests');
      const listed = await listGuests(conn.graph, {
        select: importSelect(marker),
        count: true,
        filter: o.filter,
        onPage: (p) => progress.update(p.read, p.total),
      });
      // Whatever the filter did and whatever Graph answered: a member is never written into a guest file.
      const onlyGuests = listed.users.filter((u) => u['userType'] === 'Guest');
      const dropped = listed.users.length - onlyGuests.length;
      if (dropped > 0) process.stderr.write(`guestops import: warning: left out ${dropped} user(s) whose userType is not Guest\n`);
      guests = onlyGuests.map((u) => toTenantGuest(u, marker));
    } finally {
      await conn.close();
    }

    const plan = planImport({
      guests,
      declared: tree.index,
      groupBy,
      outDir,
      schemaRef: schemaRef(outAbs, schema.path),
      force: o.force!,
    });
    printSkipped(plan.skipped);
    for (const n of plan.notes) process.stderr.write(`guestops import: note: ${guestName({ ...n, mail: null })}: ${escapeText(n.note)}\n`);
    if (plan.conflicts.length > 0) {
      const lines = plan.conflicts.map(conflictLine).join('\n');
      if (!o['skip-declared']) {
        process.stderr.write(`guestops import: ${plan.conflicts.length} guest(s) are already declared in ${o.dir}:\n${lines}\n`);
        throw new GuestopsError(
          'import-already-declared',
          `refusing to declare ${plan.conflicts.length} guest(s) a second time (listed above). Nothing was written. Re-run with --skip-declared to import only the others`,
        );
      }
      process.stderr.write(`guestops import: left out ${plan.conflicts.length} guest(s) already declared in ${o.dir} (--skip-declared):\n${lines}\n`);
    }
    if (plan.files.length === 0) {
      process.stdout.write(`Nothing to import: ${guests.length} guest(s) read, none to write.\n`);
      return 0;
    }
    const schemaCopy = schema.copyFrom ? [{ path: SCHEMA_FILE.split('\\').join('/'), text: await readFile(schema.copyFrom, 'utf8') }] : [];
    await writeAllOrNothing([...plan.files, ...schemaCopy], { cwd, force: o.force! });
    for (const f of plan.files) process.stdout.write(`wrote ${escapeText(f.path)} (${f.guests} guest${f.guests === 1 ? '' : 's'})\n`);
    for (const f of schemaCopy) process.stdout.write(`wrote ${escapeText(f.path)} (the guest file schema the imported files reference, for editors)\n`);
    const managed = plan.alreadyManaged > 0 ? ` (${plan.alreadyManaged} already managed by guestops)` : '';
    process.stdout.write(
      `Imported ${plan.imported} of ${guests.length} guest(s) into ${plan.files.length} file(s)${managed}; skipped ${plan.skipped.length}` +
        `${plan.conflicts.length ? `, left out ${plan.conflicts.length} already declared` : ''}.\n` +
        `Next: guestops validate --dir ${outDir} && guestops plan --dir ${outDir}   (expect adoptions only)\n`,
    );
    return 0;
  },
};
