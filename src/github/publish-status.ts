/**
 * `guestops status` in GitHub Actions (the drift workflow's status step): the markdown report goes
 * to the job summary, and every guest pending acceptance for at least the threshold gets a warning
 * annotation at the line whose change re-sends its invitation (the `generation` bump), capped
 * like the plan's annotations. The step output `pending` counts those guests.
 */
import * as core from '@actions/core';
import type { StatusReport } from '../status/report.js';
import { annotationText } from '../render/untrusted.js';
import { MAX_ANNOTATIONS, capAnnotations, repositoryPath, type PlanAnnotation } from './annotations.js';
import { appendJobSummary } from './job-summary.js';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Pure: one warning per guest pending for at least `days`, on its `generation` line (or its entry). */
export function pendingAnnotations(report: StatusReport, days: number, cwd: string, workspace: string | undefined): PlanAnnotation[] {
  return report.guests
    .filter((g) => g.state === 'PendingAcceptance' && g.resend !== undefined && (g.stateDays ?? 0) >= days)
    .map((g) => ({
      level: 'warning' as const,
      file: repositoryPath(g.resend!.file, cwd, workspace),
      line: g.resend!.line,
      title: `guestops: ${g.email} pending acceptance for ${plural(g.stateDays ?? 0, 'day', 'days')}`,
      message: `${g.email} has not redeemed the invitation since ${(g.stateSince ?? '').slice(0, 10)}. To re-send it: ${g.resend!.change} at ${g.resend!.file}:${g.resend!.line} in a pull request, then apply.`,
    }));
}

export async function publishStatus(report: StatusReport, markdown: string, warnPendingDays: number): Promise<void> {
  const all = pendingAnnotations(report, warnPendingDays, process.cwd(), process.env['GITHUB_WORKSPACE']);
  const note = `\n_${plural(all.length, 'guest', 'guests')} pending acceptance for ${plural(warnPendingDays, 'day', 'days')} or more ${all.length === 1 ? 'is' : 'are'} flagged as warnings on ${all.length === 1 ? 'its line' : 'their lines'}._\n`;
  await appendJobSummary(markdown + note, process.env);
  core.setOutput('pending', String(all.length));
  const { shown, omitted } = capAnnotations(all);
  for (const a of shown) {
    // Emails and paths are YAML text: through the one escaper.
    core.warning(annotationText(a.message), { title: annotationText(a.title), file: annotationText(a.file), startLine: a.line });
  }
  if (omitted > 0) {
    core.notice(`${omitted} more pending guest(s) not annotated (at most ${MAX_ANNOTATIONS}); the job summary lists every one.`, { title: 'guestops: status annotations capped' });
  }
}
