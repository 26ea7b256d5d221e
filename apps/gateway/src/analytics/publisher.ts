import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  ANALYTICS_QUEUE,
  AnalyticsBatchBuilder,
  type AnalyticsBatch,
  type AnalyticsEvent,
} from '@apim/contracts';
import type { Logger } from '@apim/service';

/** Batches kept while the queue cannot take them; beyond this the oldest are dropped and counted. */
const MAX_PENDING_BATCHES = 20;

/**
 * Buffers one record per request in memory and ships them to the BullMQ analytics queue in batches
 * (when a batch is full, or every flush interval). A request never waits for it.
 */
export class AnalyticsPublisher {
  private readonly builder = new AnalyticsBatchBuilder();
  private pending: AnalyticsBatch[] = [];
  private readonly queue: Queue<AnalyticsBatch>;
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;

  constructor(
    connection: Redis,
    prefix: string,
    private readonly batchSize: number,
    flushMs: number,
    private readonly logger: Logger,
    private readonly onDropped: (n: number) => void,
  ) {
    this.queue = new Queue<AnalyticsBatch>(ANALYTICS_QUEUE, { connection, prefix });
    this.queue.on('error', () => undefined);
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  record(e: AnalyticsEvent): void {
    this.builder.add(e);
    if (this.builder.count >= this.batchSize) void this.flush();
  }

  flush(): Promise<void> {
    if (this.builder.count > 0) this.pending.push(this.builder.take());
    while (this.pending.length > MAX_PENDING_BATCHES) this.onDropped(this.pending.shift()!.count);
    if (this.flushing || this.pending.length === 0) return this.flushing ?? Promise.resolve();
    this.flushing = (async () => {
      while (this.pending.length > 0) {
        const batch = this.pending[0]!;
        try {
          await this.queue.add('batch', batch, {
            attempts: 5,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: 1000,
            removeOnFail: 1000,
          });
          this.pending.shift();
        } catch (e) {
          this.logger.warn(
            { err: (e as Error).message, records: batch.count },
            'analytics queue unavailable; will retry',
          );
          break;
        }
      }
    })().finally(() => (this.flushing = null));
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
    await this.queue.close().catch(() => undefined);
  }
}
