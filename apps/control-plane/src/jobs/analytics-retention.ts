/**
 * Scheduled clean-up of the analytics tables the analytics worker fills: raw events
 * (analytics_event: errors, throttled and sampled requests) are kept for days, the rollups (analytics_minute and
 * analytics_hour, what the summary's counts and percentiles come from) for months. It runs every
 * hour and once at start (scheduled-job.ts). The ids of merged gateway batches (analytics_batch)
 * go after a week.
 */
import type { PrismaClient } from '@apim/db';
import type { Logger } from '@apim/service';
import { hourlyJob, type ScheduledJob } from './scheduled-job.js';

export const RETENTION_QUEUE = 'analytics-retention';
/** days the ids of merged gateway batches are kept (a batch delivered again within them adds nothing) */
const BATCH_ID_DAYS = 7;
/** rows deleted per statement, so that no statement holds its locks for long */
const BATCH = 10_000;

export interface RetentionPolicy {
  /** days raw events are kept; 0: for ever */
  eventDays: number;
  /** days per-minute and hourly rollups are kept; 0: for ever */
  rollupDays: number;
}

/** Deletes what the policy no longer keeps; returns how many rows went. */
export async function pruneAnalytics(
  prisma: PrismaClient,
  policy: RetentionPolicy,
  now = new Date(),
): Promise<{ events: number; rollups: number }> {
  const before = (days: number) => new Date(now.getTime() - days * 86_400_000);
  const inBatches = async (deleteBatch: () => Promise<number>) => {
    for (let total = 0; ;) {
      const n = await deleteBatch();
      total += n;
      if (n < BATCH) return total;
    }
  };
  const events =
    policy.eventDays > 0
      ? await inBatches(
          () => prisma.$executeRaw`
            DELETE FROM analytics_event WHERE id IN (
              SELECT id FROM analytics_event
              WHERE request_timestamp < ${before(policy.eventDays)}::timestamptz LIMIT ${BATCH})`,
        )
      : 0;
  let rollups = 0;
  if (policy.rollupDays > 0)
    for (const table of ['analytics_minute', 'analytics_hour'] as const) {
      const time = table === 'analytics_minute' ? 'minute' : 'hour';
      // the names are constants; the cut-off is a parameter
      rollups += await inBatches(() =>
        prisma.$executeRawUnsafe(
          `DELETE FROM ${table} WHERE ctid IN (
             SELECT ctid FROM ${table} WHERE ${time} < $1::timestamptz LIMIT ${BATCH})`,
          before(policy.rollupDays),
        ),
      );
    }
  // a gateway re-sends a batch only soon after it was taken (its answer lost): ids kept for days
  await prisma.$executeRaw`DELETE FROM analytics_batch WHERE applied_at < ${before(BATCH_ID_DAYS)}::timestamptz`;
  return { events, rollups };
}

/** The hourly pruning; none when the policy keeps everything. */
export function analyticsRetentionJob(
  prisma: PrismaClient,
  policy: RetentionPolicy,
  log: Logger,
): ScheduledJob | null {
  if (policy.eventDays === 0 && policy.rollupDays === 0) return null;
  return hourlyJob(RETENTION_QUEUE, 'prune-analytics', async () => {
    const pruned = await pruneAnalytics(prisma, policy);
    if (pruned.events || pruned.rollups) log.info(pruned, 'old analytics deleted');
    return pruned;
  });
}
