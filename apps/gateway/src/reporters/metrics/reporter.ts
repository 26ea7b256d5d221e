import { Counter, type Registry } from 'prom-client';
import { GatewayErrors, type GatewayApi, type GatewayErrorName } from '@apim/contracts';
import type { ExchangeReport, Reporter } from '../../pipeline/types.js';
import { FastCounter, FastHistogram, type CounterCell, type HistogramCell } from './cells.js';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

/** The `api` label of requests that matched no API (refused before or by routing). */
const NO_API = 'none';

const THROTTLE_ERRORS = new Set<GatewayErrorName>([
  'API_THROTTLED',
  'RESOURCE_THROTTLED',
  'APPLICATION_THROTTLED',
  'SUBSCRIPTION_THROTTLED',
  'BURST_THROTTLED',
  'HARD_LIMIT_EXCEEDED',
]);
const BACKEND_ERRORS = new Set<GatewayErrorName>([
  'BACKEND_UNREACHABLE',
  'BACKEND_TIMEOUT',
  'ENDPOINT_SUSPENDED',
]);

interface ApiCells {
  label: string;
  latency: HistogramCell;
  backend: HistogramCell;
  byStatus: Map<number, CounterCell>;
}

/**
 * The per-request Prometheus metrics, a reporter of the log phase: requests by API and status,
 * latency, backend latency, throttled requests and backend errors by code. The cells of an API are
 * found by its (deployed) object, so a request builds no label string and hashes nothing.
 */
export class RequestMetrics implements Reporter {
  private readonly requests: FastCounter;
  private readonly latency: FastHistogram;
  private readonly backendLatency: FastHistogram;
  private readonly throttled: Counter<'api' | 'code'>;
  private readonly backendErrors: Counter<'api' | 'code'>;
  private readonly messages: Counter<'api' | 'direction'>;
  private readonly byApi = new WeakMap<GatewayApi, ApiCells>();
  private readonly none: ApiCells;

  constructor(registry: Registry) {
    this.requests = new FastCounter(
      'apim_gateway_requests_total',
      'Requests answered, by API and status code',
      ['api', 'status'],
      registry,
    );
    this.latency = new FastHistogram(
      'apim_gateway_request_duration_seconds',
      'Time from request to the end of the response, by API',
      ['api'],
      LATENCY_BUCKETS,
      registry,
    );
    this.backendLatency = new FastHistogram(
      'apim_gateway_backend_duration_seconds',
      'Time from sending to the backend to its response headers, by API',
      ['api'],
      LATENCY_BUCKETS,
      registry,
    );
    this.throttled = new Counter({
      name: 'apim_gateway_throttled_total',
      help: 'Requests refused by a rate limit, by error code',
      labelNames: ['api', 'code'] as const,
      registers: [registry],
    });
    this.backendErrors = new Counter({
      name: 'apim_gateway_backend_errors_total',
      help: 'Backend calls that failed (unreachable, timeout, suspended), by error code',
      labelNames: ['api', 'code'] as const,
      registers: [registry],
    });
    this.messages = new Counter({
      name: 'apim_gateway_stream_messages_total',
      help: 'Messages of WebSocket connections and events of event streams relayed, by API and direction (in: from the client), counted when the connection ends',
      labelNames: ['api', 'direction'] as const,
      registers: [registry],
    });
    this.none = this.cellsOf(NO_API);
  }

  onDone(r: ExchangeReport): void {
    const c = this.apiCells(r.api);
    this.count(c, r.status);
    c.latency.observe(r.totalMs / 1000);
    if (r.backendLatencyMs !== null) c.backend.observe(r.backendLatencyMs / 1000);
    if (r.error && THROTTLE_ERRORS.has(r.error)) this.throttled.inc({ api: c.label, code: r.error });
    if (r.error && BACKEND_ERRORS.has(r.error)) this.backendErrors.inc({ api: c.label, code: r.error });
    if (r.messages) {
      this.messages.inc({ api: c.label, direction: 'in' }, r.messages.in);
      this.messages.inc({ api: c.label, direction: 'out' }, r.messages.out);
    }
  }

  /** A request Node refused before it reached the pipeline (framing error, header overflow, timeout). */
  refused(name: GatewayErrorName): void {
    this.count(this.none, GatewayErrors[name].status);
  }

  private count(c: ApiCells, status: number): void {
    let counter = c.byStatus.get(status);
    if (!counter) c.byStatus.set(status, (counter = this.requests.cell(c.label, String(status))));
    counter.inc();
  }

  private cellsOf(label: string): ApiCells {
    return {
      label,
      latency: this.latency.cell(label),
      backend: this.backendLatency.cell(label),
      byStatus: new Map(),
    };
  }

  private apiCells(api: GatewayApi | null): ApiCells {
    if (!api) return this.none;
    let c = this.byApi.get(api);
    if (!c) this.byApi.set(api, (c = this.cellsOf(`${api.name}:${api.version}`)));
    return c;
  }
}
