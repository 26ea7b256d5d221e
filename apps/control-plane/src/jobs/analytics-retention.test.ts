/**
 * The analytics clean-up job: a control plane started with retention settings deletes, through its
 * BullMQ job scheduler, the raw events and rollups older than they allow, and nothing newer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

let db: TestDatabase;
let prisma: PrismaClient;
let cp: RunningControlPlane | undefined;
const prefix = testRedisPrefix();
const DAY = 86_400_000;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, { poolSize: 2 });
});
afterAll(async () => {
  await cp?.close();
  await prisma?.$disconnect();
  await db?.drop();
  await cleanupRedis(prefix);
});

describe('analytics retention', () => {
  it('deletes raw events and rollups past their retention, in batches, and keeps the rest', async () => {
    const now = Date.now();
    // more old events than one delete statement takes
    await prisma.$executeRaw`
      INSERT INTO analytics_event (request_timestamp, correlation_id, api_method, proxy_response_code, response_latency)
      SELECT ${new Date(now - 3 * DAY)}::timestamptz - make_interval(secs => g), 'old-' || g, 'GET', 200, 1
      FROM generate_series(1, 10005) g`;
    await prisma.analyticsEvent.create({
      data: {
        requestTimestamp: new Date(now - 0.5 * DAY),
        correlationId: 'recent',
        apiMethod: 'GET',
        proxyResponseCode: 200,
        responseLatency: 1,
      },
    });
    const rollup = (daysAgo: number, apiId: string) => ({
      minute: new Date(Math.floor((now - daysAgo * DAY) / 60_000) * 60_000),
      apiId,
      applicationId: '',
      requestCount: 1,
      latencyBuckets: [1],
    });
    await prisma.analyticsMinute.createMany({
      data: [rollup(5, 'old'), rollup(3, 'kept'), rollup(0, 'recent')],
    });
    await prisma.analyticsHour.createMany({
      data: [rollup(5, 'old'), rollup(3, 'kept')].map(({ minute, ...r }) => ({
        ...r,
        hour: new Date(Math.floor(minute.getTime() / 3_600_000) * 3_600_000),
      })),
    });

    cp = await startControlPlane({
      databaseUrl: db.url,
      redisUrl: testRedisUrl(),
      redisPrefix: prefix,
      env: { APIM_ANALYTICS_EVENT_RETENTION_DAYS: '1', APIM_ANALYTICS_ROLLUP_RETENTION_DAYS: '4' },
    });
    // the scheduler runs the job once at start (the hourly rollups go last)
    for (let i = 0; i < 400 && (await prisma.analyticsHour.count({ where: { apiId: 'old' } })) > 0; i++)
      await new Promise((r) => setTimeout(r, 50));

    expect((await prisma.analyticsEvent.findMany()).map((e) => e.correlationId)).toEqual(['recent']);
    expect(
      (await prisma.analyticsMinute.findMany({ orderBy: { minute: 'asc' } })).map((m) => m.apiId),
    ).toEqual(['kept', 'recent']);
    expect((await prisma.analyticsHour.findMany()).map((h) => h.apiId)).toEqual(['kept']);
  });

  it('keeps everything when told to, and refuses a negative retention', () => {
    const base = { DATABASE_URL: db.url, APIM_INTERNAL_SECRET: randomSecret(32) };
    expect(loadConfig(base)).toMatchObject({
      analyticsEventRetentionDays: 7,
      analyticsRollupRetentionDays: 90,
    });
    expect(
      loadConfig({ ...base, APIM_ANALYTICS_EVENT_RETENTION_DAYS: '0' }).analyticsEventRetentionDays,
    ).toBe(0);
    expect(() => loadConfig({ ...base, APIM_ANALYTICS_ROLLUP_RETENTION_DAYS: '-1' })).toThrow(
      /APIM_ANALYTICS_ROLLUP_RETENTION_DAYS/,
    );
  });
});
