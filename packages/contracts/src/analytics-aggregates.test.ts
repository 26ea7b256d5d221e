import { describe, expect, it } from 'vitest';
import {
  AnalyticsAggregator,
  LATENCY_BUCKET_COUNT,
  decodeAggregateBatch,
  latencyBucket,
  sampledIn,
  type AggregatedRequest,
} from './analytics-aggregates.js';
import { LATENCY_BUCKETS_MS } from './analytics.js';

const MINUTE = Date.parse('2026-11-22T04:10:00.000Z');
const request = (r: Partial<AggregatedRequest> = {}): AggregatedRequest => ({
  requestTimeMs: MINUTE + 1_000,
  apiId: 'api-1',
  apiResourceTemplate: '/items/{id}',
  apiMethod: 'GET',
  applicationId: 'app-1',
  keyType: 'PRODUCTION',
  proxyResponseCode: 200,
  errorCode: null,
  responseLatency: 3,
  messagesIn: null,
  messagesOut: null,
  ...r,
});

describe('latency buckets', () => {
  it('puts a latency in the first bucket whose bound it does not exceed, the open one above the last', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(1)).toBe(0);
    expect(latencyBucket(2)).toBe(1);
    expect(latencyBucket(3)).toBe(2);
    expect(latencyBucket(10_000)).toBe(LATENCY_BUCKETS_MS.length - 1);
    expect(latencyBucket(10_001)).toBe(LATENCY_BUCKETS_MS.length);
  });
});

describe('the gateway-side aggregator', () => {
  it('merges requests by minute, API, resource, application, key type, status class and error code', () => {
    const a = new AnalyticsAggregator();
    a.add(request());
    a.add(request({ responseLatency: 40 }));
    a.add(request({ requestTimeMs: MINUTE + 59_999 }));
    a.add(request({ requestTimeMs: MINUTE + 60_000 }));
    a.add(request({ proxyResponseCode: 201 }));
    a.add(request({ proxyResponseCode: 429, errorCode: '900802' }));
    a.add(request({ proxyResponseCode: 503 }));
    a.add(request({ apiResourceTemplate: '/items', apiMethod: 'POST' }));
    a.add(request({ applicationId: null, keyType: null, proxyResponseCode: 401, errorCode: '900902' }));
    a.add(request({ messagesIn: 2, messagesOut: 5 }));
    const rows = a.take();
    expect(a.size).toBe(0);
    const key = (r: (typeof rows)[number]) =>
      [r.minute - MINUTE, r.resourceTemplate, r.method, r.applicationId, r.statusClass, r.errorCode].join(
        ' ',
      );
    expect(rows.map((r) => [key(r), r.requests, r.errors, r.throttled, r.connections])).toEqual([
      ['0 /items/{id} GET app-1 2 ', 5, 0, 0, 1],
      ['60000 /items/{id} GET app-1 2 ', 1, 0, 0, 0],
      ['0 /items/{id} GET app-1 4 900802', 1, 1, 1, 0],
      ['0 /items/{id} GET app-1 5 ', 1, 1, 0, 0],
      ['0 /items POST app-1 2 ', 1, 0, 0, 0],
      ['0 /items/{id} GET  4 900902', 1, 1, 0, 0],
    ]);
    const first = rows[0]!;
    expect(first).toMatchObject({
      latencySumMs: 3 * 4 + 40,
      latencyMaxMs: 40,
      messagesIn: 2,
      messagesOut: 5,
    });
    expect(first.latencyBuckets).toHaveLength(LATENCY_BUCKET_COUNT);
    expect(first.latencyBuckets[latencyBucket(3)]).toBe(4);
    expect(first.latencyBuckets[latencyBucket(40)]).toBe(1);
  });

  it('holds at most maxRows rows: a request needing another is refused, one of a held row still counted', () => {
    const a = new AnalyticsAggregator();
    expect(a.add(request(), 1)).toBe(true);
    expect(a.add(request({ proxyResponseCode: 500 }), 1)).toBe(false);
    expect(a.add(request(), 1)).toBe(true);
    expect(a.take().map((r) => r.requests)).toEqual([2]);
  });

  it('makes rows that a batch carries and the control plane accepts', () => {
    const a = new AnalyticsAggregator();
    a.add(request());
    const batch = {
      format: 3 as const,
      batchId: 'b-1',
      gatewayId: 'gw',
      sampleRate: 1,
      rows: a.take(),
      events: null,
    };
    expect(decodeAggregateBatch(batch).rows).toHaveLength(1);
    expect(() => decodeAggregateBatch({ ...batch, rows: [{ ...batch.rows[0]!, requests: -1 }] })).toThrow(
      /requests must be a whole number/,
    );
    expect(() => decodeAggregateBatch({ ...batch, batchId: '' })).toThrow(/not a format 3 batch/);
  });
});

describe('sampling by correlation id', () => {
  it('keeps the same requests on every call and about the rate asked for', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `${i.toString(16)}-7d3c-4b0e-9f5a-${i}`);
    const kept = ids.filter((id) => sampledIn(id, 0.1));
    expect(ids.filter((id) => sampledIn(id, 0.1))).toEqual(kept);
    // binomial(20000, 0.1): 2000 +- 42 (one standard deviation); 6 of them either side
    expect(kept.length).toBeGreaterThan(1750);
    expect(kept.length).toBeLessThan(2250);
    expect(ids.every((id) => sampledIn(id, 1))).toBe(true);
    expect(ids.some((id) => sampledIn(id, 0))).toBe(false);
  });
});
