import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnalyticsAggregator,
  analyticsBatch,
  type AnalyticsAggregateBatch,
  type AnalyticsBatch,
  type AnalyticsRecord,
} from '@apim/contracts';
import { createPrismaClient, type PrismaClient } from '@apim/db';
import { analyticsRecord, createTestDatabase, type TestDatabase } from '@apim/testing';
import { storeAnalyticsBatch } from './analytics.js';
import { PostgresAnalyticsStore } from './analytics-store.js';

let db: TestDatabase;
let prisma: PrismaClient;
let store: PostgresAnalyticsStore;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, { poolSize: 2 });
  store = new PostgresAnalyticsStore(db.url);
});
afterAll(async () => {
  await store?.close();
  await prisma?.$disconnect();
  await db?.drop();
});

const save = (batch: AnalyticsBatch | AnalyticsAggregateBatch) => storeAnalyticsBatch([store], batch);

/** A gateway's batch: every record counted, those `kept` also sent as raw events. */
function aggregateBatch(
  records: AnalyticsRecord[],
  kept: (r: AnalyticsRecord) => boolean,
  batchId = randomUUID(),
): AnalyticsAggregateBatch {
  const aggregator = new AnalyticsAggregator();
  for (const r of records) aggregator.add({ ...r, requestTimeMs: Date.parse(r.requestTimestamp) });
  const events = records.filter(kept);
  return {
    format: 3,
    batchId,
    gatewayId: 'gw-1',
    sampleRate: 0.5,
    rows: aggregator.take(),
    events: events.length > 0 ? analyticsBatch(events) : null,
  };
}

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
    orderBy: [{ minute: 'asc' }, { applicationId: 'asc' }, { statusClass: 'asc' }, { errorCode: 'asc' }],
  });

describe('storing analytics batches', () => {
  it('stores a batch of records (a gateway of before edge aggregation): raw events, per-minute rollups by all their dimensions, hourly ones', async () => {
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
    await save(analyticsBatch(batch));

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
    expect(
      rollups.map((m) => [
        m.minute.toISOString(),
        m.applicationId,
        m.resourceTemplate,
        m.method,
        m.keyType,
        m.statusClass,
        m.errorCode,
        m.requestCount,
        m.errorCount,
        m.throttledCount,
      ]),
    ).toEqual([
      [MINUTE, '', '/items/{id}', 'GET', 'PRODUCTION', 4, '900902', 1, 1, 0],
      [MINUTE, 'app-1', '/items/{id}', 'GET', 'PRODUCTION', 2, '', 4, 0, 0],
      [MINUTE, 'app-1', '/items/{id}', 'GET', 'PRODUCTION', 4, '900802', 1, 1, 1],
      [MINUTE, 'app-1', '/items/{id}', 'GET', 'PRODUCTION', 5, '101504', 1, 1, 0],
      ['2026-11-22T04:11:00.000Z', 'app-1', '/items/{id}', 'GET', 'PRODUCTION', 2, '', 1, 0, 0],
    ]);
    // bounds 1, 2, 5, ...: 0 and 1 in the first, 2 in the second, 3 in the third
    expect(rollups[1]!.latencyBuckets).toEqual([2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(rollups[1]!.latencySumMs).toBe(6n);
    // 20000 in the open one
    expect(rollups[3]).toMatchObject({ latencyMaxMs: 20_000, latencySumMs: 20_000n });
    expect(rollups[3]!.latencyBuckets).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

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

  it('adds nothing when a batch is delivered again, a batch of records as one of aggregates', async () => {
    const batchesBefore = await prisma.analyticsBatch.count();
    const first = [record({ apiId: 'api-b' }), record({ apiId: 'api-b', responseLatency: 40 })];
    await save(analyticsBatch(first));
    await save(analyticsBatch(first));
    const later = [record({ apiId: 'api-b', responseLatency: 4 })];
    const batch = aggregateBatch(later, () => true);
    await save(batch);
    await save(batch);

    expect(await prisma.analyticsEvent.count({ where: { apiId: 'api-b' } })).toBe(3);
    const [m] = await rollupsOf('api-b');
    expect(m).toMatchObject({ requestCount: 3, latencyMaxMs: 40 });
    expect(m!.latencySumMs).toBe(45n);
    expect(m!.latencyBuckets.reduce((a, b) => a + b, 0)).toBe(3);
    expect(await prisma.analyticsHour.findMany({ where: { apiId: 'api-b' } })).toEqual([
      expect.objectContaining({ requestCount: 3, latencyMaxMs: 40, latencySumMs: 45n }),
    ]);
    // one id each
    expect(await prisma.analyticsBatch.count()).toBe(batchesBefore + 2);
  });

  it('merges aggregates of several gateways into the same rows, and stores only the raw events they kept (COPY)', async () => {
    const ok = (ms: number) => record({ apiId: 'api-e', responseLatency: ms });
    const failed = record({
      apiId: 'api-e',
      proxyResponseCode: 502,
      errorCode: '101503',
      responseLatency: 9,
    });
    // a user agent and a user with the characters COPY's text format reserves
    const odd = record({
      apiId: 'api-e',
      proxyResponseCode: 500,
      userAgent: 'tab\there\nnewline \\ backslash',
      userName: 'a\rb',
    });
    const one = aggregateBatch([ok(3), ok(30), failed], (r) => r.proxyResponseCode >= 400);
    const two = aggregateBatch(
      [ok(300), ok(3), odd],
      (r) => r.proxyResponseCode >= 400 || r.responseLatency === 300,
    );
    await save(one);
    await save(two);

    const events = await prisma.analyticsEvent.findMany({
      where: { apiId: 'api-e' },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => [e.proxyResponseCode, e.responseLatency])).toEqual([
      [502, 9],
      [200, 300],
      [500, 1],
    ]);
    expect(events[2]).toMatchObject({ userAgent: 'tab\there\nnewline \\ backslash', userName: 'a\rb' });
    const rows = await rollupsOf('api-e');
    expect(rows.map((m) => [m.statusClass, m.errorCode, m.requestCount, m.errorCount])).toEqual([
      [2, '', 4, 0],
      [5, '', 1, 1],
      [5, '101503', 1, 1],
    ]);
    // 3, 3 up to 5; 30 up to 50; 300 up to 500
    expect(rows[0]!.latencyBuckets).toEqual([0, 0, 2, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(rows[0]).toMatchObject({ latencySumMs: 336n, latencyMaxMs: 300 });
    const [hour] = await prisma.analyticsHour.findMany({ where: { apiId: 'api-e' } });
    expect(hour).toMatchObject({ requestCount: 6, errorCount: 2, latencyMaxMs: 300, latencySumMs: 346n });
    expect(await prisma.analyticsBatch.findUnique({ where: { batchId: one.batchId } })).toMatchObject({
      gatewayId: 'gw-1',
      sampleRate: 0.5,
    });
  });

  it('refuses an aggregate row without its counts, merging nothing of its batch', async () => {
    const batch = aggregateBatch(
      [record({ apiId: 'api-f' }), record({ apiId: 'api-f', proxyResponseCode: 500 })],
      () => true,
    );
    batch.rows[1]!.latencyBuckets = [1];
    await expect(save(batch)).rejects.toThrow(/malformed analytics batch/);
    expect(await rollupsOf('api-f')).toEqual([]);
    expect(await prisma.analyticsEvent.count({ where: { apiId: 'api-f' } })).toBe(0);
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
    await save(analyticsBatch(batch));
    // stored again: counted once
    await save(analyticsBatch(batch));

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
      [2, 2, 3n, 45n],
      // the refused handshake: a request, no connection
      [1, 0, 0n, 0n],
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
    await expect(save(analyticsBatch(batch))).rejects.toThrow();
    expect(await prisma.analyticsEvent.count({ where: { apiId: 'api-c' } })).toBe(0);
    expect(await rollupsOf('api-c')).toEqual([]);
    expect(await prisma.analyticsHour.count({ where: { apiId: 'api-c' } })).toBe(0);
  });

  it('refuses a batch whose columns do not line up', async () => {
    const batch = analyticsBatch([record({ apiId: 'api-d' }), record({ apiId: 'api-d' })]);
    batch.columns.apiName.pop();
    await expect(save(batch)).rejects.toThrow(/malformed analytics batch/);
    expect(await prisma.analyticsEvent.count({ where: { apiId: 'api-d' } })).toBe(0);
  });
});
