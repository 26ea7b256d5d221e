import type { AnalyticsRecord } from '@apim/contracts';
import type { Prisma } from '@apim/db';

type EventRow = Prisma.AnalyticsEventGetPayload<object>;

/** A stored event as the REST APIs answer it (the record its gateway shipped). */
export function recordOf(e: EventRow): AnalyticsRecord {
  return {
    eventId: e.eventId,
    requestTimestamp: e.requestTimestamp.toISOString(),
    correlationId: e.correlationId,
    gatewayId: e.gatewayId ?? '',
    apiId: e.apiId,
    apiName: e.apiName,
    apiVersion: e.apiVersion,
    apiContext: e.apiContext,
    apiResourceTemplate: e.apiResourceTemplate,
    apiMethod: e.apiMethod,
    applicationId: e.applicationId,
    applicationName: e.applicationName,
    keyType: e.keyType,
    userName: e.userName,
    proxyResponseCode: e.proxyResponseCode,
    targetResponseCode: e.targetResponseCode,
    backendLatency: e.backendLatency,
    requestMediationLatency: e.requestMediationLatency,
    responseMediationLatency: e.responseMediationLatency,
    responseLatency: e.responseLatency,
    errorCode: e.errorCode,
    errorType: e.errorType,
    userAgent: e.userAgent,
    userIp: e.userIp,
    messagesIn: e.messagesIn,
    messagesOut: e.messagesOut,
  };
}
