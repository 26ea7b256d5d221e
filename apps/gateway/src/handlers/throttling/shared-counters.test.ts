/**
 * The shared counters against a real Redis, several nodes each on its own connection (as each
 * gateway node has): bandwidth's admitted-then-counted totals per window, and for bandwidth and
 * request counts, per-node counting through a Redis outage (a redis-server of this test's own) on
 * top of the last shared count, handed to Redis when it returns.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@apim/service';
import {
  cleanupRedis,
  eventually,
  type OwnRedis,
  startRedisServer,
  testRedisPrefix,
  testRedisUrl,
} from '@apim/testing';
import { SharedCounters, type Verdict } from './shared-counter.js';

const MINUTE = 60_000;
const QUOTA = 4096;
/** a window in the future, so that the counters' sweep (on the real clock) never forgets it */
const t0 = Math.floor(Date.now() / MINUTE) * MINUTE + 10 * MINUTE + 1000;

interface Node {
  redis: Redis;
  counters: SharedCounters;
  /** what the node reported: false when Redis became unreachable, true when it was back */
  modes: boolean[];
  close(): void;
}

const opened: Node[] = [];

/** One gateway node's counters, on a Redis connection set up as the gateway sets its own up. */
async function node(url: string, prefix: string): Promise<Node> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
    retryStrategy: () => 50,
  });
  redis.on('error', () => undefined);
  await redis.connect();
  const modes: boolean[] = [];
  const counters = new SharedCounters(redis, prefix, createLogger('test', 'silent'), (shared) =>
    modes.push(shared),
  );
  const n = {
    redis,
    counters,
    modes,
    close: () => {
      counters.close();
      redis.disconnect();
    },
  };
  opened.push(n);
  return n;
}

const check = (n: Node, key: string, now = t0) => n.counters.bytes.check(key, QUOTA, MINUTE, now);

let prefix: string;
let ownRedis: OwnRedis | null = null;

beforeAll(() => {
  prefix = testRedisPrefix();
});

afterEach(async () => {
  for (const n of opened.splice(0)) n.close();
  // each outage test starts a redis-server of its own
  await ownRedis?.stop();
  ownRedis = null;
});

afterAll(async () => {
  await cleanupRedis(prefix);
});

describe('bandwidth counters', () => {
  it('admit until the window total reaches the quota; the exchange that crosses it is counted whole', async () => {
    const a = await node(testRedisUrl(), prefix);
    expect(await check(a, 'one')).toEqual({ allowed: true, limit: QUOTA, remaining: QUOTA, resetMs: 59_000 });
    for (let i = 0; i < 3; i++) a.counters.bytes.add('one', MINUTE, 1024, t0);
    expect(await check(a, 'one')).toMatchObject({ allowed: true, remaining: 1024 });
    // admitted with 1024 left, the exchange moved 1500: the overshoot is counted, and the quota is used up
    a.counters.bytes.add('one', MINUTE, 1500, t0);
    expect(await check(a, 'one', t0 + 30_000)).toEqual({
      allowed: false,
      limit: QUOTA,
      remaining: 0,
      resetMs: 29_000,
    });
    // the next window starts from nothing
    expect(await check(a, 'one', t0 + MINUTE)).toMatchObject({ allowed: true, remaining: QUOTA });
  });

  it('refuse a used-up window without asking Redis again', async () => {
    const a = await node(testRedisUrl(), prefix);
    await check(a, 'full');
    a.counters.bytes.add('full', MINUTE, QUOTA, t0);
    expect(await check(a, 'full')).toMatchObject({ allowed: false });
    const again = check(a, 'full');
    expect(again).not.toBeInstanceOf(Promise);
    expect((again as Verdict).allowed).toBe(false);
  });

  it('share one total between nodes', async () => {
    const [a, b] = await Promise.all([node(testRedisUrl(), prefix), node(testRedisUrl(), prefix)]);
    await check(a, 'shared');
    a.counters.bytes.add('shared', MINUTE, 3000, t0);
    // each node sends on its own connection: the test waits for a's send before b reads
    await check(a, 'shared');
    expect(await check(b, 'shared')).toMatchObject({ allowed: true, remaining: QUOTA - 3000 });
    b.counters.bytes.add('shared', MINUTE, 1000, t0);
    await check(b, 'shared');
    // a last saw 3000 of its own: it reads the total before admitting
    expect(await check(a, 'shared')).toMatchObject({ allowed: true, remaining: QUOTA - 4000 });
    a.counters.bytes.add('shared', MINUTE, 200, t0);
    expect(check(a, 'shared')).toMatchObject({ allowed: false, remaining: 0 });
    await eventually(async () => expect(await check(b, 'shared')).toMatchObject({ allowed: false }));
  });

  it('count per node while Redis is away, and hand those bytes to Redis when it is back', async () => {
    ownRedis = await startRedisServer();
    const [a, b] = await Promise.all([node(ownRedis.url, prefix), node(ownRedis.url, prefix)]);
    await check(a, 'outage');
    a.counters.bytes.add('outage', MINUTE, 1000, t0);
    await check(a, 'outage');
    expect(await check(b, 'outage')).toMatchObject({ remaining: QUOTA - 1000 });

    await ownRedis.stop();
    await eventually(() => expect([a.redis.status, b.redis.status]).not.toContain('ready'));
    // each node goes on from the last total it knew, alone, without waiting for Redis
    a.counters.bytes.add('outage', MINUTE, 2000, t0);
    const va = check(a, 'outage');
    expect(va).not.toBeInstanceOf(Promise);
    expect(va).toMatchObject({ allowed: true, remaining: QUOTA - 3000 });
    b.counters.bytes.add('outage', MINUTE, 500, t0);
    expect(await check(b, 'outage')).toMatchObject({ allowed: true, remaining: QUOTA - 1500 });
    expect(a.modes).toContain(false);
    expect(b.modes).toContain(false);
    expect(a.counters.isShared).toBe(false);

    await ownRedis.start();
    await eventually(() => expect(a.counters.isShared && b.counters.isShared).toBe(true), 10_000);
    // What each counted alone reaches Redis with its next command: 2000 + 500. (The first 1000 went
    // with the Redis that restarted empty; a keeps the higher total it knew, so it stays cautious.)
    await check(a, 'outage');
    await check(b, 'outage');
    expect(await check(b, 'outage')).toMatchObject({ allowed: true, remaining: QUOTA - 2500 });
    expect(await check(a, 'outage')).toMatchObject({ allowed: true, remaining: QUOTA - 2500 });
    expect(a.modes.at(-1)).toBe(true);
  });
});

describe('request counts through a Redis outage', () => {
  const LIMIT = 10;
  const take = (n: Node, key: string) => n.counters.take(key, LIMIT, MINUTE, t0);

  it('go on from the last shared count, and reach Redis with the next lease when it is back', async () => {
    ownRedis = await startRedisServer();
    const [a, b] = await Promise.all([node(ownRedis.url, prefix), node(ownRedis.url, prefix)]);
    for (let i = 0; i < 3; i++) expect(await take(a, 'requests')).toMatchObject({ allowed: true });
    expect(await take(b, 'requests')).toMatchObject({ allowed: true, remaining: LIMIT - 4 });

    await ownRedis.stop();
    await eventually(() => expect([a.redis.status, b.redis.status]).not.toContain('ready'));
    // a knew 3 of 10 used: it admits the 7 left, alone, and not the limit again
    const alone = Array.from({ length: 9 }, () => take(a, 'requests'));
    for (const v of alone) expect(v).not.toBeInstanceOf(Promise);
    expect(alone.filter((v) => (v as Verdict).allowed)).toHaveLength(LIMIT - 3);
    expect(a.counters.isShared).toBe(false);

    await ownRedis.start();
    await eventually(() => expect(a.counters.isShared).toBe(true), 10_000);
    // Redis restarted empty; a's next lease adds the 7 it admitted alone, so 1 (this request) + 7
    expect(await take(a, 'requests')).toMatchObject({ allowed: true });
    expect(await a.redis.get(`${prefix}:throttle:requests:${t0 - (t0 % MINUTE)}`)).toBe('8');
    expect(await take(b, 'requests')).toMatchObject({ allowed: true });
    expect(await take(b, 'requests')).toMatchObject({ allowed: true, remaining: 0 });
    expect(await take(b, 'requests')).toMatchObject({ allowed: false });
  });

  it('a lease that timed out once sent is not counted again: Redis most likely counted it', async () => {
    ownRedis = await startRedisServer();
    const a = await node(ownRedis.url, prefix);
    const key = `${prefix}:throttle:slow:${t0 - (t0 % MINUTE)}`;
    for (let i = 0; i < 3; i++) expect(await take(a, 'slow')).toMatchObject({ allowed: true });
    // Redis holds writes for longer than the node's command timeout (1 s), then applies them
    const admin = new Redis(ownRedis.url);
    try {
      await admin.client('PAUSE', 1500, 'WRITE');
      expect(await take(a, 'slow')).toMatchObject({ allowed: true });
      await eventually(async () => expect(await admin.get(key)).toBe('4'));
      expect(await take(a, 'slow')).toMatchObject({ allowed: true });
      expect(await admin.get(key)).toBe('5');
    } finally {
      admin.disconnect();
    }
  });

  it('a node at a few requests a second reserves one at a time, so it strands nothing', async () => {
    const a = await node(testRedisUrl(), prefix);
    for (let i = 0; i < 5; i++) {
      expect(await take(a, 'slow-node')).toMatchObject({ allowed: true });
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(await a.redis.get(`${prefix}:throttle:slow-node:${t0 - (t0 % MINUTE)}`)).toBe('5');
  });

  it('a node that stops gives back what it reserved and did not use', async () => {
    const a = await node(testRedisUrl(), prefix);
    const key = `${prefix}:throttle:busy-node:${t0 - (t0 % MINUTE)}`;
    // 40 requests at once: the node asks again and again within FAST_MS, so it reserves more each time
    const verdicts = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i));
        return a.counters.take('busy-node', 1000, MINUTE, t0);
      }),
    );
    expect(verdicts.every((v) => v.allowed)).toBe(true);
    expect(Number(await a.redis.get(key))).toBeGreaterThan(40);
    await a.counters.close();
    expect(await a.redis.get(key)).toBe('40');
  });

  it('requests waiting for leases on both sides of a window end are all answered, in the later window', async () => {
    const a = await node(testRedisUrl(), prefix);
    const end = t0 - (t0 % MINUTE) + MINUTE;
    const verdicts = await Promise.all(
      Array.from({ length: 200 }, (_, i) => a.counters.take('edge', 1000, MINUTE, i % 2 ? end - 1 : end + i)),
    );
    expect(verdicts.every((v) => v.allowed)).toBe(true);
    const counted = await a.redis.mget(
      `${prefix}:throttle:edge:${end - MINUTE}`,
      `${prefix}:throttle:edge:${end}`,
    );
    expect(counted.reduce((n, v) => n + Number(v ?? 0), 0)).toBeGreaterThanOrEqual(200);
  });
});
