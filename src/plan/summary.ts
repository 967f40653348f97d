/** The counts a reviewer reads first. */
import type { GuestPlan, PlanSummary } from './types.js';

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
  for (const g of guests) {
    if (g.blocked !== undefined) {
      blocked++;
      continue;
    }
    for (const a of g.actions) {
      if (a.type === 'reset-redemption') resets++;
      else if (a.type === 'update-profile') profileUpdates++;
      else if (a.type === 'invite') invites++;
    }
    if (g.actions.length > 0 && g.actions.every((a) => a.type === 'record-marker')) markerRecords++;
    if (g.actions.some((a) => a.type === 'adopt' || (a.type === 'reset-redemption' && a.reason === 'adopted-with-new-email'))) adoptions++;
  }
  return { resets, profileUpdates, adoptions, invites, markerRecords, blocked, unchanged: declared - guests.length };
}
