import type pg from 'pg';
import { LATENCY_BUCKETS_MS, type AnalyticsRecord } from '@apim/contracts';

interface Rollup {
  minute: Date;
  apiId: string;
  applicationId: string;
  requests: number;
  errors: number;
  throttled: number;
  latencySum: number;
  latencyMax: number;
  buckets: number[];
}

function bucketOf(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

function isThrottled(r: AnalyticsRecord): boolean {
  return r.proxyResponseCode === 429 || (r.errorCode !== null && /^9008\d\d$/.test(r.errorCode));
}

/** Per-minute sums of a batch, by API and application ('' when none). */
export function rollUp(records: readonly AnalyticsRecord[]): Rollup[] {
  const out = new Map<string, Rollup>();
  for (const r of records) {
    const t = Date.parse(r.requestTimestamp);
    const minute = new Date(t - (t % 60_000));
    const apiId = r.apiId ?? '';
    const applicationId = r.applicationId ?? '';
    const key = `${minute.getTime()}|${apiId}|${applicationId}`;
    let g = out.get(key);
    if (!g) {
      g = {
        minute,
        apiId,
        applicationId,
        requests: 0,
        errors: 0,
        throttled: 0,
        latencySum: 0,
        latencyMax: 0,
        buckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
      };
      out.set(key, g);
    }
    g.requests++;
    if (r.proxyResponseCode >= 400) g.errors++;
    if (isThrottled(r)) g.throttled++;
    g.latencySum += r.responseLatency;
    g.latencyMax = Math.max(g.latencyMax, r.responseLatency);
    g.buckets[bucketOf(r.responseLatency)]!++;
  }
  return [...out.values()];
}

/** analytics_event columns and the Postgres array type each is sent as. */
const COLUMNS: Array<[keyof AnalyticsRecord, string, string]> = [
  ['requestTimestamp', 'request_timestamp', 'timestamptz'],
  ['correlationId', 'correlation_id', 'text'],
  ['gatewayId', 'gateway_id', 'text'],
  ['apiId', 'api_id', 'text'],
  ['apiName', 'api_name', 'text'],
  ['apiVersion', 'api_version', 'text'],
  ['apiContext', 'api_context', 'text'],
  ['apiResourceTemplate', 'api_resource_template', 'text'],
  ['apiMethod', 'api_method', 'text'],
  ['applicationId', 'application_id', 'text'],
  ['applicationName', 'application_name', 'text'],
  ['keyType', 'key_type', 'text'],
  ['userName', 'user_name', 'text'],
  ['proxyResponseCode', 'proxy_response_code', 'int'],
  ['targetResponseCode', 'target_response_code', 'int'],
  ['backendLatency', 'backend_latency', 'int'],
  ['requestMediationLatency', 'request_mediation_latency', 'int'],
  ['responseMediationLatency', 'response_mediation_latency', 'int'],
  ['responseLatency', 'response_latency', 'int'],
  ['errorCode', 'error_code', 'text'],
  ['errorType', 'error_type', 'text'],
  ['userAgent', 'user_agent', 'text'],
  ['userIp', 'user_ip', 'text'],
];

const INSERT_EVENTS = `INSERT INTO analytics_event (${COLUMNS.map((c) => c[1]).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map((c, i) => `$${i + 1}::${c[2]}[]`).join(', ')})`;

const UPSERT_MINUTE = `
  INSERT INTO analytics_minute (minute, api_id, application_id, request_count, error_count, throttled_count,
                                latency_sum_ms, latency_max_ms, latency_buckets)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::int[])
  ON CONFLICT (minute, api_id, application_id) DO UPDATE SET
    request_count = analytics_minute.request_count + EXCLUDED.request_count,
    error_count = analytics_minute.error_count + EXCLUDED.error_count,
    throttled_count = analytics_minute.throttled_count + EXCLUDED.throttled_count,
    latency_sum_ms = analytics_minute.latency_sum_ms + EXCLUDED.latency_sum_ms,
    latency_max_ms = GREATEST(analytics_minute.latency_max_ms, EXCLUDED.latency_max_ms),
    latency_buckets = ARRAY(
      SELECT COALESCE(a, 0) + COALESCE(b, 0)
      FROM unnest(analytics_minute.latency_buckets, EXCLUDED.latency_buckets) WITH ORDINALITY AS t(a, b, i)
      ORDER BY i)`;

/**
 * Stores one batch, the raw events (one multi-row INSERT over arrays) and the per-minute rollups, in
 * one transaction. Plain SQL on pg: at gateway rates an ORM's per-row work would cost more CPU than
 * the requests it records.
 */
export async function storeAnalyticsBatch(pool: pg.Pool, records: readonly AnalyticsRecord[]): Promise<void> {
  if (records.length === 0) return;
  const client = await pool.connect();
  // A connection lost mid-batch fails the batch (BullMQ retries it); without a listener pg would
  // also raise the loss as an uncaught 'error' on the checked-out client.
  const ignore = () => undefined;
  client.on('error', ignore);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(
      INSERT_EVENTS,
      COLUMNS.map(([field]) => records.map((r) => r[field])),
    );
    for (const g of rollUp(records))
      await client.query(UPSERT_MINUTE, [
        g.minute,
        g.apiId,
        g.applicationId,
        g.requests,
        g.errors,
        g.throttled,
        g.latencySum,
        g.latencyMax,
        g.buckets,
      ]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    broken = e as Error;
    throw e;
  } finally {
    client.removeListener('error', ignore);
    // a client that failed is destroyed rather than handed to the next batch
    client.release(broken);
  }
}
