/**
 * The analytics publisher against a real Redis that a TCP relay takes away and gives back: while
 * the queue is unavailable requests keep being counted into rollup rows merged by their
 * dimensions (memory grows with rows, not requests), raw events wait up to the buffer's size (new
 * ones beyond it are dropped, counted), and everything counted reaches the queue once Redis is back.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGGREGATE_JOB,
  ANALYTICS_QUEUE,
  decodeAggregateBatch,
  type AggregatedRequest,
  type AnalyticsAggregateBatch,
} from '@apim/contracts';
import { createLogger, readRedisConfig, type RedisClient } from '@apim/service';
import { analyticsEvent, cleanupRedis, eventually, testRedisPrefix, testRedisUrl } from '@apim/testing';
import { startTcpProxy, type TcpProxy } from '../../test-support/tcp-proxy.js';
import { AnalyticsPublisher, analyticsQueueConnection } from './publisher.js';

const prefix = testRedisPrefix();
let relay: TcpProxy;
let connection: RedisClient;
let publisher: AnalyticsPublisher;
let queue: Queue<AnalyticsAggregateBatch>;
const dropped = { events: 0, requests: 0 };
const MINUTE = Date.parse('2026-11-22T04:10:00.000Z');

/** A GET of /orders' /items/{id} ending `ms` into the minute, answered `status`. */
const request = (ms: number, status = 200): AggregatedRequest => ({
  requestTimeMs: MINUTE + ms,
  apiId: 'api-1',
  apiResourceTemplate: '/items/{id}',
  apiMethod: 'GET',
  applicationId: 'app-1',
  keyType: 'PRODUCTION',
  proxyResponseCode: status,
  errorCode: null,
  responseLatency: 3,
  messagesIn: null,
  messagesOut: null,
});

/** Every batch on the queue, decoded, in the order they were added. */
async function queued() {
  const jobs = await queue.getJobs(['waiting'], 0, -1, true);
  for (const j of jobs) expect(j.name).toBe(AGGREGATE_JOB);
  return jobs.map((j) => ({ id: j.id, batchId: j.data.batchId, ...decodeAggregateBatch(j.data) }));
}

beforeAll(async () => {
  const redis = new URL(testRedisUrl());
  relay = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
  connection = analyticsQueueConnection(readRedisConfig({ REDIS_URL: `redis://127.0.0.1:${relay.port}` }));
  publisher = new AnalyticsPublisher(connection, {
    prefix,
    gatewayId: 'gw-1',
    sampleRate: 0.5,
    batchSize: 1000,
    // flushed by the test, not by the clock
    flushMs: 600_000,
    bufferRecords: 50,
    maxRows: 100,
    logger: createLogger('analytics-test', 'silent'),
    onDropped: (kind, n) => (dropped[kind] += n),
  });
  queue = new Queue(ANALYTICS_QUEUE, { connection: new Redis(testRedisUrl()), prefix });
});

afterAll(async () => {
  await publisher?.close();
  connection?.disconnect();
  await queue?.close();
  await relay?.close();
  await cleanupRedis(prefix);
});

describe('analytics publisher', () => {
  it('ships the rollup rows and the raw events kept as one batch per flush, under its batch id', async () => {
    for (let i = 0; i < 20; i++) publisher.count(request(i));
    publisher.count(request(21, 500));
    publisher.keep(analyticsEvent({ correlationId: 'e-500', proxyResponseCode: 500 }));
    await publisher.flush();
    const [batch, ...more] = await queued();
    expect(more).toEqual([]);
    // BullMQ's job id is the batch id: a batch added twice is one job
    expect(batch!.id).toBe(batch!.batchId);
    expect(batch!.rows.map((r) => [r.statusClass, r.requests, r.errors, r.latencySumMs])).toEqual([
      [2, 20, 0, 60],
      [5, 1, 1, 3],
    ]);
    expect(batch!.events?.correlationId).toEqual(['e-500']);
    expect(publisher.buffered).toEqual({ rows: 0, events: 0 });
  });

  it('keeps counting while Redis is away, in rows merged by key, and ships them all when it is back', async () => {
    relay.cut();
    await eventually(() => expect(connection.status).not.toBe('ready'));
    for (let n = 0; n < 1000; n++) {
      // successes in two minutes, errors in the first: three rows whatever the number of requests
      publisher.count(request((n % 2) * 60_000 + 5, n % 10 === 0 ? 503 : 200));
      if (n % 10 === 0) publisher.keep(analyticsEvent({ correlationId: `e-${n}`, proxyResponseCode: 503 }));
      if (n % 100 === 0) await publisher.flush();
    }
    // the batch that failed first (one row, one event) waits; then three rows and the raw events
    // up to the buffer's 50 (the newest beyond it were dropped)
    expect(publisher.buffered).toEqual({ rows: 4, events: 51 });
    expect(dropped).toEqual({ events: 49, requests: 0 });
    expect(await queued()).toHaveLength(1);

    relay.restore();
    await eventually(async () => {
      await publisher.flush();
      expect(publisher.buffered).toEqual({ rows: 0, events: 0 });
    }, 15_000);
    const batches = (await queued()).slice(1);
    const rows = batches.flatMap((b) => b.rows);
    expect(rows.reduce((n, r) => n + r.requests, 0)).toBe(1000);
    expect(rows.reduce((n, r) => n + r.errors, 0)).toBe(100);
    expect(batches.flatMap((b) => b.events?.correlationId ?? [])).toEqual(
      Array.from({ length: 51 }, (_, i) => `e-${i * 10}`),
    );
  });
});
