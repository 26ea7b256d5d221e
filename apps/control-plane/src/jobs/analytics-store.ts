/**
 * The built-in analytics sink: one Postgres transaction per gateway batch, on a pg connection of
 * its own (Prisma has no COPY). The batch id is recorded first (analytics_batch): a batch seen
 * before changes nothing. The raw events go in with COPY into a temporary table, then into
 * analytics_event skipping an event id stored already; the rollup rows are merged into
 * analytics_minute (all their dimensions) and analytics_hour (per API and application).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { LATENCY_BUCKET_COUNT, type AnalyticsColumns, type AnalyticsRecord } from '@apim/contracts';
import type { AnalyticsDelivery, AnalyticsSink } from './analytics-sink.js';

/** analytics_event's columns, in the order COPY sends them. */
const EVENT_COLUMNS: Array<[keyof AnalyticsRecord, string]> = [
  ['eventId', 'event_id'],
  ['requestTimestamp', 'request_timestamp'],
  ['correlationId', 'correlation_id'],
  ['gatewayId', 'gateway_id'],
  ['apiId', 'api_id'],
  ['apiName', 'api_name'],
  ['apiVersion', 'api_version'],
  ['apiContext', 'api_context'],
  ['apiResourceTemplate', 'api_resource_template'],
  ['apiMethod', 'api_method'],
  ['applicationId', 'application_id'],
  ['applicationName', 'application_name'],
  ['keyType', 'key_type'],
  ['userName', 'user_name'],
  ['proxyResponseCode', 'proxy_response_code'],
  ['targetResponseCode', 'target_response_code'],
  ['backendLatency', 'backend_latency'],
  ['requestMediationLatency', 'request_mediation_latency'],
  ['responseMediationLatency', 'response_mediation_latency'],
  ['responseLatency', 'response_latency'],
  ['errorCode', 'error_code'],
  ['errorType', 'error_type'],
  ['userAgent', 'user_agent'],
  ['userIp', 'user_ip'],
  ['messagesIn', 'messages_in'],
  ['messagesOut', 'messages_out'],
];
const EVENT_COLUMN_LIST = EVENT_COLUMNS.map((c) => c[1]).join(', ');

/** Per connection, emptied at each commit. */
const CREATE_STAGING = `
CREATE TEMP TABLE IF NOT EXISTS analytics_event_incoming ON COMMIT DELETE ROWS AS
  SELECT ${EVENT_COLUMN_LIST} FROM analytics_event WITH NO DATA`;

const STORE_EVENTS = `
INSERT INTO analytics_event (${EVENT_COLUMN_LIST})
SELECT ${EVENT_COLUMN_LIST} FROM analytics_event_incoming
ON CONFLICT (event_id) DO NOTHING`;

/** A value in COPY's text format: \N for null, the four characters it reserves escaped. */
function copyText(v: string | number | null): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  return v.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** The events as COPY text, one line each. */
function copyLines(events: AnalyticsColumns, count: number): string {
  const columns = EVENT_COLUMNS.map(([f]) => events[f] as Array<string | number | null>);
  let text = '';
  for (let i = 0; i < count; i++) text += columns.map((c) => copyText(c[i]!)).join('\t') + '\n';
  return text;
}

const DIMENSIONS = [
  'api_id',
  'application_id',
  'resource_template',
  'method',
  'key_type',
  'status_class',
  'error_code',
] as const;

const bucketSums = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `sum(buckets[${i + 1}])::int`).join(
  ', ',
);

/**
 * Adds the incoming rows (CTE `incoming`) to a rollup table, grouped by `time` (its time column,
 * computed by `timeOf`) and `dims`.
 */
const mergeInto = (table: string, time: string, timeOf: string, dims: readonly string[]) => `
INSERT INTO ${table} (${time}, ${dims.join(', ')}, request_count, error_count, throttled_count,
                      latency_sum_ms, latency_max_ms, latency_buckets, connection_count, messages_in, messages_out)
SELECT ${timeOf}, ${dims.join(', ')}, sum(requests)::int, sum(errors)::int, sum(throttled)::int,
       sum(latency_sum), max(latency_max), ARRAY[${bucketSums}], sum(connections)::int,
       sum(messages_in), sum(messages_out)
FROM incoming
GROUP BY ${timeOf}, ${dims.join(', ')}
-- rows locked in key order: two batches merging into the same rows wait instead of deadlocking
ORDER BY ${timeOf}, ${dims.join(', ')}
ON CONFLICT (${time}, ${dims.join(', ')}) DO UPDATE SET
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
 * One statement for both rollups: the rows come as one array per field ($17: every row's
 * histogram one after the other, LATENCY_BUCKET_COUNT each).
 */
const MERGE_ROWS = `
WITH incoming AS (
  SELECT t.*, ($17::int[])[(n - 1) * ${LATENCY_BUCKET_COUNT} + 1 : n * ${LATENCY_BUCKET_COUNT}] AS buckets
  FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
              $8::text[], $9::int[], $10::int[], $11::int[], $12::bigint[], $13::int[], $14::int[],
              $15::bigint[], $16::bigint[])
    WITH ORDINALITY AS t(minute, ${DIMENSIONS.join(', ')}, requests, errors, throttled, latency_sum,
                         latency_max, connections, messages_in, messages_out, n)
), by_minute AS (${mergeInto('analytics_minute', 'minute', 'minute', DIMENSIONS)}
)${mergeInto('analytics_hour', 'hour', "date_trunc('hour', minute)", ['api_id', 'application_id'])}`;

function rowParameters(rows: AnalyticsDelivery['rows']): unknown[] {
  const col = <T>(f: (r: AnalyticsDelivery['rows'][number]) => T) => rows.map(f);
  return [
    col((r) => new Date(r.minute).toISOString()),
    col((r) => r.apiId),
    col((r) => r.applicationId),
    col((r) => r.resourceTemplate),
    col((r) => r.method),
    col((r) => r.keyType),
    col((r) => r.statusClass),
    col((r) => r.errorCode),
    col((r) => r.requests),
    col((r) => r.errors),
    col((r) => r.throttled),
    col((r) => r.latencySumMs),
    col((r) => r.latencyMaxMs),
    col((r) => r.connections),
    col((r) => r.messagesIn),
    col((r) => r.messagesOut),
    rows.flatMap((r) => r.latencyBuckets),
  ];
}

const ignoreConnectionError = () => undefined;

function release(client: pg.PoolClient, error?: Error): void {
  client.off('error', ignoreConnectionError);
  client.release(error);
}

export class PostgresAnalyticsStore implements AnalyticsSink {
  readonly name = 'postgres';
  private readonly pool: pg.Pool;
  /** connections that have their staging table */
  private readonly staged = new WeakSet<pg.PoolClient>();

  constructor(databaseUrl: string) {
    // as many connections as the worker runs batches at once
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    this.pool.on('error', () => undefined);
  }

  async write(batch: AnalyticsDelivery): Promise<boolean> {
    const client = await this.pool.connect();
    // pg takes the pool's listener off a client it hands out: a connection the server ends between
    // two of our queries (a Postgres restart's 57P01) would be an unhandled 'error' event and take
    // the process down. The next query fails instead, and the batch is retried.
    client.on('error', ignoreConnectionError);
    try {
      await client.query('BEGIN');
      const seen = await client.query(
        'INSERT INTO analytics_batch (batch_id, gateway_id, sample_rate) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [batch.batchId, batch.gatewayId, batch.sampleRate],
      );
      if (seen.rowCount === 0) {
        await client.query('ROLLBACK');
        release(client);
        return false;
      }
      const count = batch.events?.eventId.length ?? 0;
      if (batch.events && count > 0) {
        if (!this.staged.has(client)) {
          await client.query(CREATE_STAGING);
          this.staged.add(client);
        }
        await pipeline(
          Readable.from([copyLines(batch.events, count)]),
          client.query(copyFrom(`COPY analytics_event_incoming (${EVENT_COLUMN_LIST}) FROM STDIN`)),
        );
        await client.query(STORE_EVENTS);
      }
      if (batch.rows.length > 0) await client.query(MERGE_ROWS, rowParameters(batch.rows));
      await client.query('COMMIT');
    } catch (e) {
      // the connection goes: a failed transaction may have taken its staging table with it
      release(client, e as Error);
      throw e;
    }
    release(client);
    return true;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
