/**
 * The apply report: every step of every guest with Graph's request-id, timing and outcome, so an
 * operator (or Microsoft support) can trace exactly what was sent. Written as JSON by `--report`,
 * summarised as markdown for the Actions job summary. Never holds a token or a header.
 */
import type { ActionType, GuestPlan } from '../plan/types.js';
import { codeSpan } from '../render/markdown-escape.js';
import { escapeUntrusted } from '../render/untrusted.js';

export type StepName =
  | 're-read'
  | 'update-profile'
  | 'write-intent'
  | 'verify-intent'
  | 'reset-redemption'
  | 'read-back'
  | 'write-marker'
  | 'clear-intent'
  | 'invite'
  | 'add-sponsor'
  | 'remove-sponsor';

export interface StepReport {
  readonly step: StepName;
  readonly method: string;
  readonly path: string;
  /** HTTP status, null when no response arrived. */
  readonly status: number | null;
  readonly requestId: string | null;
  readonly startedAt: string;
  readonly ms: number;
  readonly attempts: number;
  readonly outcome: 'ok' | 'failed' | 'unknown';
  readonly detail?: string;
}

/** `not-started`: apply was interrupted before this guest's first step; nothing was sent for it. */
export type GuestOutcome = 'applied' | 'failed' | 'blocked' | 'not-started';

/** A planned guest as it came out: its identity from the plan, then what happened. */
export interface GuestReport extends Pick<GuestPlan, 'key' | 'id' | 'upn' | 'email' | 'file' | 'line' | 'blocked'> {
  readonly actions: readonly ActionType[];
  /** Seen by guestops for the first time (counted as an adoption, as the plan counts it). */
  readonly adoption?: true;
  /** The object id of the user this apply invited (the `id:` to declare for the guest). */
  readonly invitedId?: string;
  readonly outcome: GuestOutcome;
  readonly error?: { readonly code: string; readonly message: string };
  readonly steps: readonly StepReport[];
  readonly ms: number;
}

export interface ApplySummary {
  readonly guests: number;
  readonly applied: number;
  readonly failed: number;
  readonly blocked: number;
  readonly notStarted: number;
  readonly resets: number;
  readonly profileUpdates: number;
  readonly adoptions: number;
  readonly invites: number;
  readonly markerRecords: number;
  readonly unchanged: number;
}

export interface ApplyReport {
  readonly formatVersion: 1;
  readonly runId: string;
  readonly commit: string | null;
  readonly graphUrl: string;
  readonly markerProperty: string;
  readonly caller: 'app' | 'delegated';
  readonly desiredDigest: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly summary: ApplySummary;
  readonly guests: readonly GuestReport[];
}

/** Whether a guest's profile PATCH (mail/otherMails) reached the tenant, even if a later step failed. */
export function profileWritten(g: GuestReport): boolean {
  return g.steps.some((st) => st.step === 'update-profile' && st.outcome === 'ok');
}

/**
 * Counts what was actually done, in the plan's vocabulary: a failed guest's actions are not
 * counted, except a profile update that went through before the failure — the tenant has it.
 */
export function summarizeApply(guests: readonly GuestReport[], unchanged: number): ApplySummary {
  const done = (t: ActionType) =>
    guests.filter((g) => g.outcome === 'applied' && g.actions.includes(t)).length;
  return {
    guests: guests.length,
    applied: guests.filter((g) => g.outcome === 'applied').length,
    failed: guests.filter((g) => g.outcome === 'failed').length,
    blocked: guests.filter((g) => g.outcome === 'blocked').length,
    notStarted: guests.filter((g) => g.outcome === 'not-started').length,
    resets: done('reset-redemption'),
    profileUpdates: guests.filter((g) => g.actions.includes('update-profile') && (g.outcome === 'applied' || (g.outcome === 'failed' && profileWritten(g)))).length,
    adoptions: guests.filter((g) => g.outcome === 'applied' && g.adoption === true).length,
    invites: done('invite'),
    markerRecords: done('record-marker'),
    unchanged,
  };
}

/** The report of a guest an interrupted apply never started. */
export function notStarted(gp: GuestPlan): GuestReport {
  return {
    key: gp.key, id: gp.id, upn: gp.upn, email: gp.email, file: gp.file, line: gp.line,
    actions: gp.actions.map((a) => a.type), outcome: 'not-started', steps: [], ms: 0,
  };
}

/**
 * After the summary: the `id:` to add for each email-only guest this apply invited, so the YAML
 * names the user before anyone edits its email.
 */
export function idsToDeclareLines(guests: readonly GuestReport[]): string[] {
  return guests
    .filter((g) => g.invitedId !== undefined)
    .map((g) => `Declare the new guest: add \`id: ${g.invitedId}\` to the guest at ${escapeUntrusted(g.file)}:${g.line} (${escapeUntrusted(g.email)}), invited as that user by this apply.`);
}

/** One stderr line per finished guest. UPN, file, reason and Graph's error text are tenant/YAML text: escaped. */
export function progressLine(g: GuestReport, index: number, total: number): string {
  const what = g.actions.length ? g.actions.join(', ') : 'nothing';
  const who = escapeUntrusted(g.upn ?? g.key);
  const tail =
    g.outcome === 'applied'
      ? `done (${what}) in ${g.ms} ms`
      : g.outcome === 'blocked'
        ? `blocked ${g.blocked?.code}: ${escapeUntrusted(g.blocked?.reason ?? '')}`
        : `FAILED ${escapeUntrusted(g.error?.code ?? '')}: ${escapeUntrusted(g.error?.message ?? '')}${profileWritten(g) ? '; its profile update (mail/otherMails) was already written: the tenant shows the declared values, a re-run finishes the rest' : ''}`;
  return `guestops apply: [${index}/${total}] ${who} (${escapeUntrusted(g.file)}:${g.line}) ${tail}`;
}

/** The job summary of an apply, with the plan's markdown escaping for everything from the tenant or YAML. */
export function renderApplyMarkdown(r: ApplyReport): string {
  const s = r.summary;
  const lines = [
    `## guestops apply`,
    '',
    `Run ${codeSpan(r.runId)}${r.commit ? ` at commit ${codeSpan(r.commit)}` : ''}: ${s.applied} applied, ${s.failed} failed, ${s.blocked} blocked, ${s.unchanged} unchanged${s.notStarted ? `, ${s.notStarted} not started (interrupted)` : ''}.`,
    '',
    '| resets | profile updates | adoptions | invites | markers recorded | failed | blocked |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    `| ${s.resets} | ${s.profileUpdates} | ${s.adoptions} | ${s.invites} | ${s.markerRecords} | ${s.failed} | ${s.blocked} |`,
  ];
  if (r.guests.length > 0) {
    lines.push('', '| guest | file | outcome | actions | detail |', '|---|---|---|---|---|');
    for (const g of r.guests) {
      const detail =
        g.outcome === 'blocked' ? `${g.blocked?.code}: ${g.blocked?.reason}`
        : g.outcome === 'failed' ? `${g.error?.code}: ${g.error?.message}`
        : g.invitedId !== undefined ? `invited as user ${g.invitedId}: add id: ${g.invitedId} to this guest`
        : '';
      lines.push(
        `| ${codeSpan(g.upn ?? g.key, true)} | ${codeSpan(`${g.file}:${g.line}`, true)} | ${g.outcome} | ${g.actions.join(', ')} | ${detail === '' ? '' : codeSpan(detail, true)} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
