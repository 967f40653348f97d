/**
 * `guestops snapshot --out tenant.json`: the tenant as an emulator seed, to rehearse a change
 * offline (`guestops emulator --seed tenant.json`, then plan/apply against it, and read in the
 * emulator's message log every invitation email the change would send). Reads only.
 */
import { link, lstat, rename, unlink, writeFile } from 'node:fs/promises';
import type { Command } from '../command.js';
import { checkWritableFile } from '../writable-path.js';
import { GuestopsError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connect, normalizeOptionalEmulator } from '../connect.js';
import { reportProblems } from '../problems-output.js';
import { loadDesiredState } from '../../desired/load.js';
import type { DesiredState } from '../../desired/types.js';
import { readSnapshot } from '../../adopt/read-snapshot.js';
import { buildSnapshotSeed } from '../../adopt/snapshot-seed.js';
import { Progress } from '../../adopt/progress.js';
import { escapeUntrusted } from '../../render/untrusted.js';

const usage = `guestops snapshot: save the tenant's guests as a Graph emulator seed, to rehearse offline.

Usage: guestops snapshot --out tenant.json [--dir guests] [--force]

Writes what planning reads: every guest (id, UPN, mail, otherMails, redemption state,
accountEnabled, createdDateTime, sponsors, the guestops state marker), declared users of --dir
that are not guests, the guests' sponsors, their directory role assignments, the app
registration of the marker property, and FAKE tokens the emulator accepts (rehearsal-apply,
rehearsal-plan, and rehearsal-admin when you are signed in as a person).
Never a real token. Then:

  guestops emulator --seed tenant.json              # prints: Graph emulator listening on URL
  GUESTOPS_TOKEN=rehearsal-apply guestops plan  --graph-url URL
  GUESTOPS_TOKEN=rehearsal-apply guestops apply --graph-url URL
  curl URL/_emulator/state                          # "messages": every invitation email sent

Options:
  --out FILE     where to write the seed JSON (required)
  -d, --dir DIR  guest files whose non-guest users are included too (default: guests; optional)
  --force        replace FILE when it exists
${CONNECTION_USAGE}
`;

function wouldOverwrite(out: string): GuestopsError {
  return new GuestopsError('snapshot-would-overwrite', `${out} exists; nothing was written. Use --force to replace it`);
}

/** Refuses an existing --out before the tenant is read: a 3,000-guest read is not thrown away. */
async function refuseExisting(out: string): Promise<void> {
  try {
    await lstat(out);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  throw wouldOverwrite(out);
}

/**
 * Writes the seed whole or not at all: to a temporary sibling first, then into place. A failure
 * or an interrupt mid-write never leaves a truncated seed (nor, with --force, destroys the old
 * one). Without --force, link() puts the file in place only if the name is still free.
 */
async function writeWhole(out: string, text: string, force: boolean): Promise<void> {
  const tmp = `${out}.guestops-snapshot-${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    if (force) {
      await rename(tmp, out);
      return;
    }
    try {
      await link(tmp, out);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw wouldOverwrite(out);
      // A file system without hard links: check the name once more, then move the file in.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw e;
      await refuseExisting(out);
      await rename(tmp, out);
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function declaredIfAny(dir: string): Promise<DesiredState | null> {
  try {
    const r = await loadDesiredState(dir, { cwd: process.cwd() });
    if (!r.ok) {
      await reportProblems(r.problems);
      throw new GuestopsError('snapshot-tree-invalid', `${dir} has problems (above): fix them, or pass --dir to another folder`);
    }
    return r.state;
  } catch (e) {
    if (e instanceof GuestopsError && e.code === 'desired-dir-not-found') return null;
    throw e;
  }
}

export const command: Command = {
  summary: 'Save the tenant as an emulator seed to rehearse a change offline',
  usage,
  async run(args) {
    const o = parseCommandArgs('snapshot', normalizeOptionalEmulator(args), {
      out: { type: 'string' },
      dir: { type: 'string', default: 'guests' },
      force: { type: 'boolean', default: false },
      ...CONNECTION_OPTIONS,
    });
    if (o.out === undefined || o.out === '') throw new GuestopsError('usage', "--out FILE is required. Run 'guestops snapshot --help'.");
    if (!o.force) await refuseExisting(o.out);
    await checkWritableFile('--out', o.out);
    const desired = await declaredIfAny(o.dir!);
    const conn = await connect(o);
    let seed;
    try {
      const progress = new Progress(process.stderr, 'guestops snapshot', 'guests');
      const input = await readSnapshot(conn.graph, {
        markerProperty: conn.markerProperty,
        desired,
        onPage: (p) => progress.update(p.read, p.total),
        onWarning: (w) => process.stderr.write(`guestops snapshot: warning: ${escapeUntrusted(w)}\n`),
      });
      seed = buildSnapshotSeed(input);
    } finally {
      await conn.close();
    }
    // The emulator's own validation, so a snapshot that would not load is never written.
    const { validateSeed } = await import('../../emulator/index.js');
    validateSeed(JSON.parse(JSON.stringify(seed)), o.out);
    await writeWhole(o.out, JSON.stringify(seed, null, 2) + '\n', o.force!);
    const roles = seed.roleAssignments.length;
    process.stdout.write(
      `wrote ${o.out}: ${seed.users.length} users, ${roles} role assignment(s), tokens ${Object.keys(seed.tokens).join(', ')} (fake, emulator only)\n` +
        `Rehearse: guestops emulator --seed ${o.out}   then   GUESTOPS_TOKEN=rehearsal-apply guestops plan --graph-url <printed URL>\n`,
    );
    return 0;
  },
};
