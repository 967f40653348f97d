/** The counts a reviewer reads first. */
import type { Action, GuestPlan, PlanSummary } from './types.js';

/** A guest seen for the first time: adopted, whether or not it is also reset. One definition for
 * the plan's count and apply's, so "60 to adopt" is followed by "60 adoption(s)". */
export function isAdoption(actions: readonly Action[]): boolean {
  return actions.some((a) => a.type === 'adopt' || (a.type === 'reset-redemption' && a.reason === 'adopted-with-new-email'));
}

/**
 * @param declared how many guests the desired state declares (unchanged = declared − listed).
 * A guest seen for the first time counts as an adoption whether or not it is also reset.
 */
export function summarize(guests: readonly GuestPlan[], declared: number): PlanSummary {
  let adoptions = 0;
  let resets = 0;
  let profileUpdates = 0;
  let invites = 0;
  let markerRecords = 0;
  let blocked = 0;
  const lifecycle = { disables: 0, enables: 0, sponsorUpdates: 0 };
  for (const g of guests) {
    if (g.blocked !== undefined) {
      blocked++;
      continue;
    }
    for (const a of g.actions) {
      if (a.type === 'reset-redemption') resets++;
      else if (a.type === 'update-profile') profileUpdates++;
      else if (a.type === 'invite') invites++;
      else if (a.type === 'disable') lifecycle.disables++;
      else if (a.type === 'enable') lifecycle.enables++;
      else if (a.type === 'update-sponsors') lifecycle.sponsorUpdates++;
    }
    if (g.actions.length > 0 && g.actions.every((a) => a.type === 'record-marker')) markerRecords++;
    if (isAdoption(g.actions)) adoptions++;
  }
  const extra = Object.fromEntries(Object.entries(lifecycle).filter(([, n]) => n > 0));
  return { resets, profileUpdates, adoptions, invites, markerRecords, blocked, unchanged: declared - guests.length, ...extra };
}
