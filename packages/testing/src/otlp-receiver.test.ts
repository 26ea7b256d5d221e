import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.js';

// The receiver is checked against the official OpenTelemetry exporters: what they send is what a
// gateway sends, so the spans, logs and metrics read back must be the ones made here.
describe('startOtlpReceiver', () => {
  let receiver: OtlpReceiver;
  const resource = resourceFromAttributes({ 'service.name': 'receiver-test' });

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  async function exportSpans(exporter: SpanExporter, name: string): Promise<void> {
    const provider = new TracerProvider({
      resource,
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    const tracer = provider.getTracer('receiver-test-scope');
    const parent = tracer.startSpan(name, {
      kind: SpanKind.SERVER,
      attributes: { 'http.response.status_code': 503 },
    });
    tracer
      .startSpan(
        `${name} child`,
        { attributes: { flag: true, ratio: 0.5, tags: ['a', 'b'] } },
        trace.setSpan(ROOT_CONTEXT, parent),
      )
      .end();
    parent.setStatus({ code: SpanStatusCode.ERROR, message: 'backend down' });
    parent.addEvent('retry', { attempt: 2 });
    parent.end();
    await provider.shutdown();
  }

  it('decodes spans sent as protobuf and as JSON, with ids in hex and parents linked', async () => {
    const url = `${receiver.url}/v1/traces`;
    await exportSpans(new ProtoTraceExporter({ url }), 'proto');
    await exportSpans(new JsonTraceExporter({ url }), 'json');

    for (const name of ['proto', 'json']) {
      const parent = receiver.spans().find((s) => s.name === name);
      const child = receiver.spans().find((s) => s.name === `${name} child`);
      expect(parent).toMatchObject({
        kind: 2,
        parentSpanId: '',
        attributes: { 'http.response.status_code': 503 },
        status: { code: 2, message: 'backend down' },
        events: [{ name: 'retry', attributes: { attempt: 2 } }],
        resource: { 'service.name': 'receiver-test' },
        scope: 'receiver-test-scope',
      });
      expect(parent?.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(parent?.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(child).toMatchObject({
        traceId: parent?.traceId,
        parentSpanId: parent?.spanId,
        kind: 1,
        attributes: { flag: true, ratio: 0.5, tags: ['a', 'b'] },
      });
      expect(BigInt(child!.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(child!.startTimeUnixNano));
    }
    expect(receiver.requests().traces).toBeGreaterThanOrEqual(2);
    expect(receiver.received().spans).toBe(receiver.spans().length);
  });

  it('counts without keeping when told not to keep', async () => {
    const counting = await startOtlpReceiver({ keep: false });
    try {
      await exportSpans(new ProtoTraceExporter({ url: `${counting.url}/v1/traces` }), 'counted');
      expect(counting.received().spans).toBe(2);
      expect(counting.spans()).toEqual([]);
    } finally {
      await counting.close();
    }
  });

  it('decodes metrics: a counter as a monotonic sum, a histogram with its buckets', async () => {
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${receiver.url}/v1/metrics` }),
      exportIntervalMillis: 60_000,
    });
    const provider = new MeterProvider({ resource, readers: [reader] });
    const meter = provider.getMeter('receiver-test-meter');
    meter.createCounter('requests', { unit: '{request}' }).add(3, { api: 'pets' });
    meter
      .createHistogram('latency', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 100] } })
      .record(42);
    await provider.shutdown();

    const requests = receiver.metrics().find((m) => m.name === 'requests');
    expect(requests).toMatchObject({
      type: 'sum',
      monotonic: true,
      unit: '{request}',
      scope: 'receiver-test-meter',
      resource: { 'service.name': 'receiver-test' },
      points: [{ attributes: { api: 'pets' }, value: 3 }],
    });
    expect(receiver.metrics().find((m) => m.name === 'latency')).toMatchObject({
      type: 'histogram',
      points: [{ count: 1, sum: 42, explicitBounds: [10, 100], bucketCounts: [0, 1, 0] }],
    });
  });

  it('decodes log records with their body, severity and attributes', async () => {
    const provider = new LoggerProvider({
      resource,
      processors: [
        new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${receiver.url}/v1/logs` }) }),
      ],
    });
    provider.getLogger('receiver-test-logger').emit({
      severityNumber: 17,
      severityText: 'ERROR',
      body: 'backend refused',
      attributes: { 'api.name': 'pets', status: 502 },
    });
    await provider.shutdown();

    expect(receiver.logs()).toContainEqual(
      expect.objectContaining({
        severityNumber: 17,
        severityText: 'ERROR',
        body: 'backend refused',
        attributes: { 'api.name': 'pets', status: 502 },
        resource: { 'service.name': 'receiver-test' },
        scope: 'receiver-test-logger',
      }),
    );
  });

  it('answers 404 to another path and 400 to a body it cannot decode', async () => {
    expect((await fetch(`${receiver.url}/v1/other`, { method: 'POST' })).status).toBe(404);
    const bad = await fetch(`${receiver.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
  });
});
