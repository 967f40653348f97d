/**
 * `guestops status`: where every declared guest stands (redemption, account, sponsors, expiry,
 * last sign-in when permitted). Reads only: the bulk guest list (with sponsors expanded), the
 * sponsor look-ups, and — when the identity may — one list of sign-in activity.
 */
import type { Command } from '../command.js';
import { lifecycleNow } from '../lifecycle-clock.js';
import { oneOf, parseCommandArgs } from '../args.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connect, normalizeOptionalEmulator } from '../connect.js';
import { loadOrReport } from '../desired-input.js';
import { observeTenant } from '../../graph/observe.js';
import { readSignIns } from '../../graph/sign-in-activity.js';
import { buildStatus } from '../../status/report.js';
import { parseDays } from '../../status/durations.js';
import { renderStatusText } from '../../render/status-text.js';
import { renderStatusMarkdown } from '../../render/status-markdown.js';
import { GuestopsError } from '../../errors.js';
import { inGithubActions } from '../../github/actions-env.js';
import { DEFAULT_WARN_PENDING_DAYS } from '../../github/status-defaults.js';
import { writeGuarded, writeUntrusted } from '../untrusted-output.js';
import { jsonText } from '../../render/untrusted.js';

const usage = `guestops status: where each declared guest stands. Never writes.

Usage: guestops status [--dir guests] [--format text|markdown|json]
                       [--pending-over 14d] [--expiring-within 30d] [--inactive-over 90d]
                       [--warn-pending-over 14d]

For every guest in guests/: redemption state and since when (externalUserState), what guestops
last recorded on it, whether the account is enabled, its sponsors, its expiry, and its last
successful sign-in when the identity may read it (AuditLog.Read.All in a Microsoft Entra ID P1
tenant; otherwise it says so once). A guest still pending acceptance is shown with the one-line
change that sends it a fresh invitation (a generation bump).

Options:
  --dir DIR                folder of guest YAML files (default: guests)
  --format FORMAT          text (default), markdown (for a job summary) or json
  --pending-over Nd        only guests awaiting redemption for at least N days
  --expiring-within Nd     only guests whose access ends within N days (or has ended)
  --inactive-over Nd       only guests without a successful sign-in for N days (needs sign-in activity)
  --warn-pending-over Nd   in GitHub Actions: a warning annotation, at the line to change, for each guest
                           pending acceptance for N days or more (default 14d); the markdown report goes
                           to the job summary, the count to the step output 'pending'
${CONNECTION_USAGE}

Exit codes: 0 report printed (whatever it lists), 1 invalid guests/, bad options or a Graph error.

Examples:
  guestops status --emulator
  guestops status --pending-over 14d --format markdown >> "$GITHUB_STEP_SUMMARY"
`;

export const command: Command = {
  summary: 'Show where each declared guest stands (redemption, account, sponsors, expiry)',
  usage,
  async run(args) {
    const o = parseCommandArgs('status', normalizeOptionalEmulator(args), {
      dir: { type: 'string', default: 'guests' },
      format: { type: 'string' },
      'pending-over': { type: 'string' },
      'expiring-within': { type: 'string' },
      'inactive-over': { type: 'string' },
      'warn-pending-over': { type: 'string' },
      ...CONNECTION_OPTIONS,
    });
    const format = oneOf('status', 'format', o.format, ['text', 'markdown', 'json'] as const, 'text');
    const pendingOverDays = parseDays('pending-over', o['pending-over']);
    const expiringWithinDays = parseDays('expiring-within', o['expiring-within']);
    const inactiveOverDays = parseDays('inactive-over', o['inactive-over']);
    const warnPendingDays = parseDays('warn-pending-over', o['warn-pending-over']) ?? DEFAULT_WARN_PENDING_DAYS;
    const desired = await loadOrReport(o.dir!);
    if (!desired) return 1;
    // Read before the tenant is: a bad GUESTOPS_NOW costs no Graph request.
    const today = lifecycleNow();
    const conn = await connect(o);
    try {
      // The sign-in list is read beside the observation, not after it: neither needs the other,
      // and against Graph each is a chain of list pages (the sign-in list 120 users a page, so
      // the longer one). Both are waited for before an error of either is raised, so no request
      // is still out when the connection closes.
      const [observation, signInList] = await Promise.allSettled([
        observeTenant(conn.graph, desired, { markerProperty: conn.markerProperty, withSponsors: true }),
        readSignIns(conn.graph),
      ]);
      if (observation.status === 'rejected') throw observation.reason;
      if (signInList.status === 'rejected') throw signInList.reason;
      const observed = observation.value;
      const signIns = signInList.value;
      if (inactiveOverDays !== undefined && !signIns.available) {
        throw new GuestopsError('sign-in-activity-unavailable', `--inactive-over needs sign-in activity, which this identity cannot read: ${signIns.reason}`);
      }
      const report = buildStatus(desired, observed, signIns, today, {
        ...(pendingOverDays !== undefined ? { pendingOverDays } : {}),
        ...(expiringWithinDays !== undefined ? { expiringWithinDays } : {}),
        ...(inactiveOverDays !== undefined ? { inactiveOverDays } : {}),
      });
      // Tenant text (UPNs, mail, sponsors) is in every format: out through the one escaper.
      if (format === 'json') writeGuarded(process.stdout, jsonText(JSON.stringify(report, null, 2) + '\n'));
      else if (format === 'markdown') writeGuarded(process.stdout, renderStatusMarkdown(report));
      else writeUntrusted(process.stdout, renderStatusText(report));
      if (inGithubActions()) await (await import('../../github/publish-status.js')).publishStatus(report, renderStatusMarkdown(report), warnPendingDays);
      return 0;
    } finally {
      await conn.close();
    }
  },
};
