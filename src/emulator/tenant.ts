/**
 * The emulated tenant: users with the indexes Graph lookups need (id, userPrincipalName, mail),
 * app registrations and their directory extensions, directory role assignments, and the
 * invitation messages "sent". Users live in an append-only array so a position is a stable
 * paging cursor: listing 50,000 users page by page costs O(n) in total, never O(n) per page.
 */
import { randomUUID } from 'node:crypto';
import { LaggedCollection, Replication, type Clock, type ConsistencySettings } from './replication.js';
import { extensionFullName, type Seed, type SeedToken } from './seed.js';
import { withUserDefaults } from './user-defaults.js';

export type UserData = Record<string, unknown> & { id: string; userPrincipalName: string };

export interface UserRecord {
  /** Position in the tenant's user array: the paging cursor. */
  readonly pos: number;
  data: UserData;
}

export interface ExtensionProperty {
  readonly id: string;
  readonly name: string;
  readonly dataType: string;
  readonly targetObjects: readonly string[];
  readonly appDisplayName: string;
  readonly appObjectId: string;
}

/** An application's properties that writes change (and replication lags, replication.ts). */
export interface ApplicationProps extends Record<string, unknown> {
  displayName: string;
  /** Client-provided alternate key (application-upsert.md); unique, immutable. */
  uniqueName: string | null;
  description: string | null;
  notes: string | null;
  /** Set when soft-deleted: the object is in deleted items (directory-deleteditems-delete.md). */
  deletedDateTime: string | null;
}

export interface Application {
  readonly id: string;
  readonly appId: string;
  readonly createdDateTime: string;
  readonly extensionProperties: ExtensionProperty[];
  readonly props: ApplicationProps;
  /**
   * App ids of the service principals that own it: an app-only caller that creates an
   * application becomes its owner (what Application.ReadWrite.OwnedBy then reaches).
   */
  readonly ownerAppIds: readonly string[];
}

export interface RoleAssignment {
  readonly id: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
}

/** An invitation email the real service would have sent (`sendInvitationMessage: true`). */
export interface InvitationMessage {
  readonly invitationId: string;
  readonly userId: string;
  readonly to: string;
  readonly cc: readonly string[];
  readonly body: string | null;
  readonly language: string;
  readonly inviteRedeemUrl: string;
  readonly inviteRedirectUrl: string;
  readonly resetRedemption: boolean;
  readonly time: string;
}

function lower(s: string): string {
  return s.toLowerCase();
}

export class Tenant {
  readonly tenantId: string;
  readonly tenantDomain: string;
  readonly users: UserRecord[] = [];
  private readonly byId = new Map<string, UserRecord>();
  private readonly byUpn = new Map<string, UserRecord>();
  private readonly byMail = new Map<string, UserRecord[]>();
  /**
   * First character of the lower-cased userPrincipalName → users, ordered by position. Serves
   * `startswith(userPrincipalName,'…')` (guestops' partitioned listing) without scanning every
   * user once per partition page: at 100,000 users the scan cost the emulator most of the bench.
   */
  private readonly byUpnFirst = new Map<string, UserRecord[]>();
  /** Lower-cased otherMails value → users carrying it (invitation conflicts, directory-rules.ts). */
  private readonly byOtherMail = new Map<string, Set<UserRecord>>();
  /** Every application, soft-deleted ones included (until removed from deleted items). */
  readonly applications: Application[] = [];
  private readonly appsByUniqueName = new Map<string, Application>();
  /** Lower-cased full extension name → definition. */
  readonly extensions = new Map<string, ExtensionProperty>();
  readonly roleAssignments: RoleAssignment[] = [];
  private readonly rolesByPrincipal = new Map<string, RoleAssignment[]>();
  readonly messages: InvitationMessage[] = [];
  readonly tokens: ReadonlyMap<string, SeedToken>;
  /** Whether the tenant has a Microsoft Entra ID P1 licence (signInActivity needs it). */
  readonly entraIdP1: boolean;
  /** Last externalUserStateChangeDateTime handed out, in ms: change times only move forward. */
  private lastChangeMs = 0;
  /** Replication lag settings and the stale-read count (replication.ts). */
  readonly replication: Replication;
  private readonly userLag: LaggedCollection<UserRecord>;
  private readonly appLag: LaggedCollection<Application>;

  constructor(seed: Seed, settings: ConsistencySettings, clock?: Clock) {
    this.replication = new Replication(settings, clock);
    this.userLag = new LaggedCollection<UserRecord>(this.replication, (r) => r.data);
    this.appLag = new LaggedCollection<Application>(this.replication, (a) => a.props);
    this.tenantId = seed.tenantId;
    this.tenantDomain = seed.tenantDomain ?? inferDomain(seed) ?? 'contoso.onmicrosoft.com';
    this.tokens = new Map(Object.entries(seed.tokens));
    this.entraIdP1 = seed.entraIdP1 === true;
    for (const a of seed.applications ?? []) {
      const app = this.addApplication({
        id: a.id,
        appId: a.appId,
        createdDateTime: '2026-01-01T00:00:00Z',
        extensionProperties: [],
        props: { displayName: a.displayName, uniqueName: a.uniqueName ?? null, description: null, notes: null, deletedDateTime: null },
        ownerAppIds: [],
      });
      for (const ep of a.extensionProperties ?? []) {
        this.addExtension(app, extensionFullName(a.appId, ep.name), ep.dataType, ep.targetObjects, ep.id);
      }
    }
    // The seed is already this emulator's own copy (parsed from a file, or cloned by resolveSeed).
    for (const u of seed.users) this.addUser(withUserDefaults(u as UserData));
    for (const r of seed.roleAssignments ?? []) {
      this.addRoleAssignment({
        id: r.id ?? randomUUID(),
        principalId: r.principalId,
        roleDefinitionId: r.roleDefinitionId,
        directoryScopeId: r.directoryScopeId ?? '/',
      });
    }
  }

  /** A user the directory creates now (an invitation): readers miss it for the replication lag. */
  createUser(data: UserData): UserRecord {
    const rec = this.addUser(data);
    this.userLag.created(rec);
    return rec;
  }

  /** A user as readers see it now (replication.ts), or undefined while its creation replicates. */
  visibleUser(rec: UserRecord): UserData | undefined {
    return this.userLag.visible(rec) as UserData | undefined;
  }

  /** Users whose lagged view may differ from the truth: add them to index-based candidates. */
  laggingUsers(): UserRecord[] {
    return this.userLag.lagging();
  }

  private addUser(data: UserData): UserRecord {
    const rec: UserRecord = { pos: this.users.length, data };
    this.users.push(rec);
    this.byId.set(lower(data.id), rec);
    this.byUpn.set(lower(data.userPrincipalName), rec);
    this.indexUpnFirst(rec, true);
    this.indexMail(rec);
    this.indexOtherMails(rec, true);
    return rec;
  }

  private indexOtherMails(rec: UserRecord, add: boolean): void {
    const values = rec.data['otherMails'];
    if (!Array.isArray(values)) return;
    for (const v of values) {
      if (typeof v !== 'string') continue;
      const key = lower(v);
      const set = this.byOtherMail.get(key);
      if (add) {
        if (set) set.add(rec);
        else this.byOtherMail.set(key, new Set([rec]));
      } else if (set) {
        set.delete(rec);
        if (set.size === 0) this.byOtherMail.delete(key);
      }
    }
  }

  private indexMail(rec: UserRecord): void {
    const mail = rec.data['mail'];
    if (typeof mail !== 'string') return;
    const key = lower(mail);
    const list = this.byMail.get(key);
    if (list) {
      list.push(rec);
      list.sort((a, b) => a.pos - b.pos);
    } else this.byMail.set(key, [rec]);
  }

  private unindexMail(rec: UserRecord): void {
    const mail = rec.data['mail'];
    if (typeof mail !== 'string') return;
    const key = lower(mail);
    const list = this.byMail.get(key);
    if (!list) return;
    const rest = list.filter((r) => r !== rec);
    if (rest.length) this.byMail.set(key, rest);
    else this.byMail.delete(key);
  }

  /** Applies property changes to a user, keeping the indexes right; readers see them after the lag. */
  updateUser(rec: UserRecord, changes: Record<string, unknown>): void {
    const mailChanges = 'mail' in changes;
    const upnChanges = 'userPrincipalName' in changes;
    const otherMailsChange = 'otherMails' in changes;
    this.userLag.changing(rec, changes);
    if (otherMailsChange) this.indexOtherMails(rec, false);
    if (mailChanges) this.unindexMail(rec);
    if (upnChanges) {
      this.byUpn.delete(lower(rec.data.userPrincipalName));
      this.indexUpnFirst(rec, false);
    }
    Object.assign(rec.data, changes);
    if (mailChanges) this.indexMail(rec);
    if (otherMailsChange) this.indexOtherMails(rec, true);
    if (upnChanges) {
      this.byUpn.set(lower(rec.data.userPrincipalName), rec);
      this.indexUpnFirst(rec, true);
    }
  }

  private indexUpnFirst(rec: UserRecord, add: boolean): void {
    const key = lower(rec.data.userPrincipalName).charAt(0);
    const list = this.byUpnFirst.get(key) ?? [];
    if (!add) {
      const rest = list.filter((r) => r !== rec);
      if (rest.length) this.byUpnFirst.set(key, rest);
      else this.byUpnFirst.delete(key);
      return;
    }
    // Users are added in position order, so a push keeps the list sorted; a renamed user is not last.
    const last = list[list.length - 1];
    list.push(rec);
    if (last && last.pos > rec.pos) list.sort((a, b) => a.pos - b.pos);
    this.byUpnFirst.set(key, list);
  }

  /**
   * Users whose lower-cased userPrincipalName starts with `prefix`'s lower-cased first character,
   * ordered by position: a superset of `startswith(userPrincipalName, prefix)` (the caller still
   * tests each). Not for an empty prefix, which matches every user: the caller scans instead.
   */
  usersByUpnFirstCharacter(prefix: string): readonly UserRecord[] {
    return this.byUpnFirst.get(lower(prefix).charAt(0)) ?? [];
  }

  userById(id: string): UserRecord | undefined {
    return this.byId.get(lower(id));
  }

  userByUpn(upn: string): UserRecord | undefined {
    return this.byUpn.get(lower(upn));
  }

  /** `/users/{id | userPrincipalName}`: Graph accepts either form. */
  userByKey(key: string): UserRecord | undefined {
    return this.byId.get(lower(key)) ?? this.byUpn.get(lower(key));
  }

  usersByMail(mail: string): readonly UserRecord[] {
    return this.byMail.get(lower(mail)) ?? [];
  }

  /** Users with `address` among their otherMails (case-insensitive). */
  usersByOtherMail(address: string): readonly UserRecord[] {
    return [...(this.byOtherMail.get(lower(address)) ?? [])];
  }

  addExtension(app: Application, fullName: string, dataType: string, targetObjects: readonly string[], id?: string): ExtensionProperty {
    const ep: ExtensionProperty = {
      id: id ?? randomUUID(),
      name: fullName,
      dataType,
      targetObjects: [...targetObjects],
      appDisplayName: app.props.displayName,
      appObjectId: app.id,
    };
    app.extensionProperties.push(ep);
    this.extensions.set(lower(fullName), ep);
    return ep;
  }

  private addApplication(app: Application): Application {
    this.applications.push(app);
    if (app.props.uniqueName !== null) this.appsByUniqueName.set(lower(app.props.uniqueName), app);
    return app;
  }

  /** An application the directory creates now: readers get 404 for it for the replication lag. */
  createApplication(app: Application): Application {
    this.addApplication(app);
    this.appLag.created(app);
    return app;
  }

  /** Changes an application's properties; readers see them after the lag. */
  updateApplication(app: Application, changes: Partial<ApplicationProps>): void {
    this.appLag.changing(app, changes);
    Object.assign(app.props, changes);
  }

  /** The application's properties as readers see them now, or undefined while its creation replicates. */
  visibleApplication(app: Application): ApplicationProps | undefined {
    return this.appLag.visible(app) as ApplicationProps | undefined;
  }

  /**
   * The application (soft-deleted ones included) holding a uniqueName, in the TRUE state: the
   * directory arbitrates uniqueness on its primary copy, never on a lagging replica. Compared
   * case-insensitively (docs silent; stricter than exact-case uniqueness).
   */
  applicationByUniqueName(uniqueName: string): Application | undefined {
    return this.appsByUniqueName.get(lower(uniqueName));
  }

  applicationById(id: string): Application | undefined {
    return this.applications.find((a) => lower(a.id) === lower(id));
  }

  /** Removes an application for good (from deleted items): its uniqueName and extensions are freed. */
  purgeApplication(app: Application): void {
    const i = this.applications.indexOf(app);
    if (i !== -1) this.applications.splice(i, 1);
    if (app.props.uniqueName !== null && this.appsByUniqueName.get(lower(app.props.uniqueName)) === app) {
      this.appsByUniqueName.delete(lower(app.props.uniqueName));
    }
    for (const ep of app.extensionProperties) this.extensions.delete(lower(ep.name));
  }

  get pendingWrites(): number {
    return this.userLag.pendingWrites + this.appLag.pendingWrites;
  }

  addRoleAssignment(r: RoleAssignment): void {
    this.roleAssignments.push(r);
    const key = lower(r.principalId);
    const list = this.rolesByPrincipal.get(key);
    if (list) list.push(r);
    else this.rolesByPrincipal.set(key, [r]);
  }

  roleAssignmentsOf(principalId: string): readonly RoleAssignment[] {
    return this.rolesByPrincipal.get(lower(principalId)) ?? [];
  }

  /**
   * A new externalUserStateChangeDateTime, strictly later than the user's previous one and than
   * any handed out before — even within one millisecond — so a changed value proves a change.
   */
  nextChangeTime(previous: unknown): string {
    let ms = Math.max(Date.now(), this.lastChangeMs + 1);
    if (typeof previous === 'string') {
      const prev = Date.parse(previous);
      if (!Number.isNaN(prev) && prev >= ms) ms = prev + 1;
    }
    this.lastChangeMs = ms;
    return new Date(ms).toISOString();
  }

  /** Users count, for the throttling tier (Graph's identity limits depend on tenant size). */
  get size(): number {
    return this.users.length;
  }
}

function inferDomain(seed: Seed): string | undefined {
  for (const u of seed.users) {
    const upn = u.userPrincipalName;
    const at = upn.lastIndexOf('@');
    if (at > 0 && /\.onmicrosoft\.com$/i.test(upn)) return upn.slice(at + 1);
  }
  return undefined;
}
