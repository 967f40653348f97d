/**
 * `guestops plan`: validate guests/, read the tenant, show what apply would do. Never writes:
 * the only non-GET requests it may send are `$batch` of GETs and the read-only
 * getAvailableExtensionProperties action.
 */
import { writeFile } from 'node:fs/promises';
import { posix, resolve } from 'node:path';
import { displayPath } from '../../desired/walk.js';
import { lifecycleNow } from '../lifecycle-clock.js';
import type { Command } from '../command.js';
import { parseCommandArgs, oneOf, positiveInt } from '../args.js';
import { GuestopsError } from '../../errors.js';
import { maxResetsSetting, resetLimit, withLimits } from '../../plan/limits.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connect, normalizeOptionalEmulator } from '../connect.js';
import { loadOrReport } from '../desired-input.js';
import { useColor } from '../color.js';
import { checkWritableFile } from '../writable-path.js';
import { leaseSeconds } from '../plan-context.js';
import { observeTenant } from '../../graph/observe.js';
import { guestListingFromEnv } from '../../graph/guest-partitions.js';
import { buildPlan } from '../../plan/build-plan.js';
import { formerEmailOnly } from '../../plan/invited-undeclared.js';
import { emailChangesOverCap } from '../../plan/email-change-cap.js';
import { disablesOverCap } from '../../plan/disable-cap.js';
import { renderJson } from '../../render/json.js';
import { inGithubActions } from '../../github/actions-env.js';
import { nothingToPlanText, unchangedFromBase } from '../unchanged-from-base.js';
import { loadPolicyOrReport, policyUsage } from '../policy-input.js';
import { loadBaseOrReport } from '../base-input.js';
import { writeGuarded, writeUntrusted } from '../untrusted-output.js';
import { jsonText } from '../../render/untrusted.js';

/** The GitHub publishing code (and @actions/core under it), imported only inside Actions. */
const publishing = () => import('../../github/publish.js');

const usage = `guestops plan: show what apply would change, without changing anything.

Usage: guestops plan [--dir guests] [--policy FILE] [--base-dir DIR] [--format text|markdown|json]
                     [--out plan.json] [--detailed-exitcode] [--max-resets N]
                     [--skip-if-unchanged --base-policy FILE]

Options:
  -d, --dir DIR          folder of guest YAML files (default: guests)
  --format FORMAT        text (default), markdown (for a pull request) or json
  --out FILE             also save the plan as JSON, for 'guestops apply --plan FILE'
  --detailed-exitcode    exit 2 when there are changes (0 none, 1 error, blocked or refused)
${policyUsage(25)}
  --base-dir DIR         the guest folder as of the review's base (e.g. the pull request's base
                         branch checked out elsewhere): invitation settings are not stored in the
                         tenant, so their changes are shown against it, even when nobody is reset
  --max-resets N         the reset limit apply will enforce, stated in the plan (env GUESTOPS_MAX_RESETS;
                         default 20); a saved plan carries it to 'apply --plan'
  --skip-if-unchanged    with --base-dir: when guests/ and the policy file are the same as the
                         base's, say so and read nothing from the tenant (a plan check required
                         on every pull request stays fast for those that change neither)
  --base-policy FILE     the policy file as of the review's base (absent: the base has none)
${CONNECTION_USAGE}

Exit codes: 0 no changes (or changes without --detailed-exitcode), 2 changes with
--detailed-exitcode, 1 invalid guests/, a Graph error, any guest blocked, or a plan apply
would refuse (more resets than --max-resets, more than the policy's maxEmailChanges or
maxDisables); the plan is still printed, published and saved with --out.

Examples:
  guestops plan --emulator                       # try it on the bundled demo tenant
  guestops plan --format markdown > plan.md
  guestops plan --out plan.json && guestops apply --plan plan.json
`;

export const command: Command = {
  summary: 'Show what apply would change (dry run; never writes)',
  usage,
  async run(args) {
    const o = parseCommandArgs('plan', normalizeOptionalEmulator(args), {
      dir: { type: 'string', default: 'guests' },
      format: { type: 'string' },
      out: { type: 'string' },
      'detailed-exitcode': { type: 'boolean', default: false },
      policy: { type: 'string' },
      'base-dir': { type: 'string' },
      'max-resets': { type: 'string' },
      'skip-if-unchanged': { type: 'boolean', default: false },
      'base-policy': { type: 'string' },
      ...CONNECTION_OPTIONS,
    });
    const flag = o['max-resets'] === undefined ? undefined : positiveInt('plan', 'max-resets', o['max-resets'], 0, 0);
    const maxResets = maxResetsSetting(flag, process.env);
    if ('error' in maxResets) throw new GuestopsError('usage', maxResets.error);
    const format = oneOf('plan', 'format', o.format, ['text', 'markdown', 'json'] as const, 'text');
    if ((o['skip-if-unchanged'] || o['base-policy'] !== undefined) && o['base-dir'] === undefined) {
      throw new GuestopsError('usage', 'guestops plan: --skip-if-unchanged and --base-policy compare with the base: give --base-dir too');
    }
    if (o.out !== undefined) await checkWritableFile('--out', o.out);
    // First, before anything can fail: the previous push's plan comment must not look current.
    if (inGithubActions()) await (await publishing()).publishPlanStarted();
    const desired = await loadOrReport(o.dir!);
    const policy = await loadPolicyOrReport(o.policy);
    const base = o['base-dir'] !== undefined ? await loadBaseOrReport(o['base-dir']) : undefined;
    if (!desired || !policy || base === null) return 1;

    if (o['skip-if-unchanged'] && base && (await unchangedFromBase(desired, base, policy.file, o['base-policy']))) {
      const text = nothingToPlanText();
      if (format === 'json') writeGuarded(process.stdout, JSON.stringify({ formatVersion: 1, skipped: 'unchanged-from-base', message: text }, null, 2) + '\n');
      else writeUntrusted(process.stdout, `${text}\n`);
      if (inGithubActions()) await (await publishing()).publishNothingToPlan(`### guestops plan\n\n${text}\n`);
      return 0;
    }

    // Read before the tenant is: a bad GUESTOPS_NOW costs no Graph request.
    const today = lifecycleNow();
    const conn = await connect(o);
    try {
      // What an edited email-only guest used to be, to recognise its invitee also by the base's address.
      const shown = (d: string) => displayPath(resolve(d), process.cwd());
      const former = formerEmailOnly(base, desired, (f) => posix.join(shown(o.dir!), posix.relative(shown(o['base-dir'] ?? '.'), f)));
      const formerAddresses = new Set([...former.values()].flatMap((set) => [...set]));
      const observed = await observeTenant(conn.graph, desired, { markerProperty: conn.markerProperty, guestListing: guestListingFromEnv(), formerEmailOnly: formerAddresses });
      const built = buildPlan(desired, observed, { now: new Date(), today, leaseSeconds: leaseSeconds(), policy, ...(base ? { base, formerEmailOnly: former } : {}) });
      const plan = withLimits(built, [resetLimit(built, maxResets.value)]);
      const jsonOptions = { createdAt: new Date().toISOString(), graphUrl: conn.graphUrl, markerProperty: observed.markerProperty.name };
      // Each view is rendered at most once and only where it is shown: the JSON of the bench's
      // 100,000-guest plan alone takes about 0.1 s. The text and markdown views are also loaded
      // only where shown: with the unified-diff library under them (and the credential adapter,
      // credentials.ts) they were ~8 ms of every start, which a JSON plan (CI's saved plan, the
      // bench) never needs.
      let json: string | undefined;
      let md: string | undefined;
      const planJson = () => (json ??= renderJson(plan, jsonOptions));
      const markdown = async () => (md ??= (await import('../../render/markdown.js')).renderMarkdown(plan));
      if (o.out !== undefined) await writeFile(o.out, planJson());
      if (format === 'text') writeUntrusted(process.stdout, (await import('../../render/text.js')).renderText(plan, { color: useColor() }));
      else if (format === 'markdown') writeGuarded(process.stdout, await markdown());
      else writeGuarded(process.stdout, jsonText(planJson()));
      if (inGithubActions()) {
        await (await publishing()).publishPlan({ plan, markdown: await markdown(), planJson: planJson(), ...(o.out !== undefined ? { planJsonPath: o.out } : {}) });
      }

      // Whatever apply would refuse fails the plan too, so a required plan check stops the merge
      // that apply would refuse after it: blocked guests, the policy's caps, and --max-resets.
      const refused = (plan.limits ?? []).some((l) => l.exceeded) || emailChangesOverCap(plan) || disablesOverCap(plan);
      if (plan.summary.blocked > 0 || refused) return 1;
      const changes = plan.guests.some((g) => g.actions.length > 0);
      return changes && o['detailed-exitcode'] ? 2 : 0;
    } finally {
      await conn.close();
    }
  },
};
