/**
 * Retention of the audit log (APIM_AUDIT_RETENTION_DAYS): entries older than that are deleted,
 * in batches so that no statement holds its locks for long. It runs every hour and once at
 * start (scheduled-job.ts), like the analytics retention.
 */
import type { ConnectionOptions } from 'bullmq';
import type { PrismaClient } from '@apim/db';
import type { Logger } from '@apim/service';
import { startScheduledJob } from '../jobs/scheduled-job.js';

export const AUDIT_RETENTION_QUEUE = 'audit-retention';
const EVERY_MS = 3_600_000;
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

export async function startAuditRetention(options: {
  prisma: PrismaClient;
  connection: ConnectionOptions;
  prefix: string;
  log: Logger;
  /** 0: keep every entry */
  retentionDays: number;
}): Promise<{ close(): Promise<void> }> {
  const { log, retentionDays } = options;
  if (retentionDays === 0) return { close: async () => undefined };
  return startScheduledJob({
    queue: AUDIT_RETENTION_QUEUE,
    schedulerId: 'prune-audit-log',
    everyMs: EVERY_MS,
    connection: options.connection,
    prefix: options.prefix,
    log,
    async run() {
      const deleted = await pruneAuditLog(options.prisma, retentionDays);
      if (deleted) log.info({ deleted }, 'old audit log entries deleted');
      return { deleted };
    },
  });
}
