/**
 * Who the existing guests/ tree already declares, by object id, user principal name and email,
 * with the declaration's file:line: import refuses to declare a guest twice (the loader would
 * refuse the tree, and two declarations of one user fight over it).
 */
import type { DesiredState, SourceLocation } from '../desired/types.js';
import type { TenantGuest } from './tenant-guest.js';

export interface DeclaredIndex {
  readonly byId: ReadonlyMap<string, SourceLocation>;
  readonly byUpn: ReadonlyMap<string, SourceLocation>;
  readonly byEmail: ReadonlyMap<string, SourceLocation>;
}

export const EMPTY_INDEX: DeclaredIndex = { byId: new Map(), byUpn: new Map(), byEmail: new Map() };

export function indexDeclared(state: DesiredState): DeclaredIndex {
  const byId = new Map<string, SourceLocation>();
  const byUpn = new Map<string, SourceLocation>();
  const byEmail = new Map<string, SourceLocation>();
  for (const g of state.guests) {
    if (g.id !== undefined) byId.set(g.id.toLowerCase(), g.source);
    if (g.upn !== undefined) byUpn.set(g.upn.toLowerCase(), g.source);
    byEmail.set(g.email.trim().toLowerCase(), g.source);
  }
  return { byId, byUpn, byEmail };
}

export interface Declaration {
  readonly location: SourceLocation;
  /** What matched: the guest itself (id/upn) or only its address (another declaration uses it). */
  readonly by: 'id' | 'upn' | 'email';
}

/** The declaration this tenant guest collides with, if any (id first: the strongest identity). */
export function findDeclaration(index: DeclaredIndex, g: TenantGuest): Declaration | undefined {
  const id = index.byId.get(g.id.toLowerCase());
  if (id) return { location: id, by: 'id' };
  const upn = g.upn ? index.byUpn.get(g.upn.toLowerCase()) : undefined;
  if (upn) return { location: upn, by: 'upn' };
  const email = g.mail ? index.byEmail.get(g.mail.trim().toLowerCase()) : undefined;
  if (email) return { location: email, by: 'email' };
  return undefined;
}
