/**
 * Whether a managed guest needs a redemption reset: the declaration asks for one when its email is
 * not the one last applied, or its generation went up. A generation going down is refused: it
 * usually means an old revision of the YAML, and guessing would either reset for nothing or hide
 * a reset someone asked for.
 */
import type { Blocked, ResetReason } from './types.js';
import type { Baseline } from './marker-state.js';
import type { PendingIntent } from './marker.js';
import { emailHash } from './marker.js';

export interface DeclaredTarget {
  readonly email: string;
  readonly generation: number;
}

export type ResetDecision =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'reset';
      readonly reason: ResetReason;
      readonly previous: { readonly generation: number; readonly emailChanged: boolean };
    }
  | { readonly kind: 'blocked'; readonly blocked: Blocked };

/**
 * @param interrupted an earlier intent whose reset never happened; when the declaration still asks
 * for exactly that reset, the reason says so (the reviewer sees it is a resumption, not a new one).
 */
export function decideReset(declared: DeclaredTarget, baseline: Baseline, interrupted?: PendingIntent): ResetDecision {
  if (declared.generation < baseline.generation) {
    return {
      kind: 'blocked',
      blocked: {
        code: 'generation-decreased',
        reason: `declared generation ${declared.generation} is lower than the applied generation ${baseline.generation}; generation only goes up`,
      },
    };
  }
  const hash = emailHash(declared.email);
  const emailChanged = hash !== baseline.emailHash;
  const bumped = declared.generation > baseline.generation;
  if (!emailChanged && !bumped) return { kind: 'none' };
  const previous = { generation: baseline.generation, emailChanged };
  if (interrupted !== undefined && interrupted.emailHash === hash && interrupted.generation === declared.generation) {
    return { kind: 'reset', reason: 'interrupted-before-reset', previous };
  }
  return { kind: 'reset', reason: emailChanged ? 'email-changed' : 'generation-bumped', previous };
}
