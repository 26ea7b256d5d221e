import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsBatch, type AnalyticsRecord } from '@apim/contracts';
import { createPrismaClient, type PrismaClient } from '@apim/db';
import { analyticsRecord, createTestDatabase, type TestDatabase } from '@apim/testing';
import { storeAnalyticsBatch } from './analytics.js';

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, { poolSize: 2 });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

const MINUTE = '2026-11-22T04:10:00.000Z';

/** Alice's GET of an Orders item with the Shop application, at 04:10:17.250 */
const record = (r: Partial<AnalyticsRecord>) =>
  analyticsRecord({
    requestTimestamp: '2026-11-22T04:10:17.250Z',
    gatewayId: 'gw-1',
    apiId: 'api-1',
    apiName: 'Orders',
    apiVersion: '1.0',
    apiContext: '/orders',
    apiResourceTemplate: '/items/{id}',
    applicationId: 'app-1',
    applicationName: 'Shop',
    keyType: 'PRODUCTION',
    userName: 'alice',
    responseMediationLatency: null,
    ...r,
  });

const rollupsOf = (apiId: string) =>
  prisma.analyticsMinute.findMany({
    where: { apiId },
    orderBy: [{ minute: 'asc' }, { applicationId: 'asc' }],
  });

describe('storing analytics batches', () => {
  it('stores raw events, per-minute and hourly rollups with latency buckets, errors and throttled counts', async () => {
    const batch = [
      record({ apiId: 'api-a', responseLatency: 0 }),
      record({ apiId: 'api-a', responseLatency: 1 }),
      record({ apiId: 'api-a', responseLatency: 2 }),
      record({ apiId: 'api-a', responseLatency: 3 }),
      record({ apiId: 'api-a', responseLatency: 20_000, proxyResponseCode: 504, errorCode: '101504' }),
      record({ apiId: 'api-a', proxyResponseCode: 429, errorCode: '900802', responseLatency: 1 }),
      record({ apiId: 'api-a', applicationId: null, proxyResponseCode: 401, errorCode: '900902' }),
      record({ apiId: 'api-a', requestTimestamp: '2026-11-22T04:11:00.000Z', responseLatency: 7 }),
    ];
    await storeAnalyticsBatch(prisma, analyticsBatch(batch));

    const events = await prisma.analyticsEvent.findMany({
      where: { apiId: 'api-a' },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => e.eventId)).toEqual(batch.map((r) => r.eventId));
    expect(events[0]).toMatchObject({
      apiName: 'Orders',
      apiResourceTemplate: '/items/{id}',
      userName: 'alice',
      responseMediationLatency: null,
      requestTimestamp: new Date('2026-11-22T04:10:17.250Z'),
    });

    const rollups = await rollupsOf('api-a');
    expect(rollups.map((m) => [m.minute.toISOString(), m.applicationId, m.requestCount])).toEqual([
      [MINUTE, '', 1],
      [MINUTE, 'app-1', 6],
      ['2026-11-22T04:11:00.000Z', 'app-1', 1],
    ]);
    const app = rollups[1]!;
    expect(app).toMatchObject({ errorCount: 2, throttledCount: 1, latencyMaxMs: 20_000 });
    expect(app.latencySumMs).toBe(BigInt(0 + 1 + 2 + 3 + 20_000 + 1));
    // bounds 1, 2, 5, ...: 0 and 1 and 1 in the first, 2 in the second, 3 in the third, 20000 in the open one
    expect(app.latencyBuckets).toEqual([3, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

    // the hourly rollup holds the same, by hour (7 ms goes to the bucket up to 10)
    const hours = await prisma.analyticsHour.findMany({
      where: { apiId: 'api-a' },
      orderBy: { applicationId: 'asc' },
    });
    expect(
      hours.map((h) => [
        h.hour.toISOString(),
        h.applicationId,
        h.requestCount,
        h.errorCount,
        h.throttledCount,
      ]),
    ).toEqual([
      ['2026-11-22T04:00:00.000Z', '', 1, 1, 0],
      ['2026-11-22T04:00:00.000Z', 'app-1', 7, 2, 1],
    ]);
    expect(hours[1]!.latencyBuckets).toEqual([3, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(hours[1]!.latencySumMs).toBe(BigInt(0 + 1 + 2 + 3 + 20_000 + 1 + 7));
  });

  it('adds nothing when a batch is stored again, and only the new events of a partly stored one', async () => {
    const first = [record({ apiId: 'api-b' }), record({ apiId: 'api-b', responseLatency: 40 })];
    await storeAnalyticsBatch(prisma, analyticsBatch(first));
    await storeAnalyticsBatch(prisma, analyticsBatch(first));
    const later = record({ apiId: 'api-b', responseLatency: 4 });
    await storeAnalyticsBatch(prisma, analyticsBatch([...first, later]));

    expect(await prisma.analyticsEvent.count({ where: { apiId: 'api-b' } })).toBe(3);
    const [m] = await rollupsOf('api-b');
    expect(m).toMatchObject({ requestCount: 3, latencyMaxMs: 40 });
    expect(m!.latencySumMs).toBe(45n);
    expect(m!.latencyBuckets.reduce((a, b) => a + b, 0)).toBe(3);
    expect(await prisma.analyticsHour.findMany({ where: { apiId: 'api-b' } })).toEqual([
      expect.objectContaining({ requestCount: 3, latencyMaxMs: 40, latencySumMs: 45n }),
    ]);
  });

  it('stores the message counts of connections and streams, and sums them with the connections in both rollups', async () => {
    const chat = (r: Partial<AnalyticsRecord>) =>
      record({ apiId: 'api-ws', apiResourceTemplate: '/*', ...r });
    const batch = [
      chat({ messagesIn: 3, messagesOut: 5 }),
      chat({ proxyResponseCode: 401, errorCode: '900902' }),
      chat({ messagesIn: 0, messagesOut: 40 }),
      chat({ requestTimestamp: '2026-11-22T04:11:30.000Z', messagesIn: 7, messagesOut: 1 }),
    ];
    await storeAnalyticsBatch(prisma, analyticsBatch(batch));
    // stored again: counted once
    await storeAnalyticsBatch(prisma, analyticsBatch(batch));

    const events = await prisma.analyticsEvent.findMany({
      where: { apiId: 'api-ws' },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => [e.messagesIn, e.messagesOut])).toEqual([
      [3, 5],
      [null, null],
      [0, 40],
      [7, 1],
    ]);
    const counts = (m: {
      requestCount: number;
      connectionCount: number;
      messagesIn: bigint;
      messagesOut: bigint;
    }) => [m.requestCount, m.connectionCount, m.messagesIn, m.messagesOut];
    expect((await rollupsOf('api-ws')).map(counts)).toEqual([
      [3, 2, 3n, 45n],
      [1, 1, 7n, 1n],
    ]);
    expect((await prisma.analyticsHour.findMany({ where: { apiId: 'api-ws' } })).map(counts)).toEqual([
      [4, 3, 10n, 46n],
    ]);
    // plain requests add no connections and no messages
    const [plain] = await rollupsOf('api-b');
    expect(counts(plain!)).toEqual([3, 0, 0n, 0n]);
  });

  it('stores nothing of a batch with a bad record, and rejects it so that it is retried', async () => {
    const batch = [record({ apiId: 'api-c' }), record({ apiId: 'api-c', eventId: 'not-a-uuid' })];
    await expect(storeAnalyticsBatch(prisma, analyticsBatch(batch))).rejects.toThrow();
    expect(await prisma.analyticsEvent.count({ where: { apiId: 'api-c' } })).toBe(0);
    expect(await rollupsOf('api-c')).toEqual([]);
    expect(await prisma.analyticsHour.count({ where: { apiId: 'api-c' } })).toBe(0);
  });

  it('refuses a batch whose columns do not line up', async () => {
    const batch = analyticsBatch([record({ apiId: 'api-d' }), record({ apiId: 'api-d' })]);
    batch.columns.apiName.pop();
    await expect(storeAnalyticsBatch(prisma, batch)).rejects.toThrow(/malformed analytics batch/);
    expect(await prisma.analyticsEvent.count({ where: { apiId: 'api-d' } })).toBe(0);
  });
});
