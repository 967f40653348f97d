/**
 * The baseline guestops is measured against: what a hand-written per-guest script does. For every
 * declared guest it reads the user (`GET /users/{id}`), then reads the guest's state
 * (`GET /users/{id}?$select=...` — externalUserState, otherMails and the state property come back
 * only when selected), with a modest number of requests in flight, through the same Graph SDK
 * guestops uses, with the SDK's default middleware (its RetryHandler honours 429 Retry-After).
 */
import { Client, HTTPMessageHandler, RedirectHandler, RetryHandler, TelemetryHandler } from '@microsoft/microsoft-graph-client';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { DesiredGuest } from '../src/desired/types.js';

export const BASELINE_CONCURRENCY = 8;

export interface BaselineResult {
  readonly wallMs: number;
  readonly found: number;
  readonly notFound: number;
}

export async function runPerGuestBaseline(
  graphUrl: string,
  token: string,
  guests: readonly Pick<DesiredGuest, 'id' | 'upn'>[],
  markerProperty: string,
  concurrency = BASELINE_CONCURRENCY,
): Promise<BaselineResult> {
  const client = Client.initWithMiddleware({
    baseUrl: graphUrl,
    middleware: [new LoopbackBearer(token), new RetryHandler(), new RedirectHandler(), new TelemetryHandler(), new HTTPMessageHandler()],
  });
  const state = ['id', 'mail', 'otherMails', 'userType', 'externalUserState', 'externalUserStateChangeDateTime', markerProperty];
  let found = 0;
  let notFound = 0;
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < guests.length) {
      const g = guests[next++]!;
      const key = encodeURIComponent((g.id ?? g.upn)!);
      try {
        await client.api(`/users/${key}`).get();
        await client.api(`/users/${key}`).select(state).get();
        found++;
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 404) notFound++;
        else throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, guests.length) }, worker));
  return { wallMs: performance.now() - t0, found, notFound };
}

/** Sets `Authorization: Bearer` on every request (the emulator's static test token). */
class LoopbackBearer implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly token: string) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const options = (context.options ??= {});
    options.headers = { ...((options.headers as Record<string, string> | undefined) ?? {}), Authorization: `Bearer ${this.token}` };
    await this.next!.execute(context);
  }
}
