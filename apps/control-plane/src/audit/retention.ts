/**
 * Retention of the audit log (APIM_AUDIT_RETENTION_DAYS): entries older than that are deleted,
 * in batches so that no statement holds its locks for long. It runs every hour and once at
 * start (scheduled-job.ts), like the analytics retention.
 */
import type { PrismaClient } from '@apim/db';
import type { Logger } from '@apim/service';
import { hourlyJob, type ScheduledJob } from '../jobs/scheduled-job.js';

export const AUDIT_RETENTION_QUEUE = 'audit-retention';
const BATCH = 10_000;

/** Deletes the entries older than `retentionDays`; returns how many went. */
export async function pruneAuditLog(prisma: PrismaClient, retentionDays: number, now = new Date()) {
  const cutOff = new Date(now.getTime() - retentionDays * 86_400_000);
  let deleted = 0;
  for (;;) {
    const n = await prisma.$executeRaw`
      DELETE FROM audit_log WHERE id IN (
        SELECT id FROM audit_log WHERE at < ${cutOff}::timestamptz ORDER BY id LIMIT ${BATCH})`;
    deleted += n;
    if (n < BATCH) return deleted;
  }
}

/** The hourly pruning; none when `retentionDays` is 0 (every entry kept). */
export function auditRetentionJob(
  prisma: PrismaClient,
  retentionDays: number,
  log: Logger,
): ScheduledJob | null {
  if (retentionDays === 0) return null;
  return hourlyJob(AUDIT_RETENTION_QUEUE, 'prune-audit-log', async () => {
    const deleted = await pruneAuditLog(prisma, retentionDays);
    if (deleted) log.info({ deleted }, 'old audit log entries deleted');
    return { deleted };
  });
}
