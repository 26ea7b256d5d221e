/**
 * Redis Sentinel failing over under a running gateway: the master is killed (a machine lost), the
 * sentinel promotes its replica, and the gateway goes on serving, keeps its rate limit exact across
 * the switch (counting alone while no master answers), counts on the promoted replica after it, and
 * loses no analytics aggregate (held while no master answers, shipped to the new one).
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYTICS_QUEUE, type AnalyticsAggregateBatch } from '@apim/contracts';
import { createRedisClient, redisKeyPrefix, readRedisConfig, type RedisClient } from '@apim/service';
import { eventually, startRedisSentinel, type OwnRedisSentinel } from '@apim/testing';
import { startStack, type Stack } from './test-support/stack.js';

let sentinel: OwnRedisSentinel;
let s: Stack;
let prefix: string;
let queue: RedisClient;
let worker: Worker<AnalyticsAggregateBatch>;
const batches: AnalyticsAggregateBatch[] = [];

beforeAll(async () => {
  sentinel = await startRedisSentinel('apim-failover', { replica: true });
  const env = { APIM_REDIS_SENTINELS: sentinel.sentinels, APIM_REDIS_SENTINEL_MASTER: sentinel.masterName };
  s = await startStack({ gatewayEnv: env, keyManagerEnv: env });
  const config = readRedisConfig(env);
  prefix = redisKeyPrefix(s.redisPrefix, config);
  // the control plane's side of the analytics queue, failing over as the gateway does
  queue = createRedisClient(config, { maxRetriesPerRequest: null });
  worker = new Worker<AnalyticsAggregateBatch>(ANALYTICS_QUEUE, async (job) => void batches.push(job.data), {
    connection: queue,
    prefix,
  });
  // an hour's window: the test never straddles two
  await s.fx.upsertPolicy({ type: 'APPLICATION', name: 'FivePerHour', requestCount: 5, timeUnit: 'hour' });
}, 30_000);

afterAll(async () => {
  await worker?.close();
  queue?.disconnect();
  await s?.close();
  await sentinel?.close();
});

/** The shared count of the application's window, read from one Redis server behind the apps' back. */
async function sharedCount(url: string): Promise<number> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    const keys = await r.keys(`${prefix}:throttle:*`);
    const counts = await Promise.all(keys.map((k) => r.get(k)));
    return counts.reduce((n, c) => n + Number(c ?? 0), 0);
  } finally {
    r.disconnect();
  }
}

describe('on Redis Sentinel, when the master is lost', () => {
  it('goes on serving, admits exactly the limit across the failover, counts on the promoted replica, loses no aggregate', async () => {
    const deployed = await s.fx.deployApi({ backendUrl: s.backend.url });
    const app = await s.fx.createApplication({ throttlingPolicy: 'FivePerHour' });
    await s.fx.subscribe(app.id, deployed.id, 'Unlimited');
    const token = await s.token(await s.newKey(app.id));
    await s.synced();
    let calls = 0;
    const call = async () => {
      calls++;
      return (await s.call(`${deployed.context}/1.0.0/x`, { headers: { authorization: `Bearer ${token}` } }))
        .status;
    };
    const aggregated = () => batches.flatMap((b) => b.rows).reduce((n, r) => n + r.requests, 0);

    const before = [await call(), await call()];
    expect(before).toEqual([200, 200]);
    expect(await sharedCount(sentinel.masterUrl)).toBe(2);
    // what was shipped before the loss was taken off the queue (a write the master acknowledged and
    // had not yet passed to its replica is lost with it: Redis replication is asynchronous)
    await eventually(() => expect(aggregated()).toBe(2));

    const promoted = await sentinel.failMaster();
    // the replica had the master's count when it was promoted
    expect(await sharedCount(promoted)).toBe(2);

    // three more within the limit, whether the gateway has found the new master yet or counts alone
    const after: number[] = [];
    for (let i = 0; i < 5; i++) after.push(await call());
    expect(after).toEqual([200, 200, 200, 429, 429]);

    // once the gateway is on the new master, what it admitted alone is added to the shared count:
    // the five admitted, and the reservation the first refused request asked for (INCRBY, then
    // refused: the window was used up), when it asked Redis rather than counting alone
    await eventually(async () => {
      expect(await call()).toBe(429);
      expect([5, 6]).toContain(await sharedCount(promoted));
    });
    // every request after the loss reached the analytics queue too, once, through the new master
    await eventually(() => expect(aggregated()).toBe(calls));
  }, 60_000);
});
