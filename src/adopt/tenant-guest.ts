/**
 * A guest as import and snapshot read it from the tenant: the few properties a guest file
 * declares, plus the raw state marker (when the tenant has a marker property at all).
 */
import type { MarkerProperty } from '../graph/marker-property.js';

export interface TenantGuest {
  readonly id: string;
  readonly upn: string;
  readonly mail: string | null;
  readonly otherMails: readonly string[];
  /** The raw marker string, or null (none, or no marker property in the tenant yet). */
  readonly marker: string | null;
}

/** What import asks Graph for: nothing more than a guest file declares (plus the marker). */
export function importSelect(marker: MarkerProperty | null): string[] {
  // userType too: import keeps only guests whatever its filter let through.
  return ['id', 'userPrincipalName', 'mail', 'otherMails', 'userType', ...(marker ? [marker.select] : [])];
}

export function toTenantGuest(raw: Record<string, unknown>, marker: MarkerProperty | null): TenantGuest {
  const mail = raw['mail'];
  const other = Array.isArray(raw['otherMails']) ? (raw['otherMails'] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  return {
    id: String(raw['id']).toLowerCase(),
    upn: typeof raw['userPrincipalName'] === 'string' ? raw['userPrincipalName'] : '',
    mail: typeof mail === 'string' && mail.trim() !== '' ? mail : null,
    otherMails: other,
    marker: marker ? marker.read(raw) : null,
  };
}
