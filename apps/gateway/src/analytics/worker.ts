import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { ANALYTICS_QUEUE } from '@apim/contracts';
import pg from 'pg';
import type { Logger } from '@apim/service';
import type { AnalyticsBatch } from './publisher.js';
import { storeAnalyticsBatch } from './store.js';

/**
 * Consumes the analytics queue: each batch becomes raw analytics_event rows and analytics_minute
 * rollups. Any number of these may run (BullMQ hands each batch to one of them); a failed batch is
 * retried by BullMQ with back-off.
 */
export function startAnalyticsWorker(options: {
  redisUrl: string;
  prefix: string;
  databaseUrl: string;
  logger: Logger;
}) {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  pool.on('error', () => undefined);
  // BullMQ workers block on Redis and must retry forever, unlike the rate-limit connection.
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const worker = new Worker<AnalyticsBatch>(
    ANALYTICS_QUEUE,
    async (job) => storeAnalyticsBatch(pool, job.data.records),
    { connection, prefix: options.prefix, concurrency: 2 },
  );
  worker.on('failed', (job, err) =>
    options.logger.warn({ jobId: job?.id, err: err.message }, 'analytics batch not stored; will retry'),
  );
  worker.on('error', () => undefined);
  return {
    async close(): Promise<void> {
      await worker.close();
      connection.disconnect();
      await pool.end();
    },
  };
}
