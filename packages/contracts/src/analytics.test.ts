import { describe, expect, it } from 'vitest';
import {
  ANALYTICS_FIELDS,
  analyticsBatch,
  decodeAnalyticsBatch,
  type AnalyticsColumns,
  type AnalyticsRecord,
} from './analytics.js';

const base: AnalyticsRecord = {
  eventId: '7f1d2c3b-0000-4000-8000-000000000001',
  requestTimestamp: '2026-11-22T04:10:17.250Z',
  correlationId: 'c-1',
  gatewayId: 'gw-1',
  apiId: 'api-1',
  apiName: 'Orders',
  apiVersion: '1.0',
  apiContext: '/orders',
  apiResourceTemplate: '/items/{id}',
  apiMethod: 'GET',
  applicationId: 'app-1',
  applicationName: 'Shop',
  keyType: 'PRODUCTION',
  userName: 'alice',
  proxyResponseCode: 200,
  targetResponseCode: 200,
  backendLatency: 3,
  requestMediationLatency: 0,
  responseMediationLatency: 0,
  responseLatency: 4,
  errorCode: null,
  errorType: null,
  userAgent: 'probe/1',
  userIp: '127.0.0.1',
  messagesIn: null,
  messagesOut: null,
};
const records: AnalyticsRecord[] = [
  base,
  {
    ...base,
    eventId: 'e-2',
    correlationId: 'c-2',
    applicationId: null,
    applicationName: null,
    userName: null,
  },
  {
    ...base,
    eventId: 'e-3',
    requestTimestamp: '2026-11-22T04:11:00.001Z',
    proxyResponseCode: 429,
    targetResponseCode: null,
    backendLatency: null,
    errorCode: '900804',
    errorType: 'SUBSCRIPTION_THROTTLED',
    userAgent: 'other "agent" ü',
  },
  // a WebSocket connection and an event stream (no messages from the client), as they ended
  { ...base, eventId: 'e-4', correlationId: 'c-4', messagesIn: 12, messagesOut: 30 },
  { ...base, eventId: 'e-5', correlationId: 'c-5', messagesIn: 0, messagesOut: 0 },
];

const columnsOf = (rs: AnalyticsRecord[]) =>
  Object.fromEntries(ANALYTICS_FIELDS.map((f) => [f, rs.map((r) => r[f])])) as AnalyticsColumns;

describe('analytics batches', () => {
  it('give back every field of every record, nulls included', () => {
    const batch = analyticsBatch(records);
    expect(batch.count).toBe(5);
    expect(decodeAnalyticsBatch(JSON.parse(JSON.stringify(batch)))).toEqual(columnsOf(records));
  });

  it('send message counts for connections and streams alone', () => {
    expect(analyticsBatch(records).streams).toEqual({
      at: [3, 4],
      messagesIn: [12, 0],
      messagesOut: [30, 0],
    });
    // plain requests carry no counts at all, as before the counts existed
    const plain = analyticsBatch(records.slice(0, 3));
    expect(plain).not.toHaveProperty('streams');
    expect(decodeAnalyticsBatch(plain).messagesOut).toEqual([null, null, null]);
  });

  it('send an event id equal to the correlation id once', () => {
    const same = [{ ...base, eventId: 'u-1', correlationId: 'u-1' }, base];
    const batch = analyticsBatch(same);
    expect(batch.columns.eventId).toEqual([null, base.eventId]);
    expect(decodeAnalyticsBatch(batch).eventId).toEqual(['u-1', base.eventId]);
  });

  it('send a repeated value once', () => {
    const batch = analyticsBatch(records);
    expect(batch.strings.filter((s) => s === 'Orders')).toHaveLength(1);
    expect(batch.columns.apiName).toEqual(records.map(() => batch.strings.indexOf('Orders')));
    expect(batch.columns.applicationId[1]).toBe(-1);
  });

  it('refuse a batch that would misalign or invent values', () => {
    const misaligned = analyticsBatch(records);
    misaligned.columns.apiName.pop();
    expect(() => decodeAnalyticsBatch(misaligned)).toThrow(/one value per record/);
    const dangling = analyticsBatch(records);
    dangling.columns.userIp[0] = 99;
    expect(() => decodeAnalyticsBatch(dangling)).toThrow(/userIp refers to no string/);
    const badTime = analyticsBatch(records);
    badTime.columns.requestTimestamp[0] = 'yesterday';
    expect(() => decodeAnalyticsBatch(badTime)).toThrow(/epoch milliseconds/);
    expect(() => decodeAnalyticsBatch({ count: 1 } as never)).toThrow(/format 2/);
    const unordered = analyticsBatch(records);
    unordered.streams!.at = [4, 3];
    expect(() => decodeAnalyticsBatch(unordered)).toThrow(/ascending indexes/);
    const outside = analyticsBatch(records);
    outside.streams!.at = [3, 5];
    expect(() => decodeAnalyticsBatch(outside)).toThrow(/ascending indexes/);
    const negative = analyticsBatch(records);
    negative.streams!.messagesIn[0] = -1;
    expect(() => decodeAnalyticsBatch(negative)).toThrow(/whole numbers/);
    const short = analyticsBatch(records);
    short.streams!.messagesOut.pop();
    expect(() => decodeAnalyticsBatch(short)).toThrow(/both counts/);
  });
});
