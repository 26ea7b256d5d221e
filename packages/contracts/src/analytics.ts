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

/** Every field of a record, in the order batches carry them. */
export const ANALYTICS_FIELDS = [
  'eventId',
  'requestTimestamp',
  'correlationId',
  'gatewayId',
  'apiId',
  'apiName',
  'apiVersion',
  'apiContext',
  'apiResourceTemplate',
  'apiMethod',
  'applicationId',
  'applicationName',
  'keyType',
  'userName',
  'proxyResponseCode',
  'targetResponseCode',
  'backendLatency',
  'requestMediationLatency',
  'responseMediationLatency',
  'responseLatency',
  'errorCode',
  'errorType',
  'userAgent',
  'userIp',
] as const satisfies ReadonlyArray<keyof AnalyticsRecord>;

// a field added to AnalyticsRecord but not to ANALYTICS_FIELDS fails to compile here
const allFieldsListed: Record<Exclude<keyof AnalyticsRecord, (typeof ANALYTICS_FIELDS)[number]>, never> = {};
void allFieldsListed;

/**
 * Job payload of the analytics queue: one batch of records from one gateway node, column by
 * column (each field's values in request order). Without the field names repeated per record it
 * is about half the bytes of an array of objects to serialise and ship, and it is the shape the
 * storing statement takes.
 */
export interface AnalyticsBatch {
  count: number;
  columns: { [K in keyof AnalyticsRecord]: Array<AnalyticsRecord[K]> };
}

export function analyticsBatch(records: readonly AnalyticsRecord[]): AnalyticsBatch {
  const columns = {} as Record<keyof AnalyticsRecord, unknown[]>;
  for (const field of ANALYTICS_FIELDS) columns[field] = records.map((r) => r[field]);
  return { count: records.length, columns: columns as AnalyticsBatch['columns'] };
}
