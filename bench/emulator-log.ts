/**
 * Reads the emulator's request log through its control plane (`GET /_emulator/requests`), the
 * same record the tests trust: every benchmark request count comes from the server's side.
 */

export interface LoggedRequest {
  readonly seq: number;
  readonly time: string;
  readonly method: string;
  readonly path: string;
  /** Raw query string, without the leading `?`. */
  readonly query?: string;
  readonly status: number;
  readonly requestBody?: unknown;
  readonly batch?: { readonly parentSeq: number; readonly id: string };
}

export async function requestLog(emulatorUrl: string): Promise<LoggedRequest[]> {
  const r = await fetch(`${emulatorUrl}/_emulator/requests`);
  if (!r.ok) throw new Error(`emulator request log: HTTP ${r.status}`);
  return ((await r.json()) as { requests: LoggedRequest[] }).requests;
}

/** Forgets the log so the next phase counts from zero. */
export async function resetLog(emulatorUrl: string): Promise<void> {
  const r = await fetch(`${emulatorUrl}/_emulator/reset-log`, { method: 'POST' });
  if (!r.ok) throw new Error(`emulator reset-log: HTTP ${r.status}`);
}

/** Requests on the wire: a `$batch` counts once, its inner requests not at all. */
export function topLevel(log: readonly LoggedRequest[]): LoggedRequest[] {
  return log.filter((e) => e.batch === undefined);
}

/**
 * Graph operations: requests outside `$batch` plus inner requests — what Graph's throttling
 * counts, and the same in every run of a plan, where the `$batch` envelopes can differ by one or
 * two (the lookups sent as partitions finish, src/graph/early-lookups.ts).
 */
export function operations(log: readonly LoggedRequest[]): number {
  return log.filter((e) => e.batch !== undefined || !e.path.endsWith('/$batch')).length;
}

/** Every request that Graph's throttling refused (top-level or inside a batch). */
export function throttled(log: readonly LoggedRequest[]): number {
  return log.filter((e) => e.status === 429).length;
}

/** Writes in the log (PATCH/DELETE and POSTs other than $batch and read-only actions). */
export function writes(log: readonly LoggedRequest[]): LoggedRequest[] {
  return log.filter((e) => e.method === 'PATCH' || e.method === 'DELETE' || (e.method === 'POST' && !/\/\$batch$|getAvailableExtensionProperties$/.test(e.path)));
}

/**
 * Redemption resets per user id: only answers Graph accepted (2xx) count — a 429 was refused
 * before acting. More than one for a user means a guest was reset twice.
 */
export function resetsPerUser(log: readonly LoggedRequest[]): Map<string, number> {
  const per = new Map<string, number>();
  for (const e of log) {
    if (e.method !== 'POST' || !/\/invitations$/i.test(e.path) || e.status < 200 || e.status > 299) continue;
    const body = e.requestBody as { invitedUser?: { id?: unknown }; resetRedemption?: unknown } | undefined;
    const id = typeof body?.invitedUser?.id === 'string' ? body.invitedUser.id.toLowerCase() : undefined;
    if (body?.resetRedemption !== true || id === undefined) continue;
    per.set(id, (per.get(id) ?? 0) + 1);
  }
  return per;
}
