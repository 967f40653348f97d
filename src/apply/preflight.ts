/**
 * Checks made before apply writes anything: the reset budget, and — with `--plan` — that the
 * reviewed plan still describes the YAML and the tenant. Each refusal is a GuestopsError with a
 * stable code; nothing has been written when one is thrown.
 */
import { GuestopsError } from '../errors.js';
import type { Plan } from '../plan/types.js';

export { DEFAULT_MAX_RESETS } from '../plan/limits.js';

export function countResets(plan: Plan): number {
  return plan.guests.filter((g) => !g.blocked && g.actions.some((a) => a.type === 'reset-redemption')).length;
}

export function checkMaxResets(plan: Plan, maxResets: number): void {
  const resets = countResets(plan);
  if (resets > maxResets) {
    throw new GuestopsError(
      'max-resets-exceeded',
      `the plan resets ${resets} guests, more than --max-resets ${maxResets}; nothing was written. Review the plan and re-run with --max-resets ${resets} if intended`,
      { resets, maxResets },
    );
  }
}

/**
 * Compares the saved (reviewed) plan with a fresh one computed from live state. Stale when the
 * desired state digest differs, or any guest's observed digest, actions or block differ, or a
 * guest appears/disappears.
 */
export function checkSavedPlan(saved: Plan, fresh: Plan): void {
  if (saved.desiredDigest !== fresh.desiredDigest) {
    throw new GuestopsError(
      'plan-stale-desired',
      'the guests/ files changed since the plan was made (desired-state digest differs); nothing was written. Run plan again and review it',
      { saved: saved.desiredDigest, current: fresh.desiredDigest },
    );
  }
  const shape = (p: Plan) =>
    new Map(
      p.guests.map((g) => [
        g.key.toLowerCase(),
        { digest: g.observedDigest, actions: g.actions.map((a) => a.type).join(','), blocked: g.blocked?.code ?? '' },
      ]),
    );
  const a = shape(saved);
  const b = shape(fresh);
  const changed: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    if (!x || !y || x.digest !== y.digest || x.actions !== y.actions || x.blocked !== y.blocked) changed.push(key);
  }
  if (changed.length > 0) {
    throw new GuestopsError(
      'plan-stale-tenant',
      `the tenant changed since the plan was made for ${changed.length} guest(s): ${changed.slice(0, 10).join(', ')}${changed.length > 10 ? ', ...' : ''}; nothing was written. Run plan again and review it`,
      { guests: changed },
    );
  }
}
