/**
 * Retention of the gateway event log (gateway_event), which every change a gateway must know
 * appends to and nothing else deletes from. Gateways read the log only to catch up from their
 * position (the newest id of their snapshot, or the last event they applied); one that was away
 * longer than the retention finds the events it missed gone and reloads the snapshot
 * (apps/gateway/src/store/sync.ts). That detection is exact only if pruning keeps two rules:
 *
 * - Only a prefix of the log goes: ids below a bound, lowest first, each batch committed on its
 *   own. The log left is contiguous at every moment, so a gateway at position P has missed events
 *   exactly when the oldest id left is above P + 1. The bound is the id of the oldest event still
 *   within the retention (created_at is the writer's transaction start, not in id order, so
 *   "created_at < cut-off" alone could leave holes).
 * - The newest event always stays: an empty log would hide that anything was pruned from a
 *   gateway behind it, and the newest id is the position a snapshot hands a starting gateway.
 *
 * It runs every hour and once at start (scheduled-job.ts).
 */
import type { PrismaClient } from '@apim/db';
import type { Logger } from '@apim/service';
import { hourlyJob, type ScheduledJob } from './scheduled-job.js';

export const GATEWAY_EVENT_RETENTION_QUEUE = 'gateway-event-retention';
/** rows deleted per statement (and transaction), so that a large backlog holds no long locks */
const BATCH = 5_000;

export interface GatewayEventPruning {
  deleted: number;
  /** delete statements run */
  batches: number;
  /** the oldest id left in the log; null when the log is empty */
  oldestKept: bigint | null;
}

/** Deletes the events older than `retentionDays` (never the newest one). */
export async function pruneGatewayEvents(
  prisma: PrismaClient,
  options: { retentionDays: number; batchSize?: number; now?: Date },
): Promise<GatewayEventPruning> {
  const batchSize = options.batchSize ?? BATCH;
  const cutOff = new Date((options.now ?? new Date()).getTime() - options.retentionDays * 86_400_000);
  const [row] = await prisma.$queryRaw<Array<{ bound: string | null }>>`
    SELECT COALESCE(
      (SELECT min(id) FROM gateway_event WHERE created_at >= ${cutOff}::timestamptz),
      (SELECT max(id) FROM gateway_event)
    )::text AS bound`;
  if (row?.bound == null) return { deleted: 0, batches: 0, oldestKept: null };
  const bound = row.bound;
  let deleted = 0;
  let batches = 0;
  for (;;) {
    const n = await prisma.$executeRaw`
      DELETE FROM gateway_event WHERE id IN (
        SELECT id FROM gateway_event WHERE id < ${bound}::bigint ORDER BY id LIMIT ${batchSize})`;
    deleted += n;
    batches += 1;
    if (n < batchSize) break;
  }
  return { deleted, batches, oldestKept: BigInt(bound) };
}

/** The hourly pruning; none when `retentionDays` is 0 (every event kept). */
export function gatewayEventRetentionJob(
  prisma: PrismaClient,
  retentionDays: number,
  log: Logger,
): ScheduledJob | null {
  if (retentionDays === 0) return null;
  return hourlyJob(GATEWAY_EVENT_RETENTION_QUEUE, 'prune-gateway-events', async () => {
    const pruned = await pruneGatewayEvents(prisma, { retentionDays });
    if (pruned.deleted)
      log.info(
        { deleted: pruned.deleted, oldestKept: String(pruned.oldestKept) },
        'old gateway events deleted',
      );
    // job results are stored as JSON: no bigint
    return { deleted: pruned.deleted, oldestKept: String(pruned.oldestKept) };
  });
}
