/**
 * What the control plane (control.ts) reads and drives: the tenant, the request log, the fault
 * table, the latency model and the throttling count. The HTTP server implements it; control.ts depends on this
 * interface only, so the two modules do not import each other.
 */
import type { FaultTable } from './faults.js';
import type { LatencySettable } from './latency.js';
import type { RequestLog } from './request-log.js';
import type { Tenant } from './tenant.js';

export interface ControlTarget extends LatencySettable {
  readonly tenant: Tenant;
  readonly log: RequestLog;
  readonly faults: FaultTable;
  /** Requests answered 429 by the throttling model so far. */
  readonly throttledCount: number;
}
