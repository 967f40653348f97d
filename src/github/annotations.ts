/**
 * Plan results as GitHub annotations on the YAML line that declares each guest, so a reviewer
 * sees "this guest will be reset" next to the line in the pull request's Files view.
 * Pure: turns a plan into a list; `publish.ts` hands the list to @actions/core.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { describeLifecycle } from '../render/describe-lifecycle.js';
import type { Action, GuestPlan, Plan } from '../plan/types.js';

export type AnnotationLevel = 'notice' | 'warning' | 'error';

export interface PlanAnnotation {
  readonly level: AnnotationLevel;
  /** Path relative to the repository root, with `/` separators (what GitHub matches on). */
  readonly file: string;
  readonly line: number;
  readonly title: string;
  readonly message: string;
}

/**
 * GitHub only places an annotation on a file given relative to the repository root. Plans carry
 * paths relative to the working directory, which in a workflow usually IS the workspace but may
 * be a sub-folder (`working-directory:`), so re-root them on GITHUB_WORKSPACE.
 */
export function repositoryPath(file: string, cwd: string, workspace: string | undefined): string {
  const absolute = isAbsolute(file) ? file : resolve(cwd, file);
  const root = workspace && workspace.length > 0 ? workspace : cwd;
  const rel = relative(root, absolute);
  // Outside the workspace: keep what we have; GitHub then shows it unattached, never wrongly attached.
  const chosen = rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  return chosen.split(sep).join('/');
}

function describeAction(action: Action): string {
  switch (action.type) {
    case 'update-profile': {
      const parts: string[] = [];
      if (action.mail) parts.push(`mail ${action.mail.from ?? '(none)'} → ${action.mail.to}`);
      if (action.otherMails) parts.push(`otherMails [${action.otherMails.from.join(', ')}] → [${action.otherMails.to.join(', ')}]`);
      return `update profile: ${parts.length > 0 ? parts.join('; ') : action.reason}`;
    }
    case 'reset-redemption':
      return `reset redemption (${action.reason}): the guest redeems again with ${action.email}, generation ${action.generation}`;
    case 'adopt':
      return `adopt: record baseline generation ${action.generation} for ${action.email}`;
    case 'record-marker':
      return `record marker: generation ${action.generation} for ${action.email} (${action.reason})`;
    case 'invite':
      return `invite ${action.email} (generation ${action.generation})`;
    case 'disable':
    case 'enable':
    case 'update-sponsors':
      return describeLifecycle(action).title;
  }
}

function guestLabel(guest: GuestPlan): string {
  return guest.upn ?? guest.key;
}

/** One annotation per guest that the plan changes (notice) or cannot change (error). */
export function planAnnotations(plan: Plan, cwd: string, workspace: string | undefined): PlanAnnotation[] {
  const out: PlanAnnotation[] = [];
  for (const guest of plan.guests) {
    const file = repositoryPath(guest.file, cwd, workspace);
    if (guest.blocked) {
      out.push({
        level: 'error',
        file,
        line: guest.line,
        title: `guestops: ${guestLabel(guest)} is blocked (${guest.blocked.code})`,
        message: guest.blocked.reason,
      });
    } else if (guest.actions.length > 0) {
      out.push({
        level: 'notice',
        file,
        line: guest.line,
        title: `guestops: ${guestLabel(guest)} will change`,
        message: guest.actions.map(describeAction).join('\n'),
      });
    }
  }
  return out;
}

/**
 * At most `max` annotations per plan, blocked guests (errors) first: a 3,000-guest plan must not
 * bury the pull request under 3,000 notices. The job summary lists every guest; `omitted` says
 * how many annotations were left out, for one closing notice.
 */
export const MAX_ANNOTATIONS = 50;

export function capAnnotations<T extends { readonly level: AnnotationLevel }>(list: readonly T[], max = MAX_ANNOTATIONS): { shown: T[]; omitted: number } {
  const rank = (a: T) => (a.level === 'error' ? 0 : a.level === 'warning' ? 1 : 2);
  const sorted = [...list].sort((a, b) => rank(a) - rank(b));
  return { shown: sorted.slice(0, max), omitted: Math.max(0, sorted.length - max) };
}
