/**
 * Just before apply's first write to a guest, the user is read again and the inputs the plan
 * decided on are compared with what that read shows. The plan may be minutes old (a reviewer at
 * a terminal types `yes` later; a large apply reaches its last guest long after it read the
 * tenant), and another writer — the portal, a script, an admin — may have changed the guest
 * meanwhile. guestops' own runs cannot (unless run with --no-lock): the apply lock keeps them out
 * while this one runs.
 *
 * A difference is never re-decided on the spot: the plan's rules need the whole observed tenant
 * (who else holds an address, who holds a role), which one read does not give. The guest fails
 * `guest-changed-since-plan` with nothing written, and the next run plans it afresh. Under
 * eventual consistency the fresh read may also come from a replica older than the one the plan
 * read: a difference either way means the guest is changing, and is treated the same, on the
 * safe side.
 */
import { GuestopsError } from '../errors.js';
import type { ExecutionContext } from './guest-executor.js';
import type { StepRecorder } from './step-recorder.js';
import type { ObservedUser } from '../plan/observed.js';
import { getUser, userFrom } from '../graph/users.js';

/** The properties a plan rule reads, as compared (otherMails as a case-insensitive set). */
function differences(planned: ObservedUser, now: ObservedUser | null): string[] {
  if (!now) return ['the user is gone'];
  const out: string[] = [];
  const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? null)?.toLowerCase() === (b ?? null)?.toLowerCase();
  if (!same(planned.mail, now.mail)) out.push('mail');
  const set = (xs: readonly string[]) => [...new Set(xs.map((x) => x.toLowerCase()))].sort().join('\n');
  if (set(planned.otherMails) !== set(now.otherMails)) out.push('otherMails');
  if (planned.marker !== now.marker) out.push("guestops' marker");
  if (planned.externalUserState !== now.externalUserState) out.push('externalUserState');
  if (planned.externalUserStateChangeDateTime !== now.externalUserStateChangeDateTime) out.push('externalUserStateChangeDateTime');
  if (planned.userType !== now.userType) out.push('userType');
  if (planned.accountEnabled !== undefined && now.accountEnabled !== undefined && planned.accountEnabled !== now.accountEnabled) out.push('accountEnabled');
  return out;
}

/** Throws `guest-changed-since-plan` when the user no longer shows what the plan decided on. */
export async function checkUnchangedSincePlan(ctx: ExecutionContext, rec: StepRecorder, id: string, planned: ObservedUser): Promise<void> {
  const r = await getUser(ctx.graph, id, ctx.marker);
  const now = userFrom(r, ctx.marker);
  const changed = differences(planned, now);
  rec.response('re-read', r, changed.length === 0, changed.length ? `changed since the plan: ${changed.join(', ')}` : undefined);
  if (changed.length) {
    throw new GuestopsError(
      'guest-changed-since-plan',
      `user ${id} changed since the plan read it (${changed.join(', ')}); nothing was written to it — run plan again and apply what it shows`,
    );
  }
}
