/**
 * `guestops unlock [LOCK_ID]`: shows the tenant's apply lock, or removes it. Like terraform's
 * force-unlock it takes the lock's id, so it never removes a lock other than the one the user
 * looked at (a new run may have taken the lock since).
 */
import type { Command } from '../command.js';
import { GuestopsError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connect, normalizeOptionalEmulator } from '../connect.js';
import { leaseSeconds } from '../plan-context.js';
import { readApplyLock, removeLock } from '../../graph/apply-lock.js';
import { APPLY_LOCK_UNIQUE_NAME, describeLock, leaseEndsAt } from '../../graph/apply-lock-record.js';
import { writeUntrusted } from '../untrusted-output.js';

const usage = `guestops unlock: show the tenant's apply lock, or remove the one a dead run left.

Usage: guestops unlock [LOCK_ID] [connection options]

Without LOCK_ID it prints who holds the lock (run id, since, lease end) and its id. With the id it
deletes exactly that lock (application uniqueName '${APPLY_LOCK_UNIQUE_NAME}') and purges it from
deleted items; if another lock holds the name now, nothing is removed. Remove a lock only when the
run that holds it is no longer running: two applies at once may reset a guest twice.
${CONNECTION_USAGE}

Needs Application.ReadWrite.OwnedBy (locks the same app created) or Application.ReadWrite.All.

Exit codes: 0 no lock, or the lock removed; 1 a lock is held (without LOCK_ID), or LOCK_ID is not
the lock.

Examples:
  guestops unlock                                        # who holds the lock?
  guestops unlock 3f0c9a52-7d1e-4b8a-9c2f-6e5d4a3b2c10   # remove it (its run died)
`;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const command: Command = {
  summary: "Show or remove the tenant's apply lock (after a run died)",
  usage,
  async run(args) {
    // LOCK_ID comes first (as in 'terraform force-unlock LOCK_ID'); the options follow.
    const wanted = args[0] !== undefined && !args[0].startsWith('-') ? args[0] : undefined;
    const o = parseCommandArgs('unlock', normalizeOptionalEmulator(wanted === undefined ? args : args.slice(1)), { ...CONNECTION_OPTIONS });
    if (wanted !== undefined && !GUID.test(wanted)) {
      throw new GuestopsError('usage', `LOCK_ID must be the lock's object id (a GUID, as 'guestops unlock' prints it), got '${wanted}'`);
    }
    const conn = await connect(o);
    try {
      const lock = await readApplyLock(conn.graph);
      const now = Date.now();
      const leaseMs = leaseSeconds() * 1000;
      if (!lock) {
        process.stdout.write('No apply lock is held.\n');
        return wanted === undefined ? 0 : 1;
      }
      const text = describeLock(lock, leaseMs, now);
      const ended = leaseEndsAt(lock, leaseMs, now) <= now;
      if (wanted === undefined) {
        writeUntrusted(process.stdout, `The apply lock is held by ${text}${ended ? '; its lease has ended (the next apply removes it)' : ''}.\n`);
        writeUntrusted(process.stdout, `If that run is no longer running, remove it with: guestops unlock ${lock.id}\n`);
        return 1;
      }
      if (lock.id.toLowerCase() !== wanted.toLowerCase()) {
        throw new GuestopsError('lock-id-mismatch', `${wanted} is not the apply lock now; the lock is held by ${text}. Nothing was removed; check with 'guestops unlock'`);
      }
      await removeLock(conn.graph, lock.id, Date.parse(lock.createdDateTime ?? '') || now);
      writeUntrusted(process.stdout, `Removed the apply lock of ${text}.\n`);
      return 0;
    } finally {
      await conn.close();
    }
  },
};
