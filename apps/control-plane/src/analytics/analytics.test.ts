/**
 * The analytics summary over data stored by the control plane's analytics worker: batches of
 * records are put on the analytics queue exactly as gateways ship them, and the worker the control
 * plane under test runs turns them into analytics_event rows and analytics_minute rollups.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYTICS_QUEUE, analyticsBatch, quantileOf, type AnalyticsRecord } from '@apim/contracts';
import { analyticsRecord as record, testRedisUrl } from '@apim/testing';
import { ADMIN, createUser, restClient, startTestBed, type Caller, type TestBed } from '../test-support.js';
import type { Admin } from '@apim/rest-contract';

const A = '/api/am/admin/v4';
const P = '/api/am/publisher/v4';
const D = '/api/am/devportal/v3';

let bed: TestBed;
let call: ReturnType<typeof restClient>;
let publisher: Caller;
let shopper: Caller;
let other: Caller;
const ids: Record<string, string> = {};
const unmatchedEventId = randomUUID();
const now = Date.now();
const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
const minuteOf = (iso: string) => new Date(Math.floor(Date.parse(iso) / 60_000) * 60_000).toISOString();

async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the analytics worker did not store the batch');
}

const summary = (base: string, as: Caller, query = 'minutes=60') =>
  call<Admin.AnalyticsSummary>('GET', `${base}/analytics/summary?${query}`, { as });

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
  publisher = await createUser(bed.prisma, 'pub-analytics', ['publisher']);
  shopper = await createUser(bed.prisma, 'shopper', ['subscriber']);
  other = await createUser(bed.prisma, 'other', ['subscriber']);
  const api = async (as: Caller, name: string, type = 'HTTP') =>
    (
      await call<{ id: string }>('POST', `${P}/apis`, {
        as,
        json: { name, context: `/${name.toLowerCase()}`, version: '2.0', type },
      })
    ).body.id;
  ids.orders = await api(publisher, 'Orders');
  ids.billing = await api(ADMIN, 'Billing');
  ids.chat = await api(ADMIN, 'Chat', 'WS');
  const app = async (as: Caller, name: string) =>
    (
      await call<{ applicationId: string }>('POST', `${D}/applications`, {
        as,
        json: { name, throttlingPolicy: 'Unlimited' },
      })
    ).body.applicationId;
  ids.shop = await app(shopper, 'Shop');
  ids.other = await app(other, 'Other');

  const orders = { apiId: ids.orders, apiName: 'Orders', apiVersion: '2.0', apiContext: '/orders' };
  const billing = { apiId: ids.billing, apiName: 'Billing', apiVersion: '2.0', apiContext: '/billing' };
  const shop = { applicationId: ids.shop, applicationName: 'Shop', keyType: 'PRODUCTION' };
  const otherApp = { applicationId: ids.other, applicationName: 'Other', keyType: 'SANDBOX' };
  const chat = { apiId: ids.chat, apiName: 'Chat', apiVersion: '2.0', apiContext: '/chat', ...otherApp };
  const records: AnalyticsRecord[] = [
    ...[3, 4, 4, 6, 8, 30, 40, 150].map((ms) =>
      record({ ...orders, ...shop, requestTimestamp: ago(1), responseLatency: ms }),
    ),
    record({
      ...orders,
      ...shop,
      requestTimestamp: ago(1),
      proxyResponseCode: 429,
      targetResponseCode: null,
      errorCode: '900802',
      errorType: 'THROTTLED',
    }),
    record({ ...orders, ...shop, requestTimestamp: ago(2), proxyResponseCode: 500, responseLatency: 700 }),
    ...Array.from({ length: 5 }, () =>
      record({ ...billing, ...otherApp, requestTimestamp: ago(3), responseLatency: 12 }),
    ),
    record({
      ...billing,
      requestTimestamp: ago(3),
      proxyResponseCode: 401,
      targetResponseCode: null,
      errorCode: '900902',
      errorType: 'MISSING_CREDENTIALS',
    }),
    record({
      eventId: unmatchedEventId,
      requestTimestamp: ago(0),
      apiMethod: 'POST',
      proxyResponseCode: 404,
      targetResponseCode: null,
      errorCode: '900906',
      errorType: 'NO_MATCHING_RESOURCE',
    }),
    // outside the last hour
    record({ ...orders, ...shop, requestTimestamp: ago(90), responseLatency: 9 }),
    // two WebSocket connections, as they ended, and a handshake refused
    record({ ...chat, requestTimestamp: ago(90), proxyResponseCode: 101, messagesIn: 4, messagesOut: 10 }),
    record({ ...chat, requestTimestamp: ago(90), proxyResponseCode: 101, messagesIn: 0, messagesOut: 25 }),
    record({ ...chat, requestTimestamp: ago(90), proxyResponseCode: 401, errorCode: '900902' }),
  ];

  const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const queue = new Queue(ANALYTICS_QUEUE, { connection, prefix: bed.redisPrefix });
  try {
    // two batches, as two gateway nodes (or two flushes) would send them
    await queue.add('batch', analyticsBatch(records.slice(0, 7)));
    await queue.add('batch', analyticsBatch(records.slice(7)));
    await until(async () =>
      (await bed.prisma.analyticsEvent.count()) === records.length ? true : undefined,
    );
  } finally {
    await queue.close();
    connection.disconnect();
  }
});
afterAll(async () => bed?.close());

describe('analytics summary', () => {
  it('gives the admin totals, a timeline, latency percentiles and the busiest APIs and applications', async () => {
    const res = await summary(A, ADMIN);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const s = res.body;
    // throttled answers are not counted again as errors
    expect(s.totals).toEqual({ requests: 17, errors: 3, throttled: 1 });
    expect(s.step).toBe(1);
    expect(s.timeline).toHaveLength(60);
    expect(Date.parse(s.to) - Date.parse(s.from)).toBeLessThanOrEqual(60 * 60_000);
    const at = (iso: string) => s.timeline.find((p) => p.time === minuteOf(iso));
    expect(at(ago(1))).toMatchObject({ requests: 9, errors: 0, throttled: 1 });
    expect(at(ago(2))).toMatchObject({ requests: 1, errors: 1, throttled: 0 });
    expect(at(ago(3))).toMatchObject({ requests: 6, errors: 1, throttled: 0 });
    expect(s.timeline.reduce((n, p) => n + p.requests, 0)).toBe(17);
    // 17 latencies: 1 1 1 | 3 4 4 | 6 8 | 12 x5 | 30 40 | 150 | 700, in buckets of 1, 5, 10, 20, 50, 200, 1000 ms
    expect(s.latency).toEqual({ p50: 11, p90: 130, p95: 530, p99: 666, max: 700 });
    const plain = { connections: 0, messagesIn: 0, messagesOut: 0 };
    expect(s.byApi).toEqual([
      {
        apiId: ids.orders,
        apiName: 'Orders',
        apiVersion: '2.0',
        requests: 10,
        errors: 1,
        throttled: 1,
        ...plain,
      },
      {
        apiId: ids.billing,
        apiName: 'Billing',
        apiVersion: '2.0',
        requests: 6,
        errors: 1,
        throttled: 0,
        ...plain,
      },
    ]);
    expect(s.byApplication).toEqual([
      { applicationId: ids.shop, applicationName: 'Shop', requests: 10, errors: 1, throttled: 1 },
      { applicationId: ids.other, applicationName: 'Other', requests: 5, errors: 0, throttled: 0 },
      { applicationId: '', applicationName: null, requests: 2, errors: 2, throttled: 0 },
    ]);
    expect(s.recent).toHaveLength(17);
    expect(s.recent[0]).toMatchObject({
      eventId: unmatchedEventId,
      apiId: null,
      apiMethod: 'POST',
      proxyResponseCode: 404,
      errorCode: '900906',
      gatewayId: 'gw-test',
      userAgent: 'probe/1',
    });
    const times = s.recent.map((r) => Date.parse(r.requestTimestamp));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('widens the window, coarsens the timeline and limits the latest requests on request', async () => {
    const twoHours = (await summary(A, ADMIN, 'minutes=120&recent=3')).body;
    expect(twoHours.totals.requests).toBe(21);
    expect(twoHours.recent).toHaveLength(3);
    // a WebSocket API's connections and their messages each way; its refused handshake is no connection
    expect(twoHours.byApi.find((a) => a.apiId === ids.chat)).toMatchObject({
      requests: 3,
      connections: 2,
      messagesIn: 4,
      messagesOut: 35,
    });
    const connection = (await summary(A, ADMIN, 'minutes=120&recent=100')).body.recent.find(
      (r) => r.apiId === ids.chat && r.messagesOut === 10,
    );
    expect(connection).toMatchObject({ proxyResponseCode: 101, messagesIn: 4 });
    const day = (await summary(A, ADMIN, 'minutes=1440')).body;
    expect([day.step, day.timeline.length, day.totals.requests]).toEqual([60, 24, 21]);
    const week = (await summary(A, ADMIN, 'minutes=10080&recent=0')).body;
    expect(week.step).toBe(180);
    expect(week.timeline).toHaveLength(56);
    expect(week.totals.requests).toBe(21);
    expect(week.recent).toEqual([]);
    // a week is read from the hourly rollups: the same traffic as the minutes of the last two hours
    expect(week.timeline.reduce((n, p) => n + p.requests, 0)).toBe(21);
    expect(week.latency).toEqual(twoHours.latency);
    expect(week.byApi).toEqual(twoHours.byApi);
    expect(week.byApplication).toEqual(twoHours.byApplication);
    for (const bad of ['minutes=0', 'minutes=50000', 'minutes=abc', 'recent=101']) {
      const res = await call('GET', `${A}/analytics/summary?${bad}`, { as: ADMIN });
      expect(res.status, bad).toBe(400);
    }
  });

  it('shows a publisher the traffic of their own APIs and a subscriber that of their own applications', async () => {
    const mine = (await summary(P, publisher)).body;
    expect(mine.totals).toEqual({ requests: 10, errors: 1, throttled: 1 });
    expect(mine.byApi.map((a) => a.apiName)).toEqual(['Orders']);
    expect(mine.recent.every((r) => r.apiId === ids.orders)).toBe(true);
    expect((await summary(P, ADMIN)).body.totals.requests).toBe(17);

    const shop = (await summary(D, shopper)).body;
    expect(shop.totals).toEqual({ requests: 10, errors: 1, throttled: 1 });
    expect(shop.byApplication.map((a) => a.applicationName)).toEqual(['Shop']);
    expect((await summary(D, other)).body.totals).toEqual({ requests: 5, errors: 0, throttled: 0 });

    // the developer portal shows one's own applications only, an admin's too: here, none
    const none = (await summary(D, ADMIN)).body;
    expect(none.totals).toEqual({ requests: 0, errors: 0, throttled: 0 });
    expect(none.latency).toEqual({ p50: null, p90: null, p95: null, p99: null, max: null });
    expect(none.byApi).toEqual([]);
    expect(none.timeline.every((p) => p.requests === 0)).toBe(true);

    expect((await summary(A, publisher)).status).toBe(403);
    expect((await summary(P, shopper)).status).toBe(403);
  });

  it('keeps the name of a deleted API from its recorded requests', async () => {
    expect((await call('DELETE', `${P}/apis/${ids.billing}`, { as: ADMIN })).status).toBe(200);
    const s = (await summary(A, ADMIN)).body;
    expect(s.byApi.find((a) => a.apiId === ids.billing)).toMatchObject({
      apiName: 'Billing',
      apiVersion: '2.0',
      requests: 6,
    });
  });
});

describe('latency percentiles from histograms', () => {
  it('interpolates within a bucket, caps at the largest latency and closes the open bucket with it', () => {
    const counts = (entries: Record<number, number>) => Array.from({ length: 14 }, (_, i) => entries[i] ?? 0);
    expect(quantileOf(counts({}), 0, 0.5)).toBeNull();
    // 10 requests in (20, 50]: the median halfway
    expect(quantileOf(counts({ 5: 10 }), 50, 0.5)).toBe(35);
    // ... unless none took longer than 30 ms
    expect(quantileOf(counts({ 5: 10 }), 30, 0.5)).toBe(25);
    // beyond the last bound (10 s): between it and the largest latency seen
    expect(quantileOf(counts({ 13: 2 }), 14_000, 0.5)).toBe(12_000);
    expect(quantileOf(counts({ 0: 1 }), 0, 0.99)).toBe(0);
  });
});
