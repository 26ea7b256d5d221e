import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

/** A Redis key prefix unique to this test file in this run; cleanupRedis(prefix) removes its keys. */
export function testRedisPrefix(): string {
  return `apim-test:${inject('apim').runId}:${randomBytes(3).toString('hex')}`;
}

export function testRedisUrl(): string {
  return inject('apim').redisUrl;
}

export async function cleanupRedis(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
