/**
 * Keeps the in-memory lookups exact: LISTENs for the NOTIFYs that database triggers raise when a
 * table the lookups read from changes (whoever changed it: the control plane, another key manager
 * instance), and drops what was read from it. While the connection is down nobody would hear a
 * change, so caching is off until it is back (and starts empty).
 */
import pg from 'pg';
import type { Logger } from '@apim/service';
import type { Lookups } from './lookups.js';

/** Raised by the triggers of the key_manager_lookup_notify migration, with the table's name. */
export const LOOKUPS_CHANNEL = 'apim_key_manager_lookups';

export interface LookupListenerOptions {
  /** a connection that does not answer a query within this time is taken for lost */
  heartbeatMs?: number;
  /** delays between reconnection attempts grow up to this */
  maxRetryMs?: number;
}

export class LookupListener {
  private client: pg.Client | undefined;
  private readonly finished = new WeakSet<pg.Client>();
  private closed = false;
  private retryMs = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly heartbeatMs: number;
  private readonly maxRetryMs: number;

  constructor(
    private readonly databaseUrl: string,
    private readonly lookups: Lookups,
    private readonly logger: Logger,
    options: LookupListenerOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 5000;
    this.maxRetryMs = options.maxRetryMs ?? 5000;
  }

  /** True while changes are heard (and lookups cached). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Connects now; if that fails, caching stays off and connecting goes on in the background. */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'apim-key-manager-lookups',
      keepAlive: true,
    });
    client.on('notification', (n) => this.lookups.changed(n.payload ?? ''));
    client.on('error', (e) => this.lost(client, e));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${LOOKUPS_CHANNEL}`);
    } catch (e) {
      this.lost(client, e as Error);
      return;
    }
    if (this.closed) {
      this.finished.add(client);
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = 0;
    this.lookups.setEnabled(true);
    this.heartbeat = setInterval(() => this.beat(client), this.heartbeatMs);
    this.heartbeat.unref();
    this.logger.info('lookup cache on: listening for changes of clients, applications, users and scopes');
  }

  /** Detects a connection that died without closing (no FIN from a lost peer). */
  private beat(client: pg.Client): void {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer to the heartbeat')), this.heartbeatMs);
    });
    Promise.race([client.query('SELECT 1'), timeout])
      .catch((e: unknown) => this.lost(client, e as Error))
      .finally(() => clearTimeout(timer));
  }

  private lost(client: pg.Client, err?: Error): void {
    // 'error' and 'end' both come for one loss
    if (this.finished.has(client)) return;
    this.finished.add(client);
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    const wasListening = this.client === client;
    if (wasListening) {
      this.client = undefined;
      clearInterval(this.heartbeat);
      this.lookups.setEnabled(false);
    }
    if (this.closed) return;
    if (wasListening || this.retryMs === 0)
      this.logger.warn(
        { err: err?.message ?? 'connection closed' },
        'lookup cache off: lost the database connection that hears changes; reading from the database until it is back',
      );
    this.retryMs = Math.min(Math.max(this.retryMs * 2, 100), this.maxRetryMs);
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    this.lookups.setEnabled(false);
    if (client) {
      this.finished.add(client);
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
