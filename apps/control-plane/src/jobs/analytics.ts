/**
 * Stores the analytics the gateways ship: each batch from the BullMQ analytics queue becomes raw
 * analytics_event rows and analytics_minute rollups (requests, errors, latencies, and the
 * connections and messages of WebSocket and event-stream APIs). It runs with the control plane's other jobs,
 * never on gateway machines, and any number of control planes may run it (BullMQ hands each batch
 * to one of them; a failed batch is retried with back-off).
 */
import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import {
  ANALYTICS_QUEUE,
  LATENCY_BUCKETS_MS,
  decodeAnalyticsBatch,
  MalformedAnalyticsBatch,
  type AnalyticsBatch,
  type AnalyticsRecord,
} from '@apim/contracts';
import type { PrismaClient } from '@apim/db';
import type { Logger } from '@apim/service';

/** analytics_event columns and the Postgres array type each is sent as. */
const COLUMNS: Array<[keyof AnalyticsRecord, string, string]> = [
  ['eventId', 'event_id', 'uuid'],
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
  ['messagesIn', 'messages_in', 'int'],
  ['messagesOut', 'messages_out', 'int'],
];

/**
 * A latency's bucket: the first bound it does not exceed (the last bucket is open). Latencies are
 * whole milliseconds, so "bounds below ms" is width_bucket over ms - 1.
 */
const BUCKET = `width_bucket(response_latency - 1, '{${LATENCY_BUCKETS_MS.join(',')}}'::int[])`;

/**
 * Adds the bucketed rows (see STORE_BATCH) to a rollup table: per `unit` ('minute' or 'hour',
 * also the name of the table's time column), API and application.
 */
const addToRollup = (table: string, unit: 'minute' | 'hour') => `
INSERT INTO ${table} (${unit}, api_id, application_id, request_count, error_count, throttled_count,
                      latency_sum_ms, latency_max_ms, latency_buckets,
                      connection_count, messages_in, messages_out)
SELECT date_trunc('${unit}', request_timestamp), api_id, application_id,
       count(*),
       count(*) FILTER (WHERE proxy_response_code >= 400),
       count(*) FILTER (WHERE proxy_response_code = 429 OR error_code ~ '^9008[0-9][0-9]$'),
       sum(response_latency),
       max(response_latency),
       ARRAY[${Array.from(
         { length: LATENCY_BUCKETS_MS.length + 1 },
         (_, i) => `count(*) FILTER (WHERE bucket = ${i})::int`,
       ).join(', ')}],
       count(*) FILTER (WHERE messages_in IS NOT NULL OR messages_out IS NOT NULL),
       coalesce(sum(messages_in), 0),
       coalesce(sum(messages_out), 0)
FROM bucketed
GROUP BY 1, 2, 3
ON CONFLICT (${unit}, api_id, application_id) DO UPDATE SET
  request_count = ${table}.request_count + EXCLUDED.request_count,
  error_count = ${table}.error_count + EXCLUDED.error_count,
  throttled_count = ${table}.throttled_count + EXCLUDED.throttled_count,
  latency_sum_ms = ${table}.latency_sum_ms + EXCLUDED.latency_sum_ms,
  latency_max_ms = GREATEST(${table}.latency_max_ms, EXCLUDED.latency_max_ms),
  latency_buckets = ARRAY(
    SELECT COALESCE(a, 0) + COALESCE(b, 0)
    FROM unnest(${table}.latency_buckets, EXCLUDED.latency_buckets) WITH ORDINALITY AS t(a, b, i)
    ORDER BY i),
  connection_count = ${table}.connection_count + EXCLUDED.connection_count,
  messages_in = ${table}.messages_in + EXCLUDED.messages_in,
  messages_out = ${table}.messages_out + EXCLUDED.messages_out`;

/**
 * One statement per batch, so it is one transaction: the events are inserted from arrays (one
 * parameter per column), an event already stored (same event id) is skipped, and only the rows
 * actually inserted are added to the per-minute and hourly rollups. Storing a batch twice
 * therefore changes nothing the second time.
 */
const STORE_BATCH = `
WITH inserted AS (
  INSERT INTO analytics_event (${COLUMNS.map((c) => c[1]).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map((c, i) => `$${i + 1}::${c[2]}[]`).join(', ')})
  ON CONFLICT (event_id) DO NOTHING
  RETURNING request_timestamp, api_id, application_id, proxy_response_code, error_code, response_latency,
            messages_in, messages_out
), bucketed AS (
  SELECT request_timestamp,
         coalesce(api_id, '') AS api_id,
         coalesce(application_id, '') AS application_id,
         proxy_response_code, error_code, response_latency, ${BUCKET} AS bucket,
         messages_in, messages_out
  FROM inserted
), by_minute AS (${addToRollup('analytics_minute', 'minute')}
)${addToRollup('analytics_hour', 'hour')}`;

/** Stores one batch (see STORE_BATCH); a batch that fails stores nothing and may be retried. */
export async function storeAnalyticsBatch(prisma: PrismaClient, batch: AnalyticsBatch): Promise<void> {
  // a column missing or of another length would store misaligned rows: decoding refuses the batch
  const decoded = decodeAnalyticsBatch(batch);
  if (batch.count === 0) return;
  await prisma.$executeRawUnsafe(STORE_BATCH, ...COLUMNS.map(([field]) => decoded[field]));
}

export function startAnalyticsWorker(options: {
  prisma: PrismaClient;
  connection: ConnectionOptions;
  prefix: string;
  log: Logger;
}): { close(): Promise<void> } {
  const worker = new Worker<AnalyticsBatch>(
    ANALYTICS_QUEUE,
    async (job) => {
      try {
        await storeAnalyticsBatch(options.prisma, job.data);
      } catch (e) {
        // retrying cannot mend a malformed batch: fail it at once (it stays in the failed set)
        throw e instanceof MalformedAnalyticsBatch ? new UnrecoverableError(e.message) : e;
      }
    },
    { connection: options.connection, prefix: options.prefix, concurrency: 2 },
  );
  worker.on('failed', (job, err) =>
    options.log.warn({ jobId: job?.id, err: err.message }, 'analytics batch not stored; will retry'),
  );
  // BullMQ reports connection trouble as 'error' events; without a listener they would crash the process.
  worker.on('error', (err) => options.log.warn({ err }, 'analytics queue error'));
  return { close: () => worker.close() };
}
