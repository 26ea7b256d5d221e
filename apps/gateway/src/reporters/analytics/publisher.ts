import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import {
  AGGREGATE_JOB,
  ANALYTICS_QUEUE,
  AnalyticsAggregator,
  AnalyticsBatchBuilder,
  type AggregatedRequest,
  type AnalyticsAggregateBatch,
  type AnalyticsEvent,
} from '@apim/contracts';
import { createRedisClient, type Logger, type RedisClient, type RedisConfig } from '@apim/service';

export interface AnalyticsPublisherOptions {
  prefix: string;
  gatewayId: string;
  /** share of successful requests kept as raw events (stated in each batch) */
  sampleRate: number;
  /** raw events that make a batch go out before the flush interval */
  batchSize: number;
  /** longest a request waits before its counts are handed over */
  flushMs: number;
  /** raw events kept while the queue cannot take them; beyond this new ones are dropped */
  bufferRecords: number;
  /** rollup rows kept while the queue cannot take them; beyond this new rows are dropped */
  maxRows: number;
  logger: Logger;
  /** raw events (kind 'events') or requests that needed a new rollup row ('requests') not kept */
  onDropped: (kind: 'events' | 'requests', n: number) => void;
}

/**
 * The Redis connection the publisher needs: commands fail at once while Redis is away (no offline
 * queue), so that batches wait in the publisher's own memory, not in ioredis'.
 */
export function analyticsQueueConnection(redisConfig: RedisConfig): RedisClient {
  const redis = createRedisClient(redisConfig, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: false,
    lazyConnect: true,
  });
  redis.on('error', () => undefined);
  void redis.connect().catch(() => undefined);
  return redis;
}

/**
 * Counts every request into per-minute rollup rows and keeps the raw events it is given, and ships
 * both to the BullMQ analytics queue as one batch per flush interval (sooner when `batchSize` raw
 * events wait). A request never waits for it. A batch keeps its id until the queue took it, so a
 * batch delivered twice is merged once. While Redis is away the batch waits and new requests keep
 * being counted into rows merged by their dimensions: memory grows with distinct rows (a few per
 * API, resource, application and minute), not with requests, and nothing counted is lost.
 */
export class AnalyticsPublisher {
  private aggregator = new AnalyticsAggregator();
  private events = new AnalyticsBatchBuilder();
  /** the batch the queue has not taken yet (it keeps its id until it has) */
  private pending: AnalyticsAggregateBatch | null = null;
  private readonly queue: Queue<AnalyticsAggregateBatch>;
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;
  /** what was dropped since the queue became unavailable (null while it is available) */
  private outage: { since: number; droppedEvents: number; droppedRequests: number } | null = null;

  constructor(
    connection: RedisClient,
    private readonly o: AnalyticsPublisherOptions,
  ) {
    this.queue = new Queue<AnalyticsAggregateBatch>(ANALYTICS_QUEUE, { connection, prefix: o.prefix });
    this.queue.on('error', () => undefined);
    this.timer = setInterval(() => void this.flush(), o.flushMs);
    this.timer.unref();
  }

  /** Counts one request in its rollup row (the caller may reuse `r` afterwards). */
  count(r: AggregatedRequest): void {
    if (this.aggregator.add(r, this.o.maxRows)) return;
    if (this.outage) this.outage.droppedRequests++;
    this.o.onDropped('requests', 1);
  }

  /** Keeps one raw event (an error, a throttled request, a sampled success). */
  keep(e: AnalyticsEvent): void {
    if (this.events.count >= this.o.bufferRecords) {
      if (this.outage) this.outage.droppedEvents++;
      this.o.onDropped('events', 1);
      return;
    }
    this.events.add(e);
    if (this.events.count >= this.o.batchSize && !this.outage) void this.flush();
  }

  /** rollup rows and raw events waiting for the queue */
  get buffered(): { rows: number; events: number } {
    return {
      rows: this.aggregator.size + (this.pending?.rows.length ?? 0),
      events: this.events.count + (this.pending?.events?.count ?? 0),
    };
  }

  private take(): AnalyticsAggregateBatch | null {
    if (this.aggregator.size === 0 && this.events.count === 0) return null;
    return {
      format: 3,
      batchId: randomUUID(),
      gatewayId: this.o.gatewayId,
      sampleRate: this.o.sampleRate,
      rows: this.aggregator.take(),
      events: this.events.count > 0 ? this.events.take() : null,
    };
  }

  /**
   * Hands the waiting batch (after an outage), then what was counted since, to the queue; at most
   * these two per call, so that a busy gateway does not loop here.
   */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      for (let sent = 0; sent < 2; sent++) {
        const batch = (this.pending ??= this.take());
        if (batch === null) break;
        try {
          // the job id makes BullMQ ignore a batch it holds already; the control plane's batch
          // table makes a later duplicate merge nothing
          await this.queue.add(AGGREGATE_JOB, batch, {
            jobId: batch.batchId,
            attempts: 5,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: 1000,
            removeOnFail: 1000,
          });
          this.pending = null;
        } catch (e) {
          // once per outage, not once per flush
          if (!this.outage) {
            this.outage = { since: Date.now(), droppedEvents: 0, droppedRequests: 0 };
            this.o.logger.warn(
              { err: (e as Error).message, maxRows: this.o.maxRows, bufferRecords: this.o.bufferRecords },
              'analytics queue unavailable: keeping counts and events in memory until it is back',
            );
          }
          return;
        }
      }
      if (this.outage) {
        const { since, droppedEvents, droppedRequests } = this.outage;
        this.o.logger.info(
          { outageMs: Date.now() - since, droppedEvents, droppedRequests },
          'analytics queue back: buffered counts and events sent',
        );
        this.outage = null;
      }
    })().finally(() => (this.flushing = null));
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    // twice: the waiting batch, then what was counted while it went
    await this.flush().catch(() => undefined);
    await this.flush().catch(() => undefined);
    await this.queue.close().catch(() => undefined);
  }
}
