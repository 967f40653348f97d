/** Settings the planner takes from the environment: the intent lease. */
import { DEFAULT_LEASE_SECONDS } from '../plan/build-plan.js';

export function leaseSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['GUESTOPS_LEASE_SECONDS'];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : DEFAULT_LEASE_SECONDS;
}
