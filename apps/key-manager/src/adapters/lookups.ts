/**
 * The database reads of every token request (the client, the application behind its key, roles,
 * scopes), kept in memory. Entries are dropped when a database trigger reports a change of a table
 * they were read from (lookup-listener.ts), and by this instance's own writes at once, so no
 * answer is older than the change plus the NOTIFY's delivery; nothing expires by time alone.
 */
import type { AdapterPayload } from 'oidc-provider';
import type { PrismaClient } from '@apim/db';
import { loadClientPayload } from './prisma-adapter.js';
import { applicationOfClient, type ClientApplication } from '../models/applications.js';
import { LookupCache } from './lookup-cache.js';
import { allScopeNames, rolesOfUser, scopesForRoles } from '../models/roles-and-scopes.js';

/** Tables whose changes the database announces (see the key_manager_lookup_notify migration). */
export type WatchedTable =
  'oauth_client' | 'application' | 'application_key' | 'user_account' | 'user_role' | 'scope';

export class Lookups {
  private readonly clients: LookupCache<AdapterPayload | undefined>;
  private readonly applications: LookupCache<ClientApplication | null>;
  private readonly roles: LookupCache<string[] | null>;
  private readonly scopes: LookupCache<string[]>;
  private readonly readFrom: Record<
    WatchedTable,
    ReadonlyArray<Pick<LookupCache<unknown>, 'clear' | 'setEnabled'>>
  >;

  constructor(
    private readonly prisma: PrismaClient,
    maxEntries: number,
  ) {
    this.clients = new LookupCache(maxEntries);
    this.applications = new LookupCache(maxEntries);
    this.roles = new LookupCache(maxEntries);
    this.scopes = new LookupCache(Math.min(maxEntries, 1000));
    this.readFrom = {
      oauth_client: [this.clients],
      application: [this.applications],
      application_key: [this.applications],
      user_account: [this.applications, this.roles],
      user_role: [this.applications, this.roles],
      scope: [this.scopes],
    };
  }

  private get all(): Array<Pick<LookupCache<unknown>, 'clear' | 'setEnabled'>> {
    return [this.clients, this.applications, this.roles, this.scopes];
  }

  /** oidc-provider's stored metadata of a client (secret as its hash), undefined when unknown. */
  async client(clientId: string): Promise<AdapterPayload | undefined> {
    const found = await this.clients.get(clientId, () => loadClientPayload(this.prisma, clientId));
    // oidc-provider gets its own copy of the shared entry
    return found && { ...found };
  }

  /** The application behind an application key's client; null for a client without one. */
  application(clientId: string): Promise<ClientApplication | null> {
    return this.applications.get(clientId, () => applicationOfClient(this.prisma, clientId));
  }

  /** Roles of an enabled user; null when there is no such enabled user. */
  rolesOfUser(username: string): Promise<string[] | null> {
    return this.roles.get(username, () => rolesOfUser(this.prisma, username));
  }

  scopesForRoles(roles: readonly string[]): Promise<string[]> {
    const key = `roles:${[...new Set(roles)].sort().join(' ')}`;
    return this.scopes.get(key, () => scopesForRoles(this.prisma, roles));
  }

  allScopeNames(): Promise<string[]> {
    return this.scopes.get('all', () => allScopeNames(this.prisma));
  }

  /** A watched table changed; an unknown name drops everything. */
  changed(table: string): void {
    const caches = this.readFrom[table as WatchedTable] ?? this.all;
    for (const c of caches) c.clear();
  }

  /** After a write of this instance: the NOTIFY reaches this instance a little later. */
  clear(): void {
    for (const c of this.all) c.clear();
  }

  /** Caching is on only while changes are being heard (lookup-listener.ts). */
  setEnabled(enabled: boolean): void {
    for (const c of this.all) c.setEnabled(enabled);
  }
}
