/**
 * The OTLP analytics sink against a real OTLP/HTTP endpoint: a batch's rollup rows arrive as delta
 * sums and histograms over their minute, its raw events as log records; a batch delivered again is
 * exported once; a collector that is away loses its export, not the batch.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnalyticsAggregator,
  analyticsBatch,
  LATENCY_BUCKETS_MS,
  type AnalyticsAggregateBatch,
} from '@apim/contracts';
import { createPrismaClient, type PrismaClient } from '@apim/db';
import { createLogger } from '@apim/service';
import {
  analyticsRecord,
  createTestDatabase,
  freePort,
  startOtlpReceiver,
  type OtlpReceiver,
  type TestDatabase,
} from '@apim/testing';
import { storeAnalyticsBatch } from './analytics.js';
import { OtlpAnalyticsExporter } from './analytics-otlp.js';
import { PostgresAnalyticsStore } from './analytics-store.js';

const MINUTE = Date.parse('2026-11-22T04:10:00.000Z');
const log = createLogger('analytics-otlp-test', 'silent');
let db: TestDatabase;
let prisma: PrismaClient;
let store: PostgresAnalyticsStore;
let receiver: OtlpReceiver;
let exporter: OtlpAnalyticsExporter;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, { poolSize: 1 });
  store = new PostgresAnalyticsStore(db.url);
  receiver = await startOtlpReceiver();
  exporter = new OtlpAnalyticsExporter(receiver.url, log);
});
afterAll(async () => {
  await exporter?.close();
  await receiver?.close();
  await store?.close();
  await prisma?.$disconnect();
  await db?.drop();
});

/** Three GETs of Orders (3, 30 and 300 ms) and a 503, the 503 kept as a raw event. */
function batch(apiId: string): AnalyticsAggregateBatch {
  const records = [3, 30, 300].map((ms) =>
    analyticsRecord({ apiId, requestTimestamp: new Date(MINUTE + 5_000).toISOString(), responseLatency: ms }),
  );
  const failed = analyticsRecord({
    apiId,
    apiContext: '/orders',
    apiResourceTemplate: '/items/{id}',
    requestTimestamp: new Date(MINUTE + 7_000).toISOString(),
    proxyResponseCode: 503,
    errorCode: '101503',
  });
  const aggregator = new AnalyticsAggregator();
  for (const r of [...records, failed])
    aggregator.add({ ...r, requestTimeMs: Date.parse(r.requestTimestamp) });
  return {
    format: 3,
    batchId: randomUUID(),
    gatewayId: 'gw-7',
    sampleRate: 0.01,
    rows: aggregator.take(),
    events: analyticsBatch([failed]),
  };
}

describe('OTLP analytics sink', () => {
  it('exports rollup rows as delta metrics over their minute and raw events as log records, once per batch', async () => {
    const b = batch('api-otlp');
    await storeAnalyticsBatch([store, exporter], b);
    await storeAnalyticsBatch([store, exporter], b);
    await exporter.settled();

    const points = (name: string) =>
      receiver
        .metrics()
        .filter((m) => m.name === name)
        .flatMap((m) =>
          m.points.map((p) => ({ ...p, resource: m.resource, type: m.type, monotonic: m.monotonic })),
        );
    const requests = points('apim.requests');
    expect(requests.map((p) => [p.attributes['http.response.status_class'], p.value])).toEqual([
      ['2xx', 3],
      ['5xx', 1],
    ]);
    expect(requests[0]).toMatchObject({
      type: 'sum',
      monotonic: true,
      startTimeUnixNano: String(BigInt(MINUTE) * 1_000_000n),
      timeUnixNano: String(BigInt(MINUTE + 60_000) * 1_000_000n),
      resource: { 'service.name': 'apim-gateway', 'service.instance.id': 'gw-7' },
      attributes: expect.objectContaining({ 'apim.api.id': 'api-otlp', 'http.request.method': 'GET' }),
    });
    expect(points('apim.errors').map((p) => p.value)).toEqual([0, 1]);
    const [duration] = points('apim.request.duration');
    expect(duration).toMatchObject({
      type: 'histogram',
      count: 3,
      sum: 333,
      explicitBounds: [...LATENCY_BUCKETS_MS],
    });
    // 3 up to 5, 30 up to 50, 300 up to 500
    expect(duration!.bucketCounts).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0]);

    const logs = receiver.logs();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      severityText: 'ERROR',
      body: 'GET /orders/items/{id} 503',
      timeUnixNano: String(BigInt(MINUTE + 7_000) * 1_000_000n),
      attributes: expect.objectContaining({ 'apim.errorCode': '101503', 'apim.sample_rate': 0.01 }),
    });
    // the second delivery was merged already: nothing exported again
    expect(receiver.requests()).toMatchObject({ metrics: 1, logs: 1 });
  });

  it('stores the batch without waiting for a collector that is away (its export is lost and logged)', async () => {
    const away = new OtlpAnalyticsExporter(`http://127.0.0.1:${await freePort()}`, log);
    try {
      await storeAnalyticsBatch([store, away], batch('api-away'));
      // merged while the export is still failing
      const rows = await prisma.analyticsMinute.findMany({ where: { apiId: 'api-away' } });
      expect(rows.reduce((n, r) => n + r.requestCount, 0)).toBe(4);
    } finally {
      await away.close();
    }
  });
});
