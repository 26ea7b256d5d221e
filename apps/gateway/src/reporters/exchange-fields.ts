import { GatewayErrors, type AnalyticsEvent } from '@apim/contracts';
import type { ExchangeReport } from '../pipeline/types.js';

/** What one exchange says about itself in the analytics event's terms, apart from the event's id and time. */
export type ExchangeFields = Omit<AnalyticsEvent, 'eventId' | 'requestTimeMs'>;

const round = (ms: number | null) => (ms === null ? null : Math.round(ms));

/**
 * The fields the analytics event and the access log line share (WSO2's analytics event names). The
 * access log writes them itself, member by member, at line rate (access-log/access-line.ts); its test
 * holds that line equal to these fields serialised, so that a request reads the same in both.
 */
export function exchangeFields(r: ExchangeReport, gatewayId: string): ExchangeFields {
  const { api, credential: cred, req } = r;
  const userAgent = req.headers['user-agent'];
  return {
    correlationId: r.requestId,
    gatewayId,
    apiId: api?.id ?? null,
    apiName: api?.name ?? null,
    apiVersion: api?.version ?? null,
    apiContext: api?.context ?? null,
    apiResourceTemplate: r.template,
    apiMethod: req.method ?? '',
    applicationId: cred?.applicationId ?? null,
    applicationName: cred?.application?.name ?? null,
    keyType: cred?.keyType ?? null,
    userName: cred?.username ?? null,
    proxyResponseCode: r.status,
    targetResponseCode: r.targetStatus,
    backendLatency: round(r.backendLatencyMs),
    requestMediationLatency: round(r.requestMediationMs),
    responseMediationLatency: round(r.responseMediationMs),
    responseLatency: Math.round(r.totalMs),
    errorCode: r.error ? GatewayErrors[r.error].code : null,
    errorType: r.error,
    userAgent: typeof userAgent === 'string' ? userAgent : null,
    userIp: r.clientIp,
    messagesIn: r.messages?.in ?? null,
    messagesOut: r.messages?.out ?? null,
  };
}
