/**
 * The gateway and the key manager on Redis Sentinel and on Redis Cluster (APIM_REDIS_SENTINELS,
 * APIM_REDIS_CLUSTER_NODES): shared rate limits (a Lua script), the analytics queue (BullMQ) and
 * the key manager's brute-force counters (multi-key commands, one hash slot in a cluster).
 */
import { Worker } from 'bullmq';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYTICS_QUEUE, type AnalyticsAggregateBatch } from '@apim/contracts';
import { createRedisClient, readRedisConfig, redisKeyPrefix, type RedisClient } from '@apim/service';
import { eventually, keysOnMasters, startRedisCluster, startRedisSentinel } from '@apim/testing';
import { startStack, type Stack } from './test-support/stack.js';

interface Topology {
  env: Record<string, string>;
  close(): Promise<void>;
}

const topologies: Record<string, () => Promise<Topology>> = {
  sentinel: async () => {
    const s = await startRedisSentinel();
    return {
      env: { APIM_REDIS_SENTINELS: s.sentinels, APIM_REDIS_SENTINEL_MASTER: s.masterName },
      close: s.close,
    };
  },
  cluster: async () => {
    const c = await startRedisCluster();
    return { env: { APIM_REDIS_CLUSTER_NODES: c.nodes }, close: c.close };
  },
};

describe.each(Object.keys(topologies))('on Redis %s', (mode) => {
  let topology: Topology;
  let s: Stack;
  let redis: RedisClient;
  let prefix: string;

  // a Redis topology and a whole stack, the heaviest setup of the suite: the suite's hook timeout (60 s)
  beforeAll(async () => {
    topology = await topologies[mode]!();
    const env = { ...topology.env, APIM_BRUTE_FORCE_MAX_FAILURES: '2' };
    s = await startStack({ gatewayEnv: env, keyManagerEnv: env });
    const config = readRedisConfig(topology.env);
    redis = createRedisClient(config, { maxRetriesPerRequest: null });
    // what the apps made of the stack's prefix (a hash tag in a cluster)
    prefix = redisKeyPrefix(s.redisPrefix, config);
    await s.fx.upsertPolicy({ type: 'APPLICATION', name: 'TwoPerMin', requestCount: 2 });
  });

  afterAll(async () => {
    redis?.disconnect();
    await s?.close();
    await topology?.close();
  });

  it('counts rate limits there, shared, and ships analytics batches through its BullMQ queue', async () => {
    const batches: AnalyticsAggregateBatch[] = [];
    const worker = new Worker<AnalyticsAggregateBatch>(
      ANALYTICS_QUEUE,
      async (job) => void batches.push(job.data),
      { connection: redis, prefix },
    );
    try {
      const deployed = await s.fx.deployApi({ backendUrl: s.backend.url });
      const app = await s.fx.createApplication({ throttlingPolicy: 'TwoPerMin' });
      await s.fx.subscribe(app.id, deployed.id, 'Unlimited');
      const key = await s.newKey(app.id);
      await s.synced();
      const token = await s.token(key);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push(
          (await s.call(`${deployed.context}/1.0.0/x`, { headers: { authorization: `Bearer ${token}` } }))
            .status,
        );
      expect(statuses).toEqual([200, 200, 429]);
      // counted in this Redis, not per node (as the gateway would while Redis is away)
      expect(await keysOnMasters(redis, `${prefix}:throttle:*`)).not.toEqual([]);
      await eventually(() =>
        expect(batches.flatMap((b) => b.rows).reduce((n, r) => n + r.requests, 0)).toBeGreaterThanOrEqual(3),
      );
    } finally {
      await worker.close();
    }
  });

  it("locks a client out after failed authentications (the key manager's counters)", async () => {
    const basic = Buffer.from('no-such-client:wrong').toString('base64');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await request(s.km.tokenEndpoint, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      await res.body.dump();
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([401, 401, 429]);
    expect(await keysOnMasters(redis, `${prefix}:km:bf:*`)).not.toEqual([]);
  });
});
