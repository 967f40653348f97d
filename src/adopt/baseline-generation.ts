/**
 * The `generation` an imported guest is declared with. A guest guestops never managed gets 0 and
 * is adopted by the next apply. A guest that already carries a state marker (managed before, e.g.
 * by an earlier import whose files were lost) must be declared with the marker's generation:
 * a lower one is refused by the planner (generation-decreased), a higher one would reset.
 * Guests whose marker says something import cannot declare without a change are skipped, so an
 * imported tree always plans as "adoptions only".
 */
import { emailHash, parseMarker } from '../plan/marker.js';

export type Baseline =
  | { readonly kind: 'ok'; readonly generation: number; readonly managed: boolean }
  | { readonly kind: 'skip'; readonly why: string };

export function baselineFor(marker: string | null, mail: string): Baseline {
  const parsed = parseMarker(marker);
  if (parsed.kind === 'absent') return { kind: 'ok', generation: 0, managed: false };
  if (parsed.kind === 'unreadable') return { kind: 'skip', why: `its state marker is unreadable (${parsed.reason})` };
  const m = parsed.marker;
  if (m.pending !== undefined) {
    return { kind: 'skip', why: `an apply (run ${m.pending.runId}) left a pending reset intent on it; let that apply finish, then import again` };
  }
  if (m.emailHash !== emailHash(mail)) {
    return { kind: 'skip', why: 'its state marker records another email than its current mail (changed outside guestops): declare it by hand with the email it should redeem with' };
  }
  return { kind: 'ok', generation: m.generation, managed: true };
}
