import { Queue } from 'bullmq';
import { Redis as IORedis, type Redis } from 'ioredis';
import {
  ANALYTICS_QUEUE,
  AnalyticsBatchBuilder,
  type AnalyticsBatch,
  type AnalyticsEvent,
} from '@apim/contracts';
import type { Logger } from '@apim/service';

export interface AnalyticsPublisherOptions {
  prefix: string;
  /** records per batch */
  batchSize: number;
  /** longest a record waits before its batch is handed over */
  flushMs: number;
  /** records kept while the queue cannot take them; beyond this the oldest batches are dropped */
  bufferRecords: number;
  logger: Logger;
  onDropped: (records: number) => void;
}

/**
 * The Redis connection the publisher needs: commands fail at once while Redis is away (no offline
 * queue), so that batches wait in the publisher's own bounded buffer, not in ioredis'.
 */
export function analyticsQueueConnection(redisUrl: string): Redis {
  const redis = new IORedis(redisUrl, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: false,
    lazyConnect: true,
  });
  redis.on('error', () => undefined);
  void redis.connect().catch(() => undefined);
  return redis;
}

/**
 * Buffers one record per request in memory and ships them to the BullMQ analytics queue in batches
 * (when a batch is full, or every flush interval). A request never waits for it. While Redis is
 * away batches wait, up to `bufferRecords` records, and go out in order when it is back.
 */
export class AnalyticsPublisher {
  private readonly builder = new AnalyticsBatchBuilder();
  private pending: AnalyticsBatch[] = [];
  private pendingRecords = 0;
  private readonly queue: Queue<AnalyticsBatch>;
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;
  /** records dropped since the queue became unavailable (null while it is available) */
  private outage: { since: number; dropped: number } | null = null;

  constructor(
    connection: Redis,
    private readonly o: AnalyticsPublisherOptions,
  ) {
    this.queue = new Queue<AnalyticsBatch>(ANALYTICS_QUEUE, { connection, prefix: o.prefix });
    this.queue.on('error', () => undefined);
    this.timer = setInterval(() => void this.flush(), o.flushMs);
    this.timer.unref();
  }

  record(e: AnalyticsEvent): void {
    this.builder.add(e);
    if (this.builder.count >= this.o.batchSize) void this.flush();
  }

  /** records waiting for the queue */
  get buffered(): number {
    return this.pendingRecords + this.builder.count;
  }

  flush(): Promise<void> {
    if (this.builder.count > 0) {
      const batch = this.builder.take();
      this.pending.push(batch);
      this.pendingRecords += batch.count;
    }
    // the batch being handed over (pending[0] while flushing) is never the one dropped
    const oldest = this.flushing ? 1 : 0;
    while (this.pendingRecords > this.o.bufferRecords && this.pending.length > oldest) {
      const dropped = this.pending.splice(oldest, 1)[0]!.count;
      this.pendingRecords -= dropped;
      if (this.outage) this.outage.dropped += dropped;
      this.o.onDropped(dropped);
    }
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
          this.pendingRecords -= batch.count;
        } catch (e) {
          // once per outage, not once per flush
          if (!this.outage) {
            this.outage = { since: Date.now(), dropped: 0 };
            this.o.logger.warn(
              { err: (e as Error).message, bufferRecords: this.o.bufferRecords },
              'analytics queue unavailable: keeping events in memory until it is back',
            );
          }
          return;
        }
      }
      if (this.outage) {
        this.o.logger.info(
          { outageMs: Date.now() - this.outage.since, droppedRecords: this.outage.dropped },
          'analytics queue back: buffered events sent',
        );
        this.outage = null;
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
