/** Records each Graph call of one guest as a report step, successes and failures alike. */
import type { GraphResponse } from '../graph/client.js';
import { GraphError, GraphUnreachableError } from '../graph/graph-error.js';
import type { StepName, StepReport } from './report.js';

export class StepRecorder {
  readonly steps: StepReport[] = [];

  /** Records a response (any status) as a step; `ok` decides its outcome. */
  response(step: StepName, r: GraphResponse, ok: boolean, detail?: string): void {
    this.steps.push({
      step,
      method: r.method,
      path: r.path,
      status: r.status,
      requestId: r.requestId,
      startedAt: r.startedAt,
      ms: r.ms,
      attempts: r.attempts,
      outcome: ok ? 'ok' : 'failed',
      ...(detail !== undefined ? { detail } : {}),
    });
  }

  /** Records a call that threw (Graph error status, or no response at all). */
  error(step: StepName, e: unknown, startedAt: Date, fallback: { method: string; path: string }): void {
    const ms = Date.now() - startedAt.getTime();
    if (e instanceof GraphError) {
      this.steps.push({
        step, method: e.method, path: e.path, status: e.status, requestId: e.requestId,
        startedAt: startedAt.toISOString(), ms, attempts: 0, outcome: 'failed', detail: e.message,
      });
    } else {
      const unknown = e instanceof GraphUnreachableError;
      this.steps.push({
        step, method: fallback.method, path: fallback.path, status: null, requestId: null,
        startedAt: startedAt.toISOString(), ms, attempts: 0, outcome: unknown ? 'unknown' : 'failed',
        detail: e instanceof Error ? e.message : String(e),
      });
    }
  }

  /** Runs a call that throws on non-2xx, recording either way. */
  async run<T extends GraphResponse>(step: StepName, fallback: { method: string; path: string }, fn: () => Promise<T>): Promise<T> {
    const t0 = new Date();
    try {
      const r = await fn();
      this.response(step, r, true);
      return r;
    } catch (e) {
      this.error(step, e, t0, fallback);
      throw e;
    }
  }
}
