import { randomUUID } from 'node:crypto';
import type { AnalyticsEvent, AnalyticsRecord } from '@apim/contracts';

/**
 * An analytics record as a gateway ships it: by default a 200 to a GET that matched no API, just now,
 * with ids of its own; `r` sets what a test is about.
 */
export function analyticsRecord(r: Partial<AnalyticsRecord> = {}): AnalyticsRecord {
  return {
    eventId: randomUUID(),
    requestTimestamp: new Date().toISOString(),
    correlationId: randomUUID(),
    gatewayId: 'gw-test',
    apiId: null,
    apiName: null,
    apiVersion: null,
    apiContext: null,
    apiResourceTemplate: null,
    apiMethod: 'GET',
    applicationId: null,
    applicationName: null,
    keyType: null,
    userName: null,
    proxyResponseCode: 200,
    targetResponseCode: 200,
    backendLatency: 1,
    requestMediationLatency: 0,
    responseMediationLatency: 0,
    responseLatency: 1,
    errorCode: null,
    errorType: null,
    userAgent: 'probe/1',
    userIp: '127.0.0.1',
    messagesIn: null,
    messagesOut: null,
    ...r,
  };
}

/** The same record as a gateway holds it before shipping (its time in epoch milliseconds). */
export function analyticsEvent(r: Partial<AnalyticsRecord> = {}): AnalyticsEvent {
  const { requestTimestamp, ...rest } = analyticsRecord(r);
  return { ...rest, requestTimeMs: Date.parse(requestTimestamp) };
}
