/** Upper bounds (ms) of the latency buckets kept in per-minute rollups; the last bucket is open. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] as const;

/** One request through a gateway, with WSO2's analytics fields. */
export interface AnalyticsRecord {
  /** UUID given by the gateway; storing the same event again adds nothing */
  eventId: string;
  requestTimestamp: string;
  correlationId: string;
  gatewayId: string;
  apiId: string | null;
  apiName: string | null;
  apiVersion: string | null;
  apiContext: string | null;
  apiResourceTemplate: string | null;
  apiMethod: string;
  applicationId: string | null;
  applicationName: string | null;
  keyType: string | null;
  userName: string | null;
  proxyResponseCode: number;
  targetResponseCode: number | null;
  backendLatency: number | null;
  requestMediationLatency: number | null;
  responseMediationLatency: number | null;
  responseLatency: number;
  errorCode: string | null;
  errorType: string | null;
  userAgent: string | null;
  userIp: string | null;
}

/** BullMQ queue that gateways ship analytics batches to. */
export const ANALYTICS_QUEUE = 'apim-analytics';

/** Job payload of the analytics queue: one batch of records from one gateway node. */
export interface AnalyticsBatch {
  records: AnalyticsRecord[];
}
