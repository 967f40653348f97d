/**
 * Words for the lifecycle actions (disable, enable, sponsors), shared by the text and markdown
 * renderers. Nothing here escapes: each renderer escapes for its own medium.
 */
import type { DeclaredAt, LifecycleAction, PlanSummary } from '../plan/types.js';

function where(at: DeclaredAt | null): string {
  return at ? ` (${at.file}:${at.line})` : '';
}

export interface LifecycleWords {
  readonly symbol: '-' | '+' | '~';
  readonly title: string;
  readonly details: readonly string[];
}

export function describeLifecycle(a: LifecycleAction): LifecycleWords {
  switch (a.type) {
    case 'disable':
      return {
        symbol: '-',
        title: `disable account: ${a.reason}${where(a.declaredAt)}`,
        details: ['accountEnabled true -> false; the guest can no longer sign in; nothing is deleted'],
      };
    case 'enable':
      return {
        symbol: '+',
        title: `enable account: ${a.reason}${where(a.declaredAt)}`,
        details: [`accountEnabled false -> true${a.disabledSince ? `; guestops disabled it on ${a.disabledSince}` : ''}`],
      };
    case 'update-sponsors':
      return {
        symbol: '~',
        title: `update sponsors: ${a.reason}${where(a.declaredAt)}`,
        details: [...a.add.map((s) => `+ sponsor ${s.ref}${s.ref.toLowerCase() === s.id.toLowerCase() ? '' : ` (${s.id})`}`), ...a.remove.map((id) => `- sponsor ${id}`)],
      };
  }
}

/** Short phrase for tables, e.g. "disable (expired 2026-06-30)". */
export function lifecyclePhrase(a: LifecycleAction): string {
  switch (a.type) {
    case 'disable':
      return a.why === 'expired' ? `disable (expired ${a.expires})` : 'disable (declared)';
    case 'enable':
      return 'enable';
    case 'update-sponsors':
      return `sponsors +${a.add.length} -${a.remove.length}`;
  }
}

/** ", 1 to disable, 2 sponsor updates" — empty when the plan changes no lifecycle. */
export function lifecycleCounts(s: PlanSummary): string {
  const parts: string[] = [];
  if (s.disables) parts.push(`${s.disables} to disable`);
  if (s.enables) parts.push(`${s.enables} to enable`);
  if (s.sponsorUpdates) parts.push(`${s.sponsorUpdates} sponsor update${s.sponsorUpdates === 1 ? '' : 's'}`);
  return parts.length ? `, ${parts.join(', ')}` : '';
}
