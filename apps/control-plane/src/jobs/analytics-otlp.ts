/**
 * The OpenTelemetry analytics sink (APIM_ANALYTICS_OTLP_ENDPOINT): each gateway batch goes to an
 * OTLP/HTTP endpoint (a collector, which feeds Prometheus, Grafana, ClickHouse, Elastic...) as
 * metrics (per rollup row: requests, errors, throttled requests as delta sums, and the latency
 * histogram with the console's buckets, over the row's minute) and its raw events as log records.
 * The official exporters send them; the data points are built here from the gateways' rollups
 * rather than recorded through a MeterProvider, which would re-aggregate over its own intervals
 * and lose the rows' minutes.
 */
import { SeverityNumber, ValueType, type Attributes } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { LATENCY_BUCKETS_MS, type AggregateRow, type AnalyticsRecord } from '@apim/contracts';
import type { Logger } from '@apim/service';
import type { AnalyticsDelivery, AnalyticsSink } from './analytics-sink.js';

const SCOPE = { name: '@apim/analytics' };
/** exports waiting for the collector at once, at most */
const MAX_IN_FLIGHT = 64;
const BOUNDARIES = [...LATENCY_BUCKETS_MS];

const hrTime = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];

/** A row's dimensions as OpenTelemetry attributes (semantic conventions' names where they exist). */
function rowAttributes(r: AggregateRow): Attributes {
  return {
    'apim.api.id': r.apiId,
    'apim.application.id': r.applicationId,
    'http.route': r.resourceTemplate,
    'http.request.method': r.method,
    'apim.key_type': r.keyType,
    'http.response.status_class': `${r.statusClass}xx`,
    'apim.error.code': r.errorCode,
  };
}

function sum(name: string, description: string, unit: string, points: DataPoint<number>[]): MetricData {
  return {
    descriptor: { name, description, unit, valueType: ValueType.INT },
    aggregationTemporality: AggregationTemporality.DELTA,
    dataPointType: DataPointType.SUM,
    isMonotonic: true,
    dataPoints: points,
  };
}

/** The metrics of a batch's rows: each row a data point over its minute. */
export function metricsOf(rows: readonly AggregateRow[]): MetricData[] {
  const point = <T>(r: AggregateRow, value: T): DataPoint<T> => ({
    startTime: hrTime(r.minute),
    endTime: hrTime(r.minute + 60_000),
    attributes: rowAttributes(r),
    value,
  });
  const streams = rows.filter((r) => r.connections > 0);
  return [
    sum(
      'apim.requests',
      'Requests through the gateways',
      '{request}',
      rows.map((r) => point(r, r.requests)),
    ),
    sum(
      'apim.errors',
      'Answers with status 400 or more (throttled ones included)',
      '{request}',
      rows.map((r) => point(r, r.errors)),
    ),
    sum(
      'apim.throttled',
      'Requests refused by throttling',
      '{request}',
      rows.map((r) => point(r, r.throttled)),
    ),
    {
      descriptor: {
        name: 'apim.request.duration',
        description: 'Response latency of requests through the gateways',
        unit: 'ms',
        valueType: ValueType.INT,
      },
      aggregationTemporality: AggregationTemporality.DELTA,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: rows.map((r) =>
        point(r, {
          buckets: { boundaries: BOUNDARIES, counts: r.latencyBuckets },
          sum: r.latencySumMs,
          count: r.requests,
          max: r.latencyMaxMs,
        }),
      ),
    },
    ...(streams.length === 0
      ? []
      : [
          sum(
            'apim.connections',
            'WebSocket connections and event streams, counted as they ended',
            '{connection}',
            streams.map((r) => point(r, r.connections)),
          ),
          sum(
            'apim.messages.in',
            'Messages from clients',
            '{message}',
            streams.map((r) => point(r, r.messagesIn)),
          ),
          sum(
            'apim.messages.out',
            'Messages and events to clients',
            '{message}',
            streams.map((r) => point(r, r.messagesOut)),
          ),
        ]),
  ];
}

const severityOf = (status: number) =>
  status >= 500
    ? { severityNumber: SeverityNumber.ERROR, severityText: 'ERROR' }
    : status >= 400
      ? { severityNumber: SeverityNumber.WARN, severityText: 'WARN' }
      : { severityNumber: SeverityNumber.INFO, severityText: 'INFO' };

/** The raw events of a batch as log records: WSO2's analytics fields as `apim.*` attributes. */
export function logsOf(batch: AnalyticsDelivery, resource: Resource): ReadableLogRecord[] {
  const e = batch.events;
  if (!e) return [];
  const fields = Object.keys(e) as Array<keyof AnalyticsRecord>;
  return e.eventId.map((_, i) => {
    const attributes: Attributes = { 'apim.sample_rate': batch.sampleRate };
    for (const f of fields) {
      const v = e[f][i];
      if (v !== null && v !== undefined) attributes[`apim.${f}`] = v;
    }
    const time = hrTime(Date.parse(e.requestTimestamp[i]!));
    const status = e.proxyResponseCode[i]!;
    return {
      hrTime: time,
      hrTimeObserved: time,
      ...severityOf(status),
      body: `${e.apiMethod[i]} ${e.apiContext[i] ?? ''}${e.apiResourceTemplate[i] ?? ''} ${status}`,
      eventName: 'apim.request',
      resource,
      instrumentationScope: SCOPE,
      attributes,
      droppedAttributesCount: 0,
    };
  });
}

/** The exporters' callback API as a promise that fails on a failed export. */
function exported(run: (done: (r: ExportResult) => void) => void): Promise<void> {
  return new Promise((resolve, reject) =>
    run((r) =>
      r.code === ExportResultCode.SUCCESS ? resolve() : reject(r.error ?? new Error('OTLP export failed')),
    ),
  );
}

export class OtlpAnalyticsExporter implements AnalyticsSink {
  readonly name = 'otlp';
  private readonly metrics: OTLPMetricExporter;
  private readonly logs: OTLPLogExporter;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** exports dropped since the collector last kept up */
  private dropped = 0;

  /** `endpoint`: the base URL (signals' paths /v1/metrics and /v1/logs are appended). */
  constructor(
    endpoint: string,
    private readonly log: Logger,
  ) {
    const base = endpoint.replace(/\/+$/, '');
    this.metrics = new OTLPMetricExporter({
      url: `${base}/v1/metrics`,
      temporalityPreference: AggregationTemporality.DELTA,
    });
    this.logs = new OTLPLogExporter({ url: `${base}/v1/logs` });
  }

  /**
   * Starts exporting one batch and returns: the job (and the Postgres merge of the batches after
   * it) never waits for the collector, which may take the exporters' timeout (10 s) to fail. A
   * collector that is away loses the exports, logged, not the batches (the Postgres store has
   * them; retrying the job would not export them again, merged already). At most MAX_IN_FLIGHT
   * exports wait at once; beyond that a batch's export is dropped, so memory stays bounded.
   */
  write(batch: AnalyticsDelivery): void {
    if (this.inFlight.size >= MAX_IN_FLIGHT) {
      this.dropped++;
      if (this.dropped === 1)
        this.log.warn({ batchId: batch.batchId }, 'OTLP collector slow: analytics exports dropped');
      return;
    }
    const resource = resourceFromAttributes({
      'service.name': 'apim-gateway',
      'service.instance.id': batch.gatewayId,
    });
    const data: ResourceMetrics = {
      resource,
      scopeMetrics: [{ scope: SCOPE, metrics: metricsOf(batch.rows) }],
    };
    const records = logsOf(batch, resource);
    const exporting = Promise.all([
      batch.rows.length > 0 ? exported((done) => this.metrics.export(data, done)) : undefined,
      records.length > 0 ? exported((done) => this.logs.export(records, done)) : undefined,
    ])
      .then(() => {
        if (this.dropped > 0) this.log.info({ dropped: this.dropped }, 'OTLP collector keeps up again');
        this.dropped = 0;
      })
      .catch((e: unknown) =>
        this.log.warn(
          { err: (e as Error).message, batchId: batch.batchId },
          'analytics batch not exported over OTLP',
        ),
      )
      .finally(() => this.inFlight.delete(exporting));
    this.inFlight.add(exporting);
  }

  /** Exports still under way (tests wait for them; close does). */
  settled(): Promise<void> {
    return Promise.all(this.inFlight).then(() => undefined);
  }

  async close(): Promise<void> {
    await this.settled();
    await Promise.all([this.metrics.shutdown(), this.logs.shutdown()]);
  }
}
