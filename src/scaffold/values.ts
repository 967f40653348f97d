/**
 * The options init and upgrade share: which action commit the workflows use, and the ids the
 * README's setup steps fill in. Ids are checked here so a typo fails before any file is written.
 */
import { GuestopsError } from '../errors.js';
import { actionUses, resolveActionRef, type ActionRef } from './action-ref.js';
import { releaseInfo } from './release.js';
import type { ScaffoldValues } from './files.js';

export const SCAFFOLD_OPTIONS = {
  'tenant-id': { type: 'string' },
  'plan-client-id': { type: 'string' },
  'apply-client-id': { type: 'string' },
  repo: { type: 'string' },
  'action-ref': { type: 'string' },
} as const;

export interface ScaffoldFlags {
  readonly 'tenant-id'?: string | undefined;
  readonly 'plan-client-id'?: string | undefined;
  readonly 'apply-client-id'?: string | undefined;
  readonly repo?: string | undefined;
  readonly 'action-ref'?: string | undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function guid(flag: string, raw: string | undefined, placeholder: string): string {
  if (raw === undefined) return placeholder;
  if (!GUID.test(raw)) throw new GuestopsError('usage', `--${flag} must be a GUID (an id from the Entra admin center), got '${raw}'`);
  return raw.toLowerCase();
}

export function scaffoldValues(flags: ScaffoldFlags): { values: ScaffoldValues; ref: ActionRef } {
  const release = releaseInfo();
  const ref = resolveActionRef(flags['action-ref'], release);
  const repo = flags.repo;
  if (repo !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(repo)) {
    throw new GuestopsError('usage', `--repo must be OWNER/REPO (the guests repository on GitHub), got '${repo}'`);
  }
  return {
    ref,
    values: {
      actionUses: actionUses(ref),
      version: release.version,
      repository: repo ?? 'OWNER/REPO',
      tenantId: guid('tenant-id', flags['tenant-id'], '<tenant id>'),
      planClientId: guid('plan-client-id', flags['plan-client-id'], '<guestops-plan client id>'),
      applyClientId: guid('apply-client-id', flags['apply-client-id'], '<guestops-apply client id>'),
    },
  };
}
