/** Upper bounds (ms) of the latency buckets kept in per-minute rollups; the last bucket is open. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] as const;

/**
 * One request through a gateway, with WSO2's analytics fields. A WebSocket connection or an event
 * stream is one record too, made when it ends, with its message counts.
 */
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
  /** messages from the client (WebSocket), or null for an exchange that is no connection or stream */
  messagesIn: number | null;
  /** messages (WebSocket) or events (Server-Sent Events) to the client; null as messagesIn */
  messagesOut: number | null;
}

/** BullMQ queue that gateways ship analytics batches to. */
export const ANALYTICS_QUEUE = 'apim-analytics';

/** Every field of a record: the order of a batch's columns, then the message counts (sent apart). */
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
  'messagesIn',
  'messagesOut',
] as const satisfies ReadonlyArray<keyof AnalyticsRecord>;

// a field added to AnalyticsRecord but not to ANALYTICS_FIELDS fails to compile here
const allFieldsListed: Record<Exclude<keyof AnalyticsRecord, (typeof ANALYTICS_FIELDS)[number]>, never> = {};
void allFieldsListed;

/** One request as a gateway records it: the stored record, its time as epoch milliseconds. */
export type AnalyticsEvent = Omit<AnalyticsRecord, 'requestTimestamp'> & { requestTimeMs: number };

/** Fields sent as they are: unique per event, the time, and the numbers. */
const PLAIN_FIELDS = new Set<keyof AnalyticsRecord>([
  'eventId',
  'requestTimestamp',
  'correlationId',
  'proxyResponseCode',
  'targetResponseCode',
  'backendLatency',
  'requestMediationLatency',
  'responseMediationLatency',
  'responseLatency',
]);

/** Fields only WebSocket connections and event streams have: sent for those records alone. */
const STREAM_FIELDS = ['messagesIn', 'messagesOut'] as const;
type StreamField = (typeof STREAM_FIELDS)[number];
/** Fields every record sends, one column each. */
type ColumnField = Exclude<(typeof ANALYTICS_FIELDS)[number], StreamField>;
const COLUMN_FIELDS = ANALYTICS_FIELDS.filter(
  (f): f is ColumnField => !(STREAM_FIELDS as readonly string[]).includes(f),
);

/** The rest repeat across a batch (API, application, caller, client): sent once, then by index. */
const DICTIONARY_FIELDS = new Set(COLUMN_FIELDS.filter((f) => !PLAIN_FIELDS.has(f)));

/**
 * Job payload of the analytics queue: one batch of records from one gateway node, column by column
 * (each field's values in request order). Fields that repeat (API, application, user agent...) hold
 * an index into `strings` (-1 for null), the time is epoch milliseconds, and an event id equal to
 * the correlation id is sent as null: well under half the bytes
 * of plain columns to serialise, ship and parse, which is what a gateway pays per request for
 * analytics. `decodeAnalyticsBatch` gives the records' columns back.
 */
export interface AnalyticsBatch {
  format: 2;
  count: number;
  strings: string[];
  columns: Record<ColumnField, Array<string | number | null>>;
  /**
   * The message counts of the records that are WebSocket connections or event streams, few among
   * requests: their positions in the batch (ascending) and their counts. Absent when no record has
   * any, so a batch of plain requests costs what it did before counts existed (and a batch from a
   * gateway older than them reads as one).
   */
  streams?: StreamCounts;
}

interface StreamCounts {
  at: number[];
  messagesIn: Array<number | null>;
  messagesOut: Array<number | null>;
}

/** Builds one batch record by record; `take()` hands it over and starts the next. */
export class AnalyticsBatchBuilder {
  private strings: string[] = [];
  private index = new Map<string, number>();
  private lastValue: Array<string | undefined> = [];
  private lastIndex: number[] = [];
  private columns = AnalyticsBatchBuilder.emptyColumns();
  private streams: StreamCounts | null = null;
  private n = 0;

  private static emptyColumns(): AnalyticsBatch['columns'] {
    const columns = {} as AnalyticsBatch['columns'];
    for (const f of COLUMN_FIELDS) columns[f] = [];
    return columns;
  }

  get count(): number {
    return this.n;
  }

  /** Field by field rather than a loop over names: this runs once per request on the gateway. */
  add(e: AnalyticsEvent): void {
    const c = this.columns;
    // most events' id is their correlation id (a UUID the gateway made): not sent twice
    c.eventId.push(e.eventId === e.correlationId ? null : e.eventId);
    c.requestTimestamp.push(e.requestTimeMs);
    c.correlationId.push(e.correlationId);
    c.gatewayId.push(this.code(0, e.gatewayId));
    c.apiId.push(this.code(1, e.apiId));
    c.apiName.push(this.code(2, e.apiName));
    c.apiVersion.push(this.code(3, e.apiVersion));
    c.apiContext.push(this.code(4, e.apiContext));
    c.apiResourceTemplate.push(this.code(5, e.apiResourceTemplate));
    c.apiMethod.push(this.code(6, e.apiMethod));
    c.applicationId.push(this.code(7, e.applicationId));
    c.applicationName.push(this.code(8, e.applicationName));
    c.keyType.push(this.code(9, e.keyType));
    c.userName.push(this.code(10, e.userName));
    c.proxyResponseCode.push(e.proxyResponseCode);
    c.targetResponseCode.push(e.targetResponseCode);
    c.backendLatency.push(e.backendLatency);
    c.requestMediationLatency.push(e.requestMediationLatency);
    c.responseMediationLatency.push(e.responseMediationLatency);
    c.responseLatency.push(e.responseLatency);
    c.errorCode.push(this.code(11, e.errorCode));
    c.errorType.push(this.code(12, e.errorType));
    c.userAgent.push(this.code(13, e.userAgent));
    c.userIp.push(this.code(14, e.userIp));
    if (e.messagesIn !== null || e.messagesOut !== null) this.addStream(e);
    this.n++;
  }

  private addStream(e: AnalyticsEvent): void {
    const s = (this.streams ??= { at: [], messagesIn: [], messagesOut: [] });
    s.at.push(this.n);
    s.messagesIn.push(e.messagesIn);
    s.messagesOut.push(e.messagesOut);
  }

  take(): AnalyticsBatch {
    const batch: AnalyticsBatch = { format: 2, count: this.n, strings: this.strings, columns: this.columns };
    if (this.streams) batch.streams = this.streams;
    this.streams = null;
    this.strings = [];
    this.index = new Map();
    this.lastValue = [];
    this.lastIndex = [];
    this.columns = AnalyticsBatchBuilder.emptyColumns();
    this.n = 0;
    return batch;
  }

  /**
   * The index of a dictionary field's value. Consecutive requests mostly repeat the previous value
   * (same API, same client), so each field slot remembers its last one: a comparison instead of a
   * hash lookup.
   */
  private code(slot: number, v: string | null): number {
    if (v === null) return -1;
    if (this.lastValue[slot] === v) return this.lastIndex[slot]!;
    let i = this.index.get(v);
    if (i === undefined) {
      i = this.strings.push(v) - 1;
      this.index.set(v, i);
    }
    this.lastValue[slot] = v;
    this.lastIndex[slot] = i;
    return i;
  }
}

/** A batch of whole records (what tests and tools have at hand). */
export function analyticsBatch(records: readonly AnalyticsRecord[]): AnalyticsBatch {
  const b = new AnalyticsBatchBuilder();
  for (const { requestTimestamp, ...r } of records)
    b.add({ ...r, requestTimeMs: Date.parse(requestTimestamp) });
  return b.take();
}

export type AnalyticsColumns = { [K in keyof AnalyticsRecord]: Array<AnalyticsRecord[K]> };

export class MalformedAnalyticsBatch extends Error {
  constructor(why: string) {
    super(`malformed analytics batch: ${why}`);
  }
}

/** The records' columns of a batch; throws MalformedAnalyticsBatch rather than misalign a row. */
export function decodeAnalyticsBatch(batch: AnalyticsBatch): AnalyticsColumns {
  if (batch?.format !== 2 || !Number.isInteger(batch.count) || !Array.isArray(batch.strings))
    throw new MalformedAnalyticsBatch('not a format 2 batch');
  const out = {} as Record<keyof AnalyticsRecord, unknown[]>;
  for (const f of COLUMN_FIELDS) {
    const column = batch.columns?.[f];
    if (!Array.isArray(column) || column.length !== batch.count)
      throw new MalformedAnalyticsBatch('every column must hold one value per record');
    if (f === 'requestTimestamp')
      out[f] = column.map((ms) => {
        if (typeof ms !== 'number' || !Number.isFinite(ms))
          throw new MalformedAnalyticsBatch('requestTimestamp must be epoch milliseconds');
        return new Date(ms).toISOString();
      });
    else if (DICTIONARY_FIELDS.has(f))
      out[f] = column.map((i) => {
        if (i === -1) return null;
        const v = typeof i === 'number' ? batch.strings[i] : undefined;
        if (v === undefined) throw new MalformedAnalyticsBatch(`${f} refers to no string`);
        return v;
      });
    else out[f] = column;
  }
  out.eventId = out.eventId.map((id, i) => id ?? out.correlationId[i]);
  Object.assign(out, decodeStreams(batch));
  return out as AnalyticsColumns;
}

/** The message count columns: null but for the records the batch's `streams` names. */
function decodeStreams(batch: AnalyticsBatch): Pick<AnalyticsColumns, StreamField> {
  const messagesIn = new Array<number | null>(batch.count).fill(null);
  const messagesOut = new Array<number | null>(batch.count).fill(null);
  const s = batch.streams;
  if (s == null) return { messagesIn, messagesOut };
  if (
    !Array.isArray(s.at) ||
    !Array.isArray(s.messagesIn) ||
    !Array.isArray(s.messagesOut) ||
    s.messagesIn.length !== s.at.length ||
    s.messagesOut.length !== s.at.length
  )
    throw new MalformedAnalyticsBatch('streams must hold a position and both counts per connection');
  s.at.forEach((i, k) => {
    if (!Number.isInteger(i) || i < 0 || i >= batch.count || (k > 0 && i <= s.at[k - 1]!))
      throw new MalformedAnalyticsBatch('streams positions must be ascending indexes of records');
    messagesIn[i] = messageCount(s.messagesIn[k]);
    messagesOut[i] = messageCount(s.messagesOut[k]);
  });
  return { messagesIn, messagesOut };
}

function messageCount(n: unknown): number | null {
  if (n === null || (Number.isSafeInteger(n) && (n as number) >= 0)) return n as number | null;
  throw new MalformedAnalyticsBatch('message counts must be whole numbers from 0');
}
