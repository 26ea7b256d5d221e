/**
 * Per-minute analytics aggregated where the requests are (each gateway worker), shipped as batches
 * of rollup rows with the few raw events worth keeping (errors, throttled requests, a sample of
 * successes). The control plane merges a batch once, whatever the number of deliveries (its
 * `batchId`), so the dashboards' counts and histograms equal what the gateways saw.
 */
import {
  LATENCY_BUCKETS_MS,
  MalformedAnalyticsBatch,
  decodeAnalyticsBatch,
  type AnalyticsBatch,
  type AnalyticsColumns,
} from './analytics.js';

/** Number of latency buckets of a rollup row: one per bound, and the open one above the last. */
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKETS_MS.length + 1;

/** A latency's bucket: the first bound it does not exceed (the last bucket is open). */
export function latencyBucket(ms: number): number {
  let i = 0;
  while (i < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[i]!) i++;
  return i;
}

const THROTTLING_CODE = /^9008\d\d$/;

/** A throttling refusal: 429 or one of WSO2's throttling error codes (900800-900899). */
export function isThrottled(status: number, errorCode: string | null): boolean {
  return status === 429 || (errorCode !== null && THROTTLING_CODE.test(errorCode));
}

/** What a rollup row is about; '' stands for none (a request that matched no API, no application). */
export interface AggregateDimensions {
  /** start of the minute, epoch milliseconds */
  minute: number;
  apiId: string;
  resourceTemplate: string;
  method: string;
  applicationId: string;
  keyType: string;
  /** the status's hundreds (2 for 2xx) */
  statusClass: number;
  errorCode: string;
}

/** The counts of a rollup row. */
export interface AggregateCounts {
  requests: number;
  /** answers with status 400 or more (throttled ones included) */
  errors: number;
  throttled: number;
  /** WebSocket connections and event streams among the requests, and their messages each way */
  connections: number;
  messagesIn: number;
  messagesOut: number;
  latencySumMs: number;
  latencyMaxMs: number;
  /** requests per latency bucket (LATENCY_BUCKETS_MS bounds, then the open bucket) */
  latencyBuckets: number[];
}

export type AggregateRow = AggregateDimensions & AggregateCounts;

/** What one request adds to its rollup row (the fields of an analytics event it needs). */
export interface AggregatedRequest {
  requestTimeMs: number;
  apiId: string | null;
  apiResourceTemplate: string | null;
  apiMethod: string;
  applicationId: string | null;
  keyType: string | null;
  proxyResponseCode: number;
  errorCode: string | null;
  responseLatency: number;
  messagesIn: number | null;
  messagesOut: number | null;
}

/** One row being counted: a class, so that V8 gives every row the same shape. */
class Cell implements AggregateCounts {
  requests = 0;
  errors = 0;
  throttled = 0;
  connections = 0;
  messagesIn = 0;
  messagesOut = 0;
  latencySumMs = 0;
  latencyMaxMs = 0;
  latencyBuckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  constructor(readonly dimensions: AggregateDimensions) {}
}

/** Rows checked by comparing dimensions before the map lookup: the most recently used ones. */
const RECENT = 8;

/**
 * Rollup rows kept in memory, merged by their dimensions. Counting a request is a lookup and a
 * few increments. Under load a worker sees the same few dimensions again and again (a handful of
 * APIs, resources, applications and statuses per minute), so the rows used last are checked
 * first by comparing their fields (strings from the same API and credential objects compare by
 * reference): only a request unlike all of them builds the map's key string.
 */
export class AnalyticsAggregator {
  private cells = new Map<string, Cell>();
  private recent: Cell[] = [];

  /** rows held */
  get size(): number {
    return this.cells.size;
  }

  /** Counts one request; false when it would need a new row and `maxRows` are held already. */
  add(r: AggregatedRequest, maxRows = Infinity): boolean {
    const minute = r.requestTimeMs - (r.requestTimeMs % 60_000);
    const statusClass = (r.proxyResponseCode / 100) | 0;
    const apiId = r.apiId ?? '';
    const resourceTemplate = r.apiResourceTemplate ?? '';
    const applicationId = r.applicationId ?? '';
    const keyType = r.keyType ?? '';
    const errorCode = r.errorCode ?? '';
    const recent = this.recent;
    let cell: Cell | undefined;
    for (let i = 0; i < recent.length; i++) {
      const d = recent[i]!.dimensions;
      if (
        d.minute === minute &&
        d.statusClass === statusClass &&
        d.apiId === apiId &&
        d.resourceTemplate === resourceTemplate &&
        d.method === r.apiMethod &&
        d.applicationId === applicationId &&
        d.keyType === keyType &&
        d.errorCode === errorCode
      ) {
        cell = recent[i];
        break;
      }
    }
    if (cell === undefined) {
      const key = `${minute}\n${apiId}\n${resourceTemplate}\n${r.apiMethod}\n${applicationId}\n${keyType}\n${statusClass}\n${errorCode}`;
      cell = this.cells.get(key);
      if (cell === undefined) {
        if (this.cells.size >= maxRows) return false;
        cell = new Cell({
          minute,
          apiId,
          resourceTemplate,
          method: r.apiMethod,
          applicationId,
          keyType,
          statusClass,
          errorCode,
        });
        this.cells.set(key, cell);
      }
      // the oldest of the recent rows makes room
      if (recent.length === RECENT) recent.pop();
      recent.unshift(cell);
    }
    const ms = r.responseLatency;
    cell.requests++;
    if (r.proxyResponseCode >= 400) cell.errors++;
    if (isThrottled(r.proxyResponseCode, r.errorCode)) cell.throttled++;
    if (r.messagesIn !== null || r.messagesOut !== null) {
      cell.connections++;
      cell.messagesIn += r.messagesIn ?? 0;
      cell.messagesOut += r.messagesOut ?? 0;
    }
    cell.latencySumMs += ms;
    if (ms > cell.latencyMaxMs) cell.latencyMaxMs = ms;
    cell.latencyBuckets[latencyBucket(ms)]!++;
    return true;
  }

  /** The rows counted so far; the aggregator starts empty again. */
  take(): AggregateRow[] {
    const rows: AggregateRow[] = [];
    for (const c of this.cells.values()) {
      const { dimensions, ...counts } = c;
      rows.push({ ...dimensions, ...counts });
    }
    this.cells = new Map();
    this.recent = [];
    return rows;
  }
}

/** The Redis job name of an aggregate batch (a batch of raw records is 'batch'). */
export const AGGREGATE_JOB = 'aggregates';

/**
 * Job payload of the analytics queue from a gateway that aggregates: its rollup rows since the
 * previous batch, and its raw events kept (errors and throttled requests, sampled successes).
 */
export interface AnalyticsAggregateBatch {
  format: 3;
  /** unique per batch: the control plane merges a batch once however often it is delivered */
  batchId: string;
  gatewayId: string;
  /** share of successful requests kept as raw events (errors and throttled ones are all kept) */
  sampleRate: number;
  rows: AggregateRow[];
  /** the raw events, as a batch of records; null when none was kept */
  events: AnalyticsBatch | null;
}

const DIMENSION_STRINGS = [
  'apiId',
  'resourceTemplate',
  'method',
  'applicationId',
  'keyType',
  'errorCode',
] as const;
const COUNT_FIELDS = [
  'requests',
  'errors',
  'throttled',
  'connections',
  'messagesIn',
  'messagesOut',
  'latencySumMs',
  'latencyMaxMs',
] as const;

const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;

/**
 * The rows and raw events of an aggregate batch, checked; throws MalformedAnalyticsBatch rather
 * than merge a row with a missing count or a histogram of another length.
 */
export function decodeAggregateBatch(batch: AnalyticsAggregateBatch): {
  rows: AggregateRow[];
  events: AnalyticsColumns | null;
} {
  if (
    batch?.format !== 3 ||
    typeof batch.batchId !== 'string' ||
    batch.batchId === '' ||
    !Array.isArray(batch.rows)
  )
    throw new MalformedAnalyticsBatch('not a format 3 batch');
  for (const r of batch.rows) {
    if (!Number.isSafeInteger(r?.minute) || r.minute % 60_000 !== 0)
      throw new MalformedAnalyticsBatch('a row needs the start of its minute');
    if (!Number.isInteger(r.statusClass) || r.statusClass < 0 || r.statusClass > 9)
      throw new MalformedAnalyticsBatch('statusClass must be 0 to 9');
    for (const f of DIMENSION_STRINGS)
      if (typeof r[f] !== 'string') throw new MalformedAnalyticsBatch(`${f} must be a string`);
    for (const f of COUNT_FIELDS)
      if (!count(r[f])) throw new MalformedAnalyticsBatch(`${f} must be a whole number from 0`);
    if (
      !Array.isArray(r.latencyBuckets) ||
      r.latencyBuckets.length !== LATENCY_BUCKET_COUNT ||
      !r.latencyBuckets.every(count)
    )
      throw new MalformedAnalyticsBatch(`latencyBuckets must hold ${LATENCY_BUCKET_COUNT} counts`);
  }
  return { rows: batch.rows, events: batch.events == null ? null : decodeAnalyticsBatch(batch.events) };
}

/**
 * Whether a successful request is kept as a raw event at `rate`: decided by a hash (FNV-1a) of its
 * correlation id, so that every gateway and every test makes the same choice for the same request
 * and no random draw is paid per request.
 */
export function sampledIn(correlationId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  let h = 0x811c9dc5;
  for (let i = 0; i < correlationId.length; i++) {
    h ^= correlationId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0 < rate * 0x1_0000_0000;
}
