/**
 * `guestops apply`: re-plan against live state and execute it, guest by guest. With `--plan`,
 * only when the reviewed plan still matches the YAML and the tenant. Checks that refuse (stale
 * plan, --max-resets) run before the first write.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { lifecycleNow } from '../lifecycle-clock.js';
import type { Command } from '../command.js';
import { GuestopsError } from '../../errors.js';
import { parseCommandArgs, positiveInt } from '../args.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connect, normalizeOptionalEmulator } from '../connect.js';
import { loadOrReport } from '../desired-input.js';
import { useColor } from '../color.js';
import { checkWritableFile } from '../writable-path.js';
import { INTERRUPTED_EXIT_CODE, onInterrupt } from '../interrupt.js';
import { resumeCommand } from '../resume-command.js';
import { askForYes, atInteractiveTerminal } from '../confirm.js';
import { leaseSeconds } from '../plan-context.js';
import { observeTenant } from '../../graph/observe.js';
import { guestListingFromEnv } from '../../graph/guest-partitions.js';
import { buildPlan } from '../../plan/build-plan.js';
import { maxResetsSetting, resetLimit, reviewedMaxResets, withLimits } from '../../plan/limits.js';
import { renderText } from '../../render/text.js';
import { parseSavedPlan, type SavedPlan } from '../../render/json.js';
import { applyPlan, DEFAULT_CONCURRENCY } from '../../apply/apply-plan.js';
import { checkMaxResets, checkSavedPlan, DEFAULT_MAX_RESETS } from '../../apply/preflight.js';
import { checkDisableCap, checkMaxDisablesFlag } from '../../plan/disable-cap.js';
import { idsToDeclareLines, progressLine, renderApplyMarkdown, summarizeApply, type ApplyReport } from '../../apply/report.js';
import { resolveCommit, resolveRunId } from '../../apply/run-identity.js';
import { inGithubActions } from '../../github/actions-env.js';
import { checkRunIsBranchTip } from '../../github/commit-tip.js';
import { DEFAULT_CONSISTENCY_WINDOW_SECONDS } from '../../graph/consistency.js';
import { loadPolicyOrReport, policyUsage } from '../policy-input.js';
import { checkEmailChangeCap } from '../../plan/email-change-cap.js';
import { escapeUntrusted } from '../../render/untrusted.js';
import { writeUntrusted } from '../untrusted-output.js';
import { acquireApplyLock, type HeldLock } from '../../graph/apply-lock.js';
import { APPLY_LOCK_UNIQUE_NAME } from '../../graph/apply-lock-record.js';

const usage = `guestops apply: make the tenant match guests/ (update profiles, reset redemptions, adopt).

Usage: guestops apply [--dir guests | --plan plan.json] [--max-resets N] [--report report.json]
                      [--concurrency N] [--run-id ID] [--auto-approve]
                      [--consistency-window SECONDS] [--lock-timeout SECONDS] [--no-lock]

Options:
  -d, --dir DIR        folder of guest YAML files (default: guests)
  --plan FILE          a plan saved by 'guestops plan --out FILE': apply refuses (nothing written) when
                       guests/ or the tenant changed since (the YAML is still read from --dir)
  --max-resets N       refuse, before any write, a plan resetting more than N guests (default: the
                       limit the --plan was reviewed with, else env GUESTOPS_MAX_RESETS, else ${DEFAULT_MAX_RESETS})
  --max-disables N     refuse, before any write, a plan disabling more than N guests; only lowers the
                       policy's maxDisables (default 10)
  --report FILE        write the JSON report: every step with Graph's request-id, timing, outcome
  --concurrency N      guests sending requests at once (default ${DEFAULT_CONCURRENCY}); a guest waiting for
                       Graph's replicas to show its own write lets another work meanwhile (1: one
                       guest at a time, start to end)
  --auto-approve       do not ask for 'yes' at an interactive terminal (CI never asks: no TTY, or
                       CI / GITHUB_ACTIONS set; nor does --plan, which was reviewed already)
  --run-id ID          this run's id (default: env GUESTOPS_RUN_ID, else GITHUB_RUN_ID, else random).
                       A re-run with the same id resumes its own interrupted resets at once; another
                       run waits for the intent lease (GUESTOPS_LEASE_SECONDS, default 900)
  --consistency-window SECONDS
                       how long after a write a directory replica may still show the state before it
                       (env GUESTOPS_CONSISTENCY_WINDOW_SECONDS; default ${DEFAULT_CONSISTENCY_WINDOW_SECONDS})
  --lock-timeout SECONDS
                       how long to wait while another apply holds the tenant's apply lock (default 0:
                       refuse at once, naming the run that holds it)
  --no-lock            do not take the apply lock: only where something else guarantees one apply at
                       a time (a CI concurrency group); each guest's intent still guards its reset
${policyUsage(23)}
${CONNECTION_USAGE}
The apply lock: before it reads the tenant, apply takes a tenant-wide lock that Graph arbitrates
  (an application with uniqueName '${APPLY_LOCK_UNIQUE_NAME}', created by the one run that wins; needs
  Application.ReadWrite.OwnedBy) and deletes it when done, once its last write has had the
  consistency window to replicate. A lock whose run died ends with its lease (GUESTOPS_LEASE_SECONDS,
  renewed while the run lives); 'guestops unlock' shows or removes it. A re-run with the same run id
  takes its own lock back.

Interrupting: the first Ctrl-C (SIGINT) or SIGTERM starts no new guest, lets the guests in flight
  finish, writes the summary and report, prints the command that resumes the run and exits 130.
  A second one stops at once and says what is left.

In GitHub Actions, apply first checks with GITHUB_TOKEN (contents: read) that the run's commit
(GITHUB_SHA) is still the tip of its branch: a re-run of an old apply run is refused.

Exit codes: 0 everything applied; 1 invalid input, refused plan, or any guest blocked or failed.

Examples:
  guestops apply --emulator                       # apply the demo guests/ to the local emulator
  guestops plan --out plan.json && guestops apply --plan plan.json --report report.json
  guestops apply --run-id rerun-1 --max-resets 50
`;

export const command: Command = {
  summary: 'Apply guests/ to the tenant (profile updates, redemption resets, adoption)',
  usage,
  async run(args) {
    const o = parseCommandArgs('apply', normalizeOptionalEmulator(args), {
      dir: { type: 'string', default: 'guests' },
      plan: { type: 'string' },
      'max-resets': { type: 'string' },
      'max-disables': { type: 'string' },
      report: { type: 'string' },
      concurrency: { type: 'string' },
      'run-id': { type: 'string' },
      'auto-approve': { type: 'boolean', default: false },
      'consistency-window': { type: 'string' },
      'lock-timeout': { type: 'string' },
      'no-lock': { type: 'boolean', default: false },
      policy: { type: 'string' },
      ...CONNECTION_OPTIONS,
    });
    const maxResetsFlag = o['max-resets'] === undefined ? undefined : positiveInt('apply', 'max-resets', o['max-resets'], 0, 0);
    const maxDisables = o['max-disables'] === undefined ? undefined : positiveInt('apply', 'max-disables', o['max-disables'], 0, 0);
    const concurrency = positiveInt('apply', 'concurrency', o.concurrency, DEFAULT_CONCURRENCY, 1);
    const lockTimeoutSeconds = positiveInt('apply', 'lock-timeout', o['lock-timeout'], 0, 0);

    if (o.report !== undefined) await checkWritableFile('--report', o.report);

    let saved: SavedPlan | undefined;
    if (o.plan !== undefined) {
      let text: string;
      try {
        text = await readFile(o.plan, 'utf8');
      } catch (e) {
        throw new GuestopsError('plan-file-unreadable', `cannot read --plan ${o.plan}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      saved = parseSavedPlan(text);
    }
    const maxResetsSet = maxResetsSetting(maxResetsFlag, process.env, saved ? reviewedMaxResets(saved) : undefined);
    if ('error' in maxResetsSet) throw new GuestopsError('usage', maxResetsSet.error);
    const maxResets = maxResetsSet.value;
    const desired = await loadOrReport(o.dir!);
    const policy = await loadPolicyOrReport(o.policy);
    if (!desired || !policy) return 1;
    checkMaxDisablesFlag(maxDisables, policy);
    // In GitHub Actions: only the tip of the branch is applied (a re-run of an old run is refused).
    await checkRunIsBranchTip();

    const startedAt = new Date();
    const runId = resolveRunId(o['run-id'] ? { ...process.env, GUESTOPS_RUN_ID: o['run-id'] } : process.env);
    const commitP = resolveCommit();
    const resume = resumeCommand(args, runId);
    let toStart = 0;
    const interrupt = onInterrupt({ total: () => toStart, resumeCommand: resume });
    // Read before the tenant is: a bad GUESTOPS_NOW costs no Graph request.
    const today = lifecycleNow();
    const conn = await connect(o);
    let lock: HeldLock | undefined;
    try {
      if (saved && saved.graphUrl !== conn.graphUrl) {
        throw new GuestopsError('plan-other-endpoint', `the plan was made against ${saved.graphUrl}, not ${conn.graphUrl}; nothing was written`);
      }
      // The lock comes before the tenant is read: the plan this run executes is computed while no
      // other apply can write, so two applies started at once never both plan the same reset.
      if (!o['no-lock']) {
        lock = await acquireApplyLock(conn.graph, {
          runId,
          leaseMs: leaseSeconds() * 1000,
          timeoutMs: lockTimeoutSeconds * 1000,
          onEvent: (line) => writeUntrusted(process.stderr, line + '\n'),
        });
      }
      const markerConfigured = conn.markerProperty ?? saved?.markerProperty;
      const observed = await observeTenant(conn.graph, desired, { markerProperty: markerConfigured, guestListing: guestListingFromEnv() });
      const built = buildPlan(desired, observed, { now: new Date(), today, leaseSeconds: leaseSeconds(), runId, policy });
      if (saved) checkSavedPlan(saved, built);
      const plan = withLimits(built, [resetLimit(built, maxResets)]);
      // The plan is shown even when refused: the refusal is about it.
      writeUntrusted(process.stdout, renderText(plan, { color: useColor() }));
      checkMaxResets(plan, maxResets);
      checkEmailChangeCap(plan);
      checkDisableCap(plan, maxDisables);
      toStart = plan.guests.filter((g) => !g.blocked && g.actions.length > 0).length;
      // A saved plan was reviewed already (terraform does not ask for one either).
      if (toStart > 0 && !o['auto-approve'] && !saved && atInteractiveTerminal()) {
        const answer = await askForYes(
          `\nApply these changes to the tenant at ${conn.graphUrl}?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `,
          { signal: interrupt.signal },
        );
        if (answer !== 'yes') {
          const why = answer === 'eof' ? 'end of input' : answer === 'interrupted' ? 'interrupted' : "the answer was not 'yes'";
          process.stderr.write(`guestops apply: cancelled (${why}); nothing was written.\n`);
          return answer === 'interrupted' ? INTERRUPTED_EXIT_CODE : 1;
        }
      }
      const commit = await commitP;
      const observedById = new Map(observed.users.map((u) => [u.id.toLowerCase(), u]));
      const guests = await applyPlan(
        { graph: conn.graph, marker: observed.markerProperty, runId, commit, now: () => new Date(), observed: observedById },
        plan,
        {
          concurrency,
          signal: interrupt.signal,
          onGuestStart: (g) => interrupt.started(g.key),
          onGuestDone: (g, i, n) => {
            interrupt.finished(g.key);
            writeUntrusted(process.stderr, progressLine(g, i, n) + '\n');
          },
        },
      );
      const report: ApplyReport = {
        formatVersion: 1,
        runId,
        commit,
        graphUrl: conn.graphUrl,
        markerProperty: observed.markerProperty.name,
        caller: observed.caller.kind,
        desiredDigest: desired.digest,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        summary: summarizeApply(guests, plan.summary.unchanged),
        guests,
      };
      if (o.report !== undefined) await writeFile(o.report, JSON.stringify(report, null, 2) + '\n');
      const s = report.summary;
      process.stdout.write(
        `Apply finished (run ${escapeUntrusted(runId)}): ${s.resets} reset(s), ${s.profileUpdates} profile update(s), ${s.adoptions} adoption(s), ` +
          `${s.invites} invite(s), ${s.markerRecords} marker record(s); ${s.failed} failed, ${s.blocked} blocked` +
          `${s.notStarted ? `, ${s.notStarted} not started` : ''}.\n`,
      );
      for (const l of idsToDeclareLines(guests)) process.stdout.write(l + '\n');
      const stoppedBy = interrupt.received();
      if (stoppedBy) {
        process.stderr.write(
          `guestops apply: interrupted by ${stoppedBy} (run ${runId}): every started guest finished; ${s.notStarted} guest(s) not started. ` +
            `Resume with: ${resume}\n`,
        );
      }
      if (inGithubActions()) {
        await (await import('../../github/publish.js')).publishApply({
          markdown: renderApplyMarkdown(report),
          outputs: { resets: String(s.resets), failed: String(s.failed), blocked: String(s.blocked), applied: String(s.applied) },
          ...(o.report !== undefined ? { reportPath: o.report } : {}),
        });
      }
      if (stoppedBy) return INTERRUPTED_EXIT_CODE;
      return s.failed > 0 || s.blocked > 0 ? 1 : 0;
    } finally {
      if (lock) {
        const problem = await lock.release();
        if (problem) writeUntrusted(process.stderr, problem + '\n');
      }
      interrupt.dispose();
      await conn.close();
    }
  },
};
