/**
 * The analytics publisher against a real Redis that a TCP relay takes away and gives back: events
 * wait in memory while the queue is unavailable, up to the buffer's size (the oldest batches go
 * first, counted), and reach the queue in order once Redis is back.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYTICS_QUEUE, decodeAnalyticsBatch, type AnalyticsBatch } from '@apim/contracts';
import { createLogger } from '@apim/service';
import { analyticsEvent, cleanupRedis, eventually, testRedisPrefix, testRedisUrl } from '@apim/testing';
import { startTcpProxy, type TcpProxy } from '../../test-support/tcp-proxy.js';
import { AnalyticsPublisher, analyticsQueueConnection } from './publisher.js';

const prefix = testRedisPrefix();
let relay: TcpProxy;
let connection: Redis;
let publisher: AnalyticsPublisher;
let queue: Queue<AnalyticsBatch>;
let dropped = 0;

/** The n-th event; its id tells the order events were recorded in. */
const event = (n: number) =>
  analyticsEvent({ eventId: `e-${n}`, correlationId: `e-${n}`, requestTimestamp: new Date(n).toISOString() });

/** The correlation ids of every event on the queue, batch by batch in the order they were added. */
async function queued(): Promise<string[]> {
  const jobs = await queue.getJobs(['waiting'], 0, -1, true);
  return jobs.flatMap((j) => decodeAnalyticsBatch(j.data).correlationId);
}

beforeAll(async () => {
  const redis = new URL(testRedisUrl());
  relay = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
  connection = analyticsQueueConnection(`redis://127.0.0.1:${relay.port}`);
  publisher = new AnalyticsPublisher(connection, {
    prefix,
    batchSize: 10,
    // flushed by the test, not by the clock
    flushMs: 600_000,
    bufferRecords: 50,
    logger: createLogger('analytics-test', 'silent'),
    onDropped: (n) => (dropped += n),
  });
  queue = new Queue<AnalyticsBatch>(ANALYTICS_QUEUE, { connection: new Redis(testRedisUrl()), prefix });
});

afterAll(async () => {
  await publisher?.close();
  connection?.disconnect();
  await queue?.close();
  await relay?.close();
  await cleanupRedis(prefix);
});

describe('analytics publisher', () => {
  it('ships full batches while Redis is there', async () => {
    for (let n = 0; n < 20; n++) publisher.record(event(n));
    await publisher.flush();
    expect(await queued()).toEqual(Array.from({ length: 20 }, (_, n) => `e-${n}`));
    expect(publisher.buffered).toBe(0);
  });

  it('keeps events while Redis is away, drops the oldest beyond the buffer, sends the rest when it is back', async () => {
    relay.cut();
    await eventually(() => expect(connection.status).not.toBe('ready'));
    for (let n = 20; n < 100; n++) {
      publisher.record(event(n));
      await publisher.flush();
    }
    // 80 recorded, 50 kept: the oldest three batches of ten went, and were counted
    expect(publisher.buffered).toBe(50);
    expect(dropped).toBe(30);
    expect(await queued()).toHaveLength(20);

    relay.restore();
    await eventually(async () => {
      await publisher.flush();
      expect(publisher.buffered).toBe(0);
    }, 15_000);
    const ids = await queued();
    expect(ids.slice(20)).toEqual(Array.from({ length: 50 }, (_, n) => `e-${n + 50}`));
  });
});
