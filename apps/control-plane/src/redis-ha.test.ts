/**
 * The control plane on Redis Cluster (APIM_REDIS_CLUSTER_NODES): it starts its BullMQ queues and
 * workers there (under the prefix made a hash tag) and reports Redis ready.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient, readRedisConfig, redisKeyPrefix } from '@apim/service';
import {
  createTestDatabase,
  keysOnMasters,
  startRedisCluster,
  testRedisPrefix,
  testRedisUrl,
} from '@apim/testing';
import type { OwnRedisCluster, TestDatabase } from '@apim/testing';
import { startControlPlane, type RunningControlPlane } from './testing.js';

let cluster: OwnRedisCluster;
let db: TestDatabase;
let cp: RunningControlPlane;
const prefix = testRedisPrefix();

beforeAll(async () => {
  cluster = await startRedisCluster();
  db = await createTestDatabase();
  cp = await startControlPlane({
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    env: { APIM_REDIS_CLUSTER_NODES: cluster.nodes },
  });
}, 30_000);

afterAll(async () => {
  await cp?.close();
  await db?.drop();
  await cluster?.close();
});

describe('control plane on Redis Cluster', () => {
  it('is ready, its BullMQ queues in the cluster under the hash-tagged prefix', async () => {
    const res = await request(`${cp.url}/readyz`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ checks: { redis: { status: 'ok' } } });
    const config = readRedisConfig({ APIM_REDIS_CLUSTER_NODES: cluster.nodes });
    const redis = createRedisClient(config);
    try {
      const tagged = redisKeyPrefix(prefix, config);
      expect(tagged).toBe(`{${prefix}}`);
      expect(await keysOnMasters(redis, `${tagged}:*`)).not.toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
