/**
 * Sends a request that must never take effect twice — `POST /invitations`, a reset or a new
 * invitation — and settles an unclear outcome by looking at the tenant instead of re-sending.
 *
 *   2xx with what we need        → done.
 *   other 4xx                    → Graph refused for sure: `refused` (nothing happened); a 429
 *                                  left after the middleware's retries is `throttled` (refused
 *                                  before acting, too).
 *   500/502/503, or a 2xx body we cannot read
 *                                → Graph answered, so the request is over: read back; if the
 *                                  tenant shows it happened, done; else send again (bounded).
 *   504, timeout, no answer      → the request may still be running inside Graph and land after
 *                                  the read-back: read back; if it does not show, stop without
 *                                  re-sending (the caller's state tells the next run).
 *   answered every time, never done (e.g. a lasting 503)
 *                                → after the last re-send, the tenant showing nothing is proof that
 *                                  it did not happen: `onNotDone` takes back what would hold other
 *                                  runs off (an intent), and the error says so (`notDoneCode`).
 *
 * A read-back checks guestops' own write, so under eventual consistency "it does not show" proves
 * nothing until the replicas caught up: the read-back is re-read inside the consistency window
 * (src/graph/consistency.ts `settle`) and only a read started past it counts as "did not happen".
 */
import { GuestopsError } from '../errors.js';
import { toGraphError, type GraphResponse } from '../graph/client.js';
import { GraphUnreachableError } from '../graph/graph-error.js';
import { settle, type Consistency } from '../graph/consistency.js';
import type { StepName } from './report.js';
import type { StepRecorder } from './step-recorder.js';

export interface SendOnce<B, T> {
  readonly step: StepName;
  readonly rec: StepRecorder;
  readonly consistency: Consistency;
  /** How many times a request Graph answered without doing it is sent again. */
  readonly retries: number;
  send(): Promise<GraphResponse<B>>;
  /** The result when the response proves success, else undefined. */
  accept(r: GraphResponse<B>): T | undefined;
  /** The result when the tenant shows the request took effect, else undefined. */
  readBack(): Promise<T | undefined>;
  /** Called before the refusal is thrown (e.g. to take an intent back). */
  onRefused?(): Promise<void>;
  /**
   * Called when Graph answered every attempt and the tenant shows none took effect; returns what
   * the next run does then (replacing `nextRun`).
   */
  onNotDone?(): Promise<string>;
  /** Stable error codes and what the next run does about it, for the guest's report. */
  readonly refusedCode: string;
  readonly throttledCode: string;
  readonly unknownCode: string;
  readonly notDoneCode: string;
  readonly what: string;
  readonly nextRun: string;
}

export async function sendOnce<B, T>(s: SendOnce<B, T>): Promise<T> {
  const answers: string[] = [];
  for (let attempt = 0; ; attempt++) {
    const t = new Date();
    let unknown: string;
    let mayStillLand: boolean;
    try {
      const r = await s.send();
      const ok = r.status >= 200 && r.status < 300;
      const value = ok ? s.accept(r) : undefined;
      if (value !== undefined) {
        s.rec.response(s.step, r, true);
        return value;
      }
      if (!ok && r.status < 500) {
        s.rec.response(s.step, r, false);
        await s.onRefused?.();
        if (r.status === 429) {
          throw new GuestopsError(s.throttledCode, `${s.what} was throttled by Graph on all ${r.attempts} attempt(s) (${toGraphError(r).message}); nothing happened: run again later, or with a lower --concurrency`);
        }
        throw new GuestopsError(s.refusedCode, toGraphError(r).message);
      }
      s.rec.response(s.step, r, false, 'outcome unknown: reading the tenant back');
      unknown = `HTTP ${r.status}`;
      mayStillLand = r.status === 504;
    } catch (e) {
      if (!(e instanceof GraphUnreachableError)) throw e;
      s.rec.error(s.step, e, t, { method: 'POST', path: '/invitations' });
      unknown = e.message;
      mayStillLand = true;
    }
    // Whatever happened, it happened before now: the window for the read-back starts here.
    const happened = await settle(s.consistency, s.consistency.now(), () => s.readBack(), `the tenant does not show ${s.what} yet, after an unclear answer`);
    if (happened !== undefined) return happened;
    if (mayStillLand) {
      throw new GuestopsError(s.unknownCode, `${s.what} got no answer (${unknown}) and may still be carried out by Graph, so it is not sent again by this run; ${s.nextRun}`);
    }
    answers.push(unknown);
    if (attempt >= s.retries) {
      // Every attempt was answered (no request can still land) and a read past the consistency
      // window shows none took effect: the tenant says it did not happen.
      const next = s.onNotDone ? await s.onNotDone() : s.nextRun;
      throw new GuestopsError(
        s.notDoneCode,
        `${s.what} was answered ${[...new Set(answers)].join(', ')} on all ${answers.length} attempts and the tenant, read back, shows it did not happen; ${next}`,
        { answers },
      );
    }
  }
}
