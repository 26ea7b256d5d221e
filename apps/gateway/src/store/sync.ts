import { GATEWAY_EVENTS_CHANNEL, type GatewayEvent } from '@apim/contracts';
import type { PrismaClient } from '@apim/db';
import { loadGatewaySnapshot } from '@apim/gateway-model';
import type { Logger } from '@apim/service';
import pg from 'pg';
import { readEventLogPage } from './event-log.js';
import type { GatewayState } from './state.js';

const PAGE_SIZE = 1000;
/** Reading the log this often also proves the connection is alive (a cut TCP path sends no error). */
const POLL_MS = 1000;
const QUERY_TIMEOUT_MS = 3000;
const MAX_BACKOFF_MS = 5000;

export interface SyncStatus {
  connected: boolean;
  lastEventId: bigint;
  /** events known to exist in the log but not applied yet */
  behind: number;
}

export interface FollowerOptions {
  /** events read per query (default 1000) */
  pageSize?: number;
  /** called, and awaited, after each page of events is applied and before the next is read */
  onApplied?: (events: number) => void | Promise<void>;
}

/**
 * Keeps a GatewayState equal to the database: a snapshot at start, then every event of the log in
 * id order (LISTEN for promptness, a read of "events after the last applied id" for correctness).
 * When Postgres goes away the state stays as it is and the gateway serves from it; on reconnect the
 * follower catches up from the log, or reloads a snapshot if the events it missed were pruned.
 */
export class EventLogFollower {
  private client: pg.Client | null = null;
  private closed = false;
  private running: Promise<void> | null = null;
  private again = false;
  private backoffMs = 250;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private needSnapshot = false;
  private lastKnownMaxId = 0n;
  private readonly pageSize: number;
  private readonly onApplied: (events: number) => void | Promise<void>;

  constructor(
    private readonly databaseUrl: string,
    private readonly prisma: PrismaClient,
    private readonly state: GatewayState,
    private readonly logger: Logger,
    options: FollowerOptions = {},
  ) {
    this.pageSize = options.pageSize ?? PAGE_SIZE;
    this.onApplied = options.onApplied ?? (() => undefined);
  }

  status(): SyncStatus {
    const behind =
      this.lastKnownMaxId > this.state.lastEventId ? this.lastKnownMaxId - this.state.lastEventId : 0n;
    return { connected: this.client !== null, lastEventId: this.state.lastEventId, behind: Number(behind) };
  }

  /** Loads the snapshot and starts following; rejects if the database cannot be reached now. */
  async start(): Promise<void> {
    const started = Date.now();
    this.state.load(await loadGatewaySnapshot(this.prisma, this.state.environment));
    this.logger.info(
      { apis: this.state.apis.size, lastEventId: String(this.state.lastEventId), ms: Date.now() - started },
      'snapshot loaded',
    );
    await this.connect();
    this.pollTimer = setInterval(() => this.poll(), POLL_MS);
    this.pollTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.running?.catch(() => undefined);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      keepAlive: true,
      query_timeout: QUERY_TIMEOUT_MS,
      connectionTimeoutMillis: QUERY_TIMEOUT_MS,
      application_name: 'apim-gateway',
    });
    client.on('notification', () => this.poll());
    client.on('error', (e) => this.lost(client, e));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    await client.query(`LISTEN ${GATEWAY_EVENTS_CHANNEL}`);
    this.client = client;
    this.backoffMs = 250;
    await this.catchUp();
  }

  private lost(client: pg.Client, e: Error): void {
    if (this.client !== client) return;
    this.client = null;
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn(
      { err: e.message },
      'lost the database connection; serving from memory and reconnecting',
    );
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().then(
        () =>
          this.logger.info({ lastEventId: String(this.state.lastEventId) }, 'database connection restored'),
        () => {
          this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
          this.scheduleReconnect();
        },
      );
    }, this.backoffMs);
    this.reconnectTimer.unref();
  }

  /** Runs catchUp now, or once more right after the one in progress. */
  private poll(): void {
    if (this.closed || !this.client) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.catchUp();
  }

  private catchUp(): Promise<void> {
    this.running = this.catchUpLoop()
      .catch((e: unknown) => {
        const c = this.client;
        if (c) this.lost(c, e as Error);
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.poll();
        }
      });
    return this.running;
  }

  /**
   * Applies the log from our position on. Every page is read together with the log's bounds
   * (readEventLogPage), so a prune at any moment, before the first page or between two, is seen by
   * the next read and answered with a snapshot instead of a skip.
   */
  private async catchUpLoop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    for (;;) {
      if (this.needSnapshot) await this.reloadSnapshot();
      const page = await readEventLogPage(client, this.state.lastEventId, this.pageSize);
      this.lastKnownMaxId = page.newest ?? 0n;
      if (page.missed) {
        // stays set until a snapshot has loaded, also across a lost connection
        this.needSnapshot = true;
        continue;
      }
      for (const e of page.events) {
        try {
          this.state.apply(e as unknown as GatewayEvent);
        } catch (err) {
          // A malformed event must not stop the gateway; the next snapshot load corrects the state.
          this.logger.error({ err, eventId: String(e.id), type: e.type }, 'could not apply a gateway event');
          this.state.lastEventId = e.id;
        }
      }
      if (page.events.length > 0) await this.onApplied(page.events.length);
      if (page.events.length < this.pageSize) break;
    }
  }

  /** The events after our position were pruned from the log: only a snapshot is exact now. */
  private async reloadSnapshot(): Promise<void> {
    this.state.load(await loadGatewaySnapshot(this.prisma, this.state.environment));
    this.needSnapshot = false;
    this.logger.warn(
      { lastEventId: String(this.state.lastEventId) },
      'missed pruned events; reloaded the snapshot',
    );
  }
}
