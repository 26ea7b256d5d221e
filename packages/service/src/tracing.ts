import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  context,
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import type { TracingConfig } from './config.js';

/**
 * OpenTelemetry tracing shared by every app: spans exported over OTLP/HTTP (protobuf) when
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, nothing at all when
 * it is not: `startTracing` then returns null and every caller branches on that once, so no span,
 * context or header object is made per request.
 *
 * No global tracer provider is registered: each app holds its own (tests run the gateway, the key
 * manager and the control plane in one process, each with its service name), and a span's tracer
 * travels in the OpenTelemetry context (TRACER), so a client call made deep in a handler (the
 * gateway's token introspection) starts its span with the tracer of the request it serves.
 */

function samplerOf(c: TracingConfig): Sampler {
  const root = c.sampler.endsWith('always_on')
    ? new AlwaysOnSampler()
    : c.sampler.endsWith('always_off')
      ? new AlwaysOffSampler()
      : new TraceIdRatioBasedSampler(c.samplerArg);
  return c.sampler.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

/** An app's tracer and the way to flush what it holds at shutdown. */
export interface Tracing {
  readonly tracer: Tracer;
  shutdown(): Promise<void>;
}

let contextManagerSet = false;

/** The app's tracing, or null when tracing is off (then nothing else here is ever called). */
export function startTracing(config: TracingConfig, serviceName: string): Tracing | null {
  if (!config.endpoint) return null;
  if (!contextManagerSet) {
    // process-wide and the same for every app: the active span follows a request through awaits
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerSet = true;
  }
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName ?? serviceName }),
    sampler: samplerOf(config),
    // batched: a request never waits for an export, and a collector that is away costs dropped spans only
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: config.endpoint }),
        scheduledDelayMillis: config.batch.delayMs,
        maxQueueSize: config.batch.maxQueueSize,
        maxExportBatchSize: Math.min(config.batch.maxBatchSize, config.batch.maxQueueSize),
      }),
    ],
  });
  return { tracer: provider.getTracer(`@apim/${serviceName}`), shutdown: () => provider.shutdown() };
}

const w3c = new W3CTraceContextPropagator();
/** The tracer of the request a context belongs to. */
const TRACER = createContextKey('apim tracer');

/** The context of an incoming request: its W3C traceparent/tracestate parent, if any. */
export function incomingContext(headers: IncomingMessage['headers']): Context {
  return w3c.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

/** `parent` with `span` as its active span, and the tracer that calls made under it use. */
export function spanContext(parent: Context, span: Span, tracer: Tracer): Context {
  return trace.setSpan(parent, span).setValue(TRACER, tracer);
}

/** The W3C headers (traceparent, tracestate) that make a callee's spans children of `span`. */
export function traceHeaders(parent: Context, span: Span): Record<string, string> {
  const headers: Record<string, string> = {};
  w3c.inject(trace.setSpan(parent, span), headers, defaultTextMapSetter);
  return headers;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * An outgoing call made on behalf of the active request: a client span around `call`, which gets
 * the headers carrying it. Outside a traced request (tracing off) `call` runs as is with no headers.
 */
export async function tracedCall<T>(
  name: string,
  attributes: Attributes,
  call: (headers: Readonly<Record<string, string>>) => Promise<T>,
): Promise<T> {
  const active = context.active();
  const tracer = active.getValue(TRACER) as Tracer | undefined;
  if (!tracer) return call(NO_HEADERS);
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, active);
  try {
    return await call(traceHeaders(active, span));
  } catch (e) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
    throw e;
  } finally {
    span.end();
  }
}

/**
 * An HTTP server's listener with a server span per request (the control plane's and the key
 * manager's): continued from the caller's traceparent, named by the method and, when Express
 * matched one, the route. A small wrapper rather than @opentelemetry/instrumentation-http/-express:
 * those patch node:http for the whole process (the gateway's hot path included) and need loading
 * before the modules they patch, which ESM makes a loader flag; this costs one closure per request
 * and only when tracing is on (off: the listener is returned unchanged).
 */
export function tracedListener(tracing: Tracing | null, listener: RequestListener): RequestListener {
  if (!tracing) return listener;
  const { tracer } = tracing;
  return (req: IncomingMessage, res: ServerResponse) => {
    const parent = incomingContext(req.headers);
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          // the path only: a query may hold a credential
          'url.path': q < 0 ? url : url.slice(0, q),
          'user_agent.original': req.headers['user-agent'],
        },
      },
      parent,
    );
    res.once('close', () => {
      const route = (req as { route?: { path?: unknown } }).route?.path;
      if (typeof route === 'string') {
        const full = `${(req as { baseUrl?: string }).baseUrl ?? ''}${route}`;
        span.updateName(`${method} ${full}`);
        span.setAttribute('http.route', full);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(spanContext(parent, span, tracer), () => listener(req, res));
  };
}
