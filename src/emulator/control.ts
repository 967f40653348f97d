/**
 * The test control plane, outside `/v1.0` and without auth (like LocalStack's `/_localstack`):
 * - `GET /_emulator/state`: users (all properties), markers, role assignments, applications,
 *   invitation messages "sent", throttling count, fault rules;
 * - `GET /_emulator/requests[?since=SEQ]`: the ordered request log;
 * - `POST /_emulator/reset-log`: forget the log (sequence numbers keep growing);
 * - `POST /_emulator/faults` (a rule or an array of rules), `DELETE /_emulator/faults`;
 * - `GET|PUT|DELETE /_emulator/latency`: the latency model (latency.ts);
 * - `POST /_emulator/redeem/{id}`: the guest redeems its invitation (externalUserState Accepted);
 * - `GET /_emulator/settings`: `{replicationLagMs, changeTimeRule}` (replication.ts);
 *   `POST /_emulator/settings` with any of those fields changes them and answers the new settings.
 *   Lowering the lag makes writes older than the new lag visible at once.
 * `state` always shows the TRUE state (what every replica converges to), never a lagged view; its
 * `staleReads` counts the objects reads saw in a lagging state, `pendingWrites` the writes not yet
 * visible to readers.
 */
import { GuestopsError } from '../errors.js';
import { validateFaultRule, type FaultRule } from './faults.js';
import type { ControlTarget } from './control-target.js';
import { checkConsistencySettings, type ConsistencySettings } from './replication.js';
import type { RequestLogEntry } from './request-log.js';
import { latencyControl } from './latency.js';
import type { InvitationMessage, RoleAssignment, UserData } from './tenant.js';

export interface EmulatorStateView {
  readonly tenantId: string;
  readonly tenantDomain: string;
  readonly users: UserData[];
  /**
   * Per user id, every state-marker candidate set on the user: directory extension values
   * (`extension_*`) and `onPremisesExtensionAttributes.extensionAttributeN`, keyed by that name.
   */
  readonly markers: Record<string, Record<string, unknown>>;
  readonly roleAssignments: RoleAssignment[];
  /** Every application in the true state; soft-deleted ones (in deleted items) have deletedDateTime set. */
  readonly applications: {
    id: string; appId: string; displayName: string; uniqueName: string | null; description: string | null; notes: string | null;
    createdDateTime: string; deletedDateTime: string | null; ownerAppIds: string[];
    extensionProperties: { id: string; name: string; dataType: string; targetObjects: string[] }[];
  }[];
  readonly messages: InvitationMessage[];
  /** Requests answered 429 by the throttling model so far. */
  readonly throttled: number;
  readonly faults: { rule: FaultRule; seen: number; fired: number }[];
  /** Objects reads saw in a lagging state (old values, or 404/missing while a creation replicates). */
  readonly staleReads: number;
  /** Writes readers do not see yet. */
  readonly pendingWrites: number;
  readonly settings: ConsistencySettings;
}

interface ControlResponse {
  readonly status: number;
  readonly body?: unknown;
}

function err(status: number, code: string, message: string): ControlResponse {
  return { status, body: { error: { code, message } } };
}

const NOT_JSON: unique symbol = Symbol('not JSON');

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return NOT_JSON;
  }
}

export function stateView(emu: ControlTarget): EmulatorStateView {
  const t = emu.tenant;
  const markers: Record<string, Record<string, unknown>> = {};
  for (const r of t.users) {
    const m: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.data)) if (k.startsWith('extension_') && v !== null && v !== undefined) m[k] = v;
    const opx = r.data['onPremisesExtensionAttributes'] as Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(opx ?? {})) if (v !== null && v !== undefined) m[`onPremisesExtensionAttributes.${k}`] = v;
    if (Object.keys(m).length) markers[r.data.id] = m;
  }
  return {
    tenantId: t.tenantId,
    tenantDomain: t.tenantDomain,
    users: t.users.map((r) => structuredClone(r.data)),
    markers,
    roleAssignments: t.roleAssignments.map((r) => ({ ...r })),
    applications: t.applications.map((a) => ({
      id: a.id,
      appId: a.appId,
      displayName: a.props.displayName,
      uniqueName: a.props.uniqueName,
      description: a.props.description,
      notes: a.props.notes,
      createdDateTime: a.createdDateTime,
      deletedDateTime: a.props.deletedDateTime,
      ownerAppIds: [...a.ownerAppIds],
      extensionProperties: a.extensionProperties.map((e) => ({ id: e.id, name: e.name, dataType: e.dataType, targetObjects: [...e.targetObjects] })),
    })),
    messages: t.messages.map((m) => ({ ...m })),
    throttled: emu.throttledCount,
    faults: emu.faults.list(),
    staleReads: t.replication.staleReads,
    pendingWrites: t.pendingWrites,
    settings: { ...t.replication.settings },
  };
}

export function handleControl(emu: ControlTarget, method: string, path: string, rawQuery: string, body: string): ControlResponse {
  const rest = path.slice('/_emulator'.length);
  const params = new URLSearchParams(rawQuery);
  if (rest === '/state' && method === 'GET') return { status: 200, body: stateView(emu) };
  if (rest === '/requests' && method === 'GET') {
    const since = Number(params.get('since') ?? '0');
    if (!Number.isInteger(since) || since < 0) return err(400, 'bad-since', "'since' must be a non-negative integer");
    const requests: RequestLogEntry[] = emu.log.since(since);
    return { status: 200, body: { requests } };
  }
  if (rest === '/latency') return latencyControl(emu, method, body);
  if (rest === '/reset-log' && method === 'POST') {
    emu.log.clear();
    return { status: 204 };
  }
  if (rest === '/faults') {
    if (method === 'DELETE') {
      emu.faults.clear();
      return { status: 204 };
    }
    if (method === 'GET') return { status: 200, body: { faults: emu.faults.list() } };
    if (method === 'POST') {
      const data = parseJson(body);
      if (data === NOT_JSON) return err(400, 'emulator-fault-invalid', 'fault rule: body is not JSON');
      try {
        const rules = (Array.isArray(data) ? data : [data]).map(validateFaultRule);
        const ids = rules.map((r) => emu.faults.add(r));
        return { status: 201, body: { ids } };
      } catch (e) {
        if (e instanceof GuestopsError) return err(400, e.code, e.message);
        throw e;
      }
    }
  }
  if (rest === '/settings') {
    const settings = emu.tenant.replication.settings;
    if (method === 'GET') return { status: 200, body: { ...settings } };
    if (method === 'POST') {
      const data = parseJson(body);
      if (data === NOT_JSON) return err(400, 'emulator-settings-invalid', 'settings: body is not JSON');
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        return err(400, 'emulator-settings-invalid', 'settings: body must be a JSON object');
      }
      const unknown = Object.keys(data).filter((k) => k !== 'replicationLagMs' && k !== 'changeTimeRule');
      if (unknown.length) return err(400, 'emulator-settings-invalid', `settings: unknown field ${unknown[0]!}`);
      const checked = checkConsistencySettings(data as Record<string, unknown>);
      if ('problem' in checked) return err(400, 'emulator-settings-invalid', `settings.${checked.field}: ${checked.problem}`);
      Object.assign(settings, checked.ok);
      return { status: 200, body: { ...settings } };
    }
  }
  const redeem = /^\/redeem\/([^/]+)$/.exec(rest);
  if (redeem && method === 'POST') {
    const id = decodeURIComponent(redeem[1]!);
    const rec = emu.tenant.userByKey(id);
    if (!rec) return err(404, 'not-found', `no user ${id}`);
    if (rec.data['externalUserState'] !== 'PendingAcceptance') {
      return err(409, 'not-pending', `user ${id} has externalUserState ${String(rec.data['externalUserState'])}, not PendingAcceptance`);
    }
    emu.tenant.updateUser(rec, {
      externalUserState: 'Accepted',
      externalUserStateChangeDateTime: emu.tenant.nextChangeTime(rec.data['externalUserStateChangeDateTime']),
    });
    const d = rec.data;
    return { status: 200, body: { id: d.id, externalUserState: d['externalUserState'], externalUserStateChangeDateTime: d['externalUserStateChangeDateTime'] } };
  }
  return err(404, 'not-found', `no control endpoint ${method} ${path}`);
}
