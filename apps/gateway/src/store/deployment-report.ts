import { GATEWAY_HEARTBEAT_MS, type GatewayApi } from '@apim/contracts';
import type { PrismaClient, TransactionClient } from '@apim/db';
import type { Logger } from '@apim/service';

/** What this node does with the revision of an API it was given. */
export interface DeploymentOutcome {
  revisionId: string;
  state: 'ACCEPTED' | 'REFUSED';
  reason: string | null;
}

export interface GatewayNodeIdentity {
  gatewayId: string;
  environment: string;
}

/** Changes are written this long after the first of them, so a snapshot's APIs go in one statement. */
const BATCH_MS = 50;
/** A node not seen for this long is gone for good (crashed, its machine replaced): its rows go too. */
const FORGET_AFTER_SECONDS = 3600;
/** A write never waits long for a connection nor holds one long: the next heartbeat retries. */
const TRANSACTION = { maxWait: 2000, timeout: 10_000 };

/**
 * Tells the control plane which revision of each API this node serves, or refused and why
 * (gateway_deployment_status), and that the node is running (gateway_node.last_seen_at, every
 * GATEWAY_HEARTBEAT_MS). Nothing here is on a request's path: deployments only record their
 * outcome in memory, and a timer writes what changed since the last write in one transaction, one
 * multi-row statement whatever the number of APIs. When the database is away the outcomes wait in
 * memory and the next heartbeat writes them all again (rows may have gone meanwhile).
 */
export class DeploymentReport {
  private readonly outcomes = new Map<string, DeploymentOutcome>();
  private readonly changed = new Set<string>();
  /** the next write replaces every row of this node: at start (a previous run's rows) and after a failure */
  private resync = true;
  private writing: Promise<void> | null = null;
  private again = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private batch: NodeJS.Timeout | null = null;
  private failingSince: number | null = null;
  private closed = false;
  private readonly startedAt = new Date();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly node: GatewayNodeIdentity,
    private readonly logger: Logger,
  ) {}

  accepted(api: GatewayApi): void {
    this.record(api.id, { revisionId: api.revisionId, state: 'ACCEPTED', reason: null });
  }

  refused(api: GatewayApi, reason: string): void {
    this.record(api.id, { revisionId: api.revisionId, state: 'REFUSED', reason });
  }

  removed(apiId: string): void {
    if (this.outcomes.delete(apiId)) this.changed.add(apiId);
    this.schedule();
  }

  /** Registers the node now and keeps its heartbeat (the timer never keeps the process alive). */
  start(): void {
    this.heartbeat = setInterval(() => this.write(), GATEWAY_HEARTBEAT_MS);
    this.heartbeat.unref();
    this.write();
  }

  /** Writes what is pending, then removes the node and (by cascade) its rows: it serves nothing now. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.batch) clearTimeout(this.batch);
    await this.writing;
    try {
      await this.prisma.$transaction(
        (tx) => tx.gatewayNode.deleteMany({ where: { id: this.node.gatewayId } }),
        TRANSACTION,
      );
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'could not remove this gateway node from the database');
    }
  }

  private record(apiId: string, outcome: DeploymentOutcome): void {
    const known = this.outcomes.get(apiId);
    if (
      known?.revisionId === outcome.revisionId &&
      known.state === outcome.state &&
      known.reason === outcome.reason
    )
      return;
    this.outcomes.set(apiId, outcome);
    this.changed.add(apiId);
    this.schedule();
  }

  private schedule(): void {
    if (!this.heartbeat || this.batch || this.changed.size === 0) return;
    this.batch = setTimeout(() => {
      this.batch = null;
      this.write();
    }, BATCH_MS);
    this.batch.unref();
  }

  /** Starts a write now, or once more right after the one in progress. */
  private write(): void {
    if (this.closed) return;
    if (this.writing) {
      this.again = true;
      return;
    }
    this.writing = this.writeOnce().finally(() => {
      this.writing = null;
      if (this.again) {
        this.again = false;
        this.write();
      }
    });
  }

  private async writeOnce(): Promise<void> {
    const resync = this.resync;
    const changed = [...this.changed];
    this.resync = false;
    this.changed.clear();
    try {
      await this.prisma.$transaction(async (tx) => {
        // A node row made now rather than updated: whatever rows it had went with it (removed by
        // hand, or by a node of the same name closing), so all of them are written again.
        const made = await this.touchNode(tx, resync);
        if (resync || made) {
          const all = [...this.outcomes.keys()];
          await this.deleteRowsExcept(tx, all);
          await this.upsertRows(tx, all);
          return;
        }
        const gone = changed.filter((id) => !this.outcomes.has(id));
        if (gone.length) await this.deleteRows(tx, gone);
        await this.upsertRows(tx, changed);
      }, TRANSACTION);
    } catch (e) {
      // what this write carried goes with the next one, together with whatever changes meanwhile
      this.resync = true;
      if (this.failingSince === null) {
        this.failingSince = Date.now();
        this.logger.warn(
          { err: (e as Error).message },
          'cannot report deployments to the database; serving on and retrying every heartbeat',
        );
      }
      return;
    }
    if (this.failingSince !== null) {
      this.logger.info({ outageMs: Date.now() - this.failingSince }, 'reporting deployments again');
      this.failingSince = null;
    }
  }

  /** The heartbeat, true when it made the node's row; on registration it also forgets nodes long gone. */
  private async touchNode(tx: TransactionClient, registering: boolean): Promise<boolean> {
    const { gatewayId, environment } = this.node;
    // xmax is 0 in a row version an INSERT made, and set in one ON CONFLICT DO UPDATE made
    const [row] = await tx.$queryRaw<Array<{ made: boolean }>>`
      INSERT INTO gateway_node AS n (id, environment, started_at, last_seen_at)
      VALUES (${gatewayId}, ${environment}, ${this.startedAt}, now())
      ON CONFLICT (id) DO UPDATE
        SET environment = EXCLUDED.environment, started_at = EXCLUDED.started_at, last_seen_at = now()
      RETURNING n.xmax = 0 AS made`;
    if (registering)
      await tx.$executeRaw`
        DELETE FROM gateway_node
         WHERE last_seen_at < now() - make_interval(secs => ${FORGET_AFTER_SECONDS})`;
    return row?.made ?? false;
  }

  private async deleteRowsExcept(tx: TransactionClient, apiIds: string[]): Promise<void> {
    await tx.$executeRaw`
      DELETE FROM gateway_deployment_status
       WHERE gateway_id = ${this.node.gatewayId} AND NOT (api_id = ANY(${apiIds}::uuid[]))`;
  }

  private async deleteRows(tx: TransactionClient, apiIds: string[]): Promise<void> {
    await tx.$executeRaw`
      DELETE FROM gateway_deployment_status
       WHERE gateway_id = ${this.node.gatewayId} AND api_id = ANY(${apiIds}::uuid[])`;
  }

  /**
   * Writes the outcomes of these APIs (those it has: the others are removed) in one statement
   * whatever their number; a row that says the same already is left as it is.
   */
  private async upsertRows(tx: TransactionClient, apiIds: string[]): Promise<void> {
    const rows = apiIds.flatMap((apiId) => {
      const o = this.outcomes.get(apiId);
      return o ? [{ apiId, ...o }] : [];
    });
    if (!rows.length) return;
    await tx.$executeRaw`
      INSERT INTO gateway_deployment_status AS s (gateway_id, api_id, revision_id, state, reason, updated_at)
      SELECT ${this.node.gatewayId}, r.api_id, r.revision_id, r.state, r.reason, now()
        FROM unnest(${rows.map((r) => r.apiId)}::uuid[], ${rows.map((r) => r.revisionId)}::uuid[],
                    ${rows.map((r) => r.state)}::text[], ${rows.map((r) => r.reason)}::text[])
             AS r(api_id, revision_id, state, reason)
      ON CONFLICT (gateway_id, api_id) DO UPDATE
        SET revision_id = EXCLUDED.revision_id, state = EXCLUDED.state, reason = EXCLUDED.reason,
            updated_at = EXCLUDED.updated_at
      WHERE (s.revision_id, s.state, s.reason) IS DISTINCT FROM
            (EXCLUDED.revision_id, EXCLUDED.state, EXCLUDED.reason)`;
  }
}
