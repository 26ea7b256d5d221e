import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

/**
 * A real OTLP/HTTP receiver for tests: what an OpenTelemetry collector's `otlp` receiver accepts on
 * `/v1/traces`, `/v1/metrics` and `/v1/logs`, protobuf (`application/x-protobuf`, decoded with the
 * official opentelemetry-proto definitions shipped in ../proto) or JSON (`application/json`, OTLP's
 * JSON mapping: hex trace and span ids), gzip or not. What it received is flattened into spans, log
 * records and metric data points with their resource's and scope's attributes, so a test reads
 * `receiver.spans().filter(...)` instead of walking nested export requests.
 */

export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** SpanKind as in the proto: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  /** Status code as in the proto: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  events: { name: string; attributes: Attributes }[];
  resource: Attributes;
  scope: string;
}

export interface ReceivedLogRecord {
  timeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  attributes: Attributes;
  traceId: string;
  spanId: string;
  resource: Attributes;
  scope: string;
}

export interface ReceivedDataPoint {
  attributes: Attributes;
  startTimeUnixNano: string;
  timeUnixNano: string;
  /** A sum's or gauge's value. */
  value?: number;
  /** A histogram's count, sum and buckets. */
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
}

export interface ReceivedMetric {
  name: string;
  description: string;
  unit: string;
  type: 'sum' | 'gauge' | 'histogram' | 'exponentialHistogram' | 'summary';
  /** For a sum: whether it only goes up. */
  monotonic?: boolean;
  points: ReceivedDataPoint[];
  resource: Attributes;
  scope: string;
}

export interface OtlpReceiver {
  /** Base URL, as `OTEL_EXPORTER_OTLP_ENDPOINT` takes it (exporters append /v1/traces...). */
  url: string;
  spans(): ReceivedSpan[];
  logs(): ReceivedLogRecord[];
  metrics(): ReceivedMetric[];
  /** Export requests received per signal, whatever they held. */
  requests(): { traces: number; metrics: number; logs: number };
  /** Spans, log records and metrics received, kept or not. */
  received(): { spans: number; logs: number; metrics: number };
  close(): Promise<void>;
}

const PROTO_DIR = fileURLToPath(new URL('../proto/', import.meta.url));

type Signal = 'traces' | 'metrics' | 'logs';
const REQUEST_TYPES: Record<Signal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
  metrics: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
  logs: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
};

let protoRoot: protobuf.Root | undefined;
function requestType(signal: Signal): protobuf.Type {
  if (!protoRoot) {
    const root = new protobuf.Root();
    // The protos import each other by their path from the proto root ("opentelemetry/proto/...").
    root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(PROTO_DIR, target));
    root.loadSync(
      ['trace/v1/trace_service', 'metrics/v1/metrics_service', 'logs/v1/logs_service'].map((f) =>
        join(PROTO_DIR, 'opentelemetry/proto/collector', `${f}.proto`),
      ),
      { keepCase: false },
    );
    protoRoot = root;
  }
  return protoRoot.lookupType(REQUEST_TYPES[signal]);
}

function decode(signal: Signal, body: Buffer): Message {
  const type = requestType(signal);
  return type.toObject(type.decode(body), { longs: String, enums: Number }) as Message;
}

/**
 * Start a receiver on 127.0.0.1, port 0. `keep: false` decodes and counts what arrives without
 * keeping it (a benchmark's collector, which would otherwise hold every span in memory).
 */
export async function startOtlpReceiver(options: { keep?: boolean } = {}): Promise<OtlpReceiver> {
  const keep = options.keep ?? true;
  const received = { spans: 0, logs: 0, metrics: 0 };
  const take = <T>(items: T[], store: T[], kind: keyof typeof received) => {
    received[kind] += items.length;
    if (keep) store.push(...items);
  };
  const spans: ReceivedSpan[] = [];
  const logs: ReceivedLogRecord[] = [];
  const metrics: ReceivedMetric[] = [];
  const counts = { traces: 0, metrics: 0, logs: 0 };

  const server = http.createServer((req, res) => {
    const signal = signalOf(req.url);
    if (req.method !== 'POST' || !signal) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = (req.headers['content-type'] ?? '').startsWith('application/json');
      try {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const message = json ? (JSON.parse(body.toString('utf8')) as Message) : decode(signal, body);
        counts[signal] += 1;
        if (signal === 'traces') take(flattenSpans(message), spans, 'spans');
        else if (signal === 'logs') take(flattenLogs(message), logs, 'logs');
        else take(flattenMetrics(message), metrics, 'metrics');
        // An empty Export*ServiceResponse: full success.
        res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
        res.end(json ? '{}' : undefined);
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...spans],
    logs: () => [...logs],
    metrics: () => [...metrics],
    requests: () => ({ ...counts }),
    received: () => ({ ...received }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function signalOf(url: string | undefined): Signal | undefined {
  const path = (url ?? '').split('?')[0];
  if (path === '/v1/traces') return 'traces';
  if (path === '/v1/metrics') return 'metrics';
  if (path === '/v1/logs') return 'logs';
  return undefined;
}

// A decoded export request (protobufjs's toObject with camelCase fields) or its OTLP/JSON form: the
// same field names; ids as bytes (Buffer) in one and hex strings in the other, 64-bit integers as
// strings or numbers.
type Message = Record<string, unknown>;
type KeyValue = { key: string; value?: Message };

function list(value: unknown): Message[] {
  return Array.isArray(value) ? (value as Message[]) : [];
}

function hexId(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return typeof value === 'string' ? value.toLowerCase() : '';
}

function nanos(value: unknown): string {
  return value === undefined || value === null ? '0' : String(value);
}

function num(value: unknown): number {
  return value === undefined || value === null ? 0 : Number(value);
}

function anyValue(v: Message | undefined): AttributeValue {
  if (!v) return null;
  if ('stringValue' in v) return v.stringValue as string;
  if ('boolValue' in v) return Boolean(v.boolValue);
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('arrayValue' in v) return list((v.arrayValue as Message | undefined)?.values).map(anyValue);
  if ('kvlistValue' in v) return attributes((v.kvlistValue as Message | undefined)?.values);
  if ('bytesValue' in v) return hexId(v.bytesValue);
  return null;
}

function attributes(kvs: unknown): Attributes {
  const out: Attributes = {};
  for (const kv of list(kvs) as unknown as KeyValue[]) out[kv.key] = anyValue(kv.value);
  return out;
}

/** Each scope's items with their resource's attributes and scope's name. */
function scoped(
  message: Message,
  resourceField: string,
  scopeField: string,
  itemField: string,
): { item: Message; resource: Attributes; scope: string }[] {
  const out: { item: Message; resource: Attributes; scope: string }[] = [];
  for (const rs of list(message[resourceField])) {
    const resource = attributes((rs.resource as Message | undefined)?.attributes);
    for (const ss of list(rs[scopeField])) {
      const scope = String((ss.scope as Message | undefined)?.name ?? '');
      for (const item of list(ss[itemField])) out.push({ item, resource, scope });
    }
  }
  return out;
}

function flattenSpans(message: Message): ReceivedSpan[] {
  return scoped(message, 'resourceSpans', 'scopeSpans', 'spans').map(({ item: s, resource, scope }) => {
    const status = (s.status as Message | undefined) ?? {};
    return {
      traceId: hexId(s.traceId),
      spanId: hexId(s.spanId),
      parentSpanId: hexId(s.parentSpanId),
      name: String(s.name ?? ''),
      kind: num(s.kind),
      startTimeUnixNano: nanos(s.startTimeUnixNano),
      endTimeUnixNano: nanos(s.endTimeUnixNano),
      attributes: attributes(s.attributes),
      status: { code: num(status.code), message: String(status.message ?? '') },
      events: list(s.events).map((e) => ({
        name: String(e.name ?? ''),
        attributes: attributes(e.attributes),
      })),
      resource,
      scope,
    };
  });
}

function flattenLogs(message: Message): ReceivedLogRecord[] {
  return scoped(message, 'resourceLogs', 'scopeLogs', 'logRecords').map(({ item: r, resource, scope }) => ({
    timeUnixNano: nanos(r.timeUnixNano),
    severityNumber: num(r.severityNumber),
    severityText: String(r.severityText ?? ''),
    body: anyValue(r.body as Message | undefined),
    attributes: attributes(r.attributes),
    traceId: hexId(r.traceId),
    spanId: hexId(r.spanId),
    resource,
    scope,
  }));
}

const METRIC_TYPES = ['sum', 'gauge', 'histogram', 'exponentialHistogram', 'summary'] as const;

function flattenMetrics(message: Message): ReceivedMetric[] {
  return scoped(message, 'resourceMetrics', 'scopeMetrics', 'metrics').map(({ item: m, resource, scope }) => {
    const type = METRIC_TYPES.find((t) => m[t] !== undefined) ?? 'gauge';
    const data = (m[type] as Message | undefined) ?? {};
    return {
      name: String(m.name ?? ''),
      description: String(m.description ?? ''),
      unit: String(m.unit ?? ''),
      type,
      ...(type === 'sum' ? { monotonic: Boolean(data.isMonotonic) } : {}),
      points: list(data.dataPoints).map(dataPoint),
      resource,
      scope,
    };
  });
}

function dataPoint(p: Message): ReceivedDataPoint {
  const point: ReceivedDataPoint = {
    attributes: attributes(p.attributes),
    startTimeUnixNano: nanos(p.startTimeUnixNano),
    timeUnixNano: nanos(p.timeUnixNano),
  };
  if ('asInt' in p) point.value = num(p.asInt);
  else if ('asDouble' in p) point.value = num(p.asDouble);
  if ('count' in p) {
    point.count = num(p.count);
    if ('sum' in p) point.sum = num(p.sum);
    if (Array.isArray(p.bucketCounts)) point.bucketCounts = p.bucketCounts.map(num);
    if (Array.isArray(p.explicitBounds)) point.explicitBounds = p.explicitBounds.map(num);
  }
  return point;
}
