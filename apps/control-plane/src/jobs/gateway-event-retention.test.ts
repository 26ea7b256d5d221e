/**
 * Retention of the gateway event log: old events go in batches, the log left is always a
 * contiguous suffix, the newest event always stays. That a gateway behind the pruned range reloads
 * its snapshot and ends equal to the database is proven with a real gateway in
 * apps/gateway/src/store/sync.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomSecret } from '@apim/service';
import { createPrismaClient, type PrismaClient } from '@apim/db';
import {
  cleanupRedis,
  createTestDatabase,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
} from '@apim/testing';
import { startControlPlane, type RunningControlPlane } from '../testing.js';
import { loadConfig } from '../config.js';
import { pruneGatewayEvents } from './gateway-event-retention.js';

let db: TestDatabase;
let prisma: PrismaClient;
let cp: RunningControlPlane | undefined;
const prefix = testRedisPrefix();
const DAY = 86_400_000;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, { poolSize: 2 });
});
beforeEach(async () => {
  await prisma.gatewayEvent.deleteMany();
});
afterAll(async () => {
  await cp?.close();
  await prisma?.$disconnect();
  await db?.drop();
  await cleanupRedis(prefix);
});

/** Appends events written `daysAgo` days ago (in this order, so with growing ids); returns their ids. */
async function eventsAt(...daysAgo: number[]): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (const days of daysAgo) {
    const row = await prisma.gatewayEvent.create({
      data: {
        type: 'DENY_POLICY_DELETED',
        payload: { id: `${days}` },
        createdAt: new Date(Date.now() - days * DAY),
      },
    });
    ids.push(row.id);
  }
  return ids;
}

const idsLeft = async () =>
  (await prisma.gatewayEvent.findMany({ orderBy: { id: 'asc' }, select: { id: true } })).map((e) => e.id);

describe('gateway event log retention', () => {
  it('runs at start-up of the control plane: old events go, recent ones stay', async () => {
    const ids = await eventsAt(...Array<number>(12).fill(9), 2, 0.5, 0);
    cp = await startControlPlane({
      databaseUrl: db.url,
      redisUrl: testRedisUrl(),
      redisPrefix: prefix,
      env: { APIM_GATEWAY_EVENT_RETENTION_DAYS: '3', APIM_ANALYTICS_EVENT_RETENTION_DAYS: '0' },
    });
    // the scheduler runs the job once at start
    for (let i = 0; i < 400 && (await prisma.gatewayEvent.count()) > 3; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await idsLeft()).toEqual(ids.slice(12));
    await cp.close();
    cp = undefined;
  });

  it('deletes in batches of the given size, oldest first', async () => {
    const ids = await eventsAt(...Array<number>(11).fill(30), 1);
    const pruned = await pruneGatewayEvents(prisma, { retentionDays: 7, batchSize: 4 });
    // 4 + 4 + 3: the short batch says the backlog is done
    expect(pruned).toEqual({ deleted: 11, batches: 3, oldestKept: ids[11] });
    expect(await idsLeft()).toEqual([ids[11]]);
  });

  it('keeps the newest event when every event is old', async () => {
    const ids = await eventsAt(40, 30, 20);
    expect(await pruneGatewayEvents(prisma, { retentionDays: 7 })).toMatchObject({
      deleted: 2,
      oldestKept: ids[2],
    });
    expect(await idsLeft()).toEqual([ids[2]]);
    // a second run has nothing more to delete
    expect((await pruneGatewayEvents(prisma, { retentionDays: 7 })).deleted).toBe(0);
    expect(await idsLeft()).toEqual([ids[2]]);
  });

  it('deletes only a prefix of the log, never an old event after a recent one', async () => {
    // created_at is the writer's transaction start, so an older time can follow a newer id
    const ids = await eventsAt(10, 10, 1, 10, 0);
    await pruneGatewayEvents(prisma, { retentionDays: 7 });
    expect(await idsLeft()).toEqual(ids.slice(2));
  });

  it('does nothing on an empty log', async () => {
    expect(await pruneGatewayEvents(prisma, { retentionDays: 7 })).toEqual({
      deleted: 0,
      batches: 0,
      oldestKept: null,
    });
  });

  it('keeps a week by default, for ever with 0, and refuses a negative retention', () => {
    const base = { DATABASE_URL: db.url, APIM_INTERNAL_SECRET: randomSecret(32) };
    expect(loadConfig(base).gatewayEventRetentionDays).toBe(7);
    expect(loadConfig({ ...base, APIM_GATEWAY_EVENT_RETENTION_DAYS: '0' }).gatewayEventRetentionDays).toBe(0);
    expect(() => loadConfig({ ...base, APIM_GATEWAY_EVENT_RETENTION_DAYS: '-1' })).toThrow(
      /APIM_GATEWAY_EVENT_RETENTION_DAYS/,
    );
    expect(() => loadConfig({ ...base, APIM_GATEWAY_EVENT_RETENTION_DAYS: 'week' })).toThrow(
      /APIM_GATEWAY_EVENT_RETENTION_DAYS/,
    );
  });
});
