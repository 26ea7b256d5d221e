/**
 * The DPoP replay store against a Redis of the test's own, which is killed and restarted: shared
 * across nodes while it runs, per node while it is away, and what a node saw alone is handed over.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@apim/service';
import { eventually, startRedisServer, type OwnRedis } from '@apim/testing';
import { ProofReplayStore } from './sender-constraint-replay.js';

let own: OwnRedis;
const connections: Redis[] = [];
/** each store's connection, to wait for it */
const redisOf = new Map<ProofReplayStore, Redis>();

/** One gateway node's store, on its own connection configured as the gateway's (fail fast). */
function node(modes: boolean[] = [], localMax = 1000): ProofReplayStore {
  const redis = new Redis(own.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
    retryStrategy: () => 50,
  });
  redis.on('error', () => undefined);
  connections.push(redis);
  const store = new ProofReplayStore(
    redis,
    'replay-test',
    60_000,
    localMax,
    createLogger('test', 'silent'),
    (s) => modes.push(s),
  );
  redisOf.set(store, redis);
  return store;
}

/** the store once its connection is up (again) */
async function ready(store: ProofReplayStore): Promise<ProofReplayStore> {
  await eventually(() => expect(redisOf.get(store)!.status).toBe('ready'), 20_000);
  return store;
}

beforeAll(async () => {
  own = await startRedisServer();
});

afterAll(async () => {
  for (const c of connections) c.disconnect();
  await own?.stop();
});

describe('DPoP proof replay store', { timeout: 60_000 }, () => {
  it('admits a proof once across nodes sharing Redis', async () => {
    const a = await ready(node());
    const b = await ready(node());
    expect(await a.firstUse('key-1', 'jti-1')).toBe(true);
    expect(await b.firstUse('key-1', 'jti-1')).toBe(false);
    expect(await a.firstUse('key-1', 'jti-1')).toBe(false);
    // the same jti from another key is another proof
    expect(await b.firstUse('key-2', 'jti-1')).toBe(true);
  });

  it('remembers proofs per node while Redis is away, and hands them over when it is back', async () => {
    const modes: boolean[] = [];
    const a = await ready(node(modes));
    const b = await ready(node());
    await own.stop();
    try {
      expect(await a.firstUse('key-3', 'during-outage')).toBe(true);
      expect(await a.firstUse('key-3', 'during-outage')).toBe(false);
      expect(a.isShared).toBe(false);
      expect(modes).toEqual([false]);
    } finally {
      await own.start();
    }
    await eventually(() => expect(a.isShared).toBe(true), 20_000);
    expect(modes).toEqual([false, true]);
    await ready(b);
    // seen by node a alone during the outage, replayed to node b afterwards
    expect(await b.firstUse('key-3', 'during-outage')).toBe(false);
    expect(await a.firstUse('key-3', 'during-outage')).toBe(false);
  });

  it('keeps at most its bound of proofs in memory, forgetting the oldest', async () => {
    const a = await ready(node([], 1000));
    await own.stop();
    try {
      for (let i = 0; i < 1001; i++) expect(await a.firstUse('key-4', `jti-${i}`)).toBe(true);
      expect(await a.firstUse('key-4', 'jti-1000')).toBe(false);
      // the oldest went to make room: the price of a bounded per-node memory
      expect(await a.firstUse('key-4', 'jti-0')).toBe(true);
    } finally {
      await own.start();
    }
  });
});
