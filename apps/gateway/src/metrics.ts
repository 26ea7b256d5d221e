import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { GatewayApi } from '@apim/contracts';
import { FastCounter, FastHistogram, type CounterCell, type HistogramCell } from './request-metrics.js';
import type { SyncStatus } from './store/sync.js';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

/** The `api` label of requests that matched no API (refused before or by routing). */
export const NO_API = 'none';

/**
 * The gateway's Prometheus metrics, in a registry of its own (several gateways may share a process in
 * tests). Node-state gauges aggregate across cluster workers by min/max: the cluster is as healthy as
 * its least healthy worker.
 */
export function createMetrics(sources: {
  sync: () => SyncStatus | null;
  /** analytics events waiting for the queue (null: analytics off) */
  analyticsBuffered: () => number | null;
}) {
  const { sync } = sources;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'apim_gateway_' });
  return {
    registry,
    requests: new FastCounter(
      'apim_gateway_requests_total',
      'Requests answered, by API and status code',
      ['api', 'status'],
      registry,
    ),
    latency: new FastHistogram(
      'apim_gateway_request_duration_seconds',
      'Time from request to the end of the response, by API',
      ['api'],
      LATENCY_BUCKETS,
      registry,
    ),
    backendLatency: new FastHistogram(
      'apim_gateway_backend_duration_seconds',
      'Time from sending to the backend to its response headers, by API',
      ['api'],
      LATENCY_BUCKETS,
      registry,
    ),
    throttled: new Counter({
      name: 'apim_gateway_throttled_total',
      help: 'Requests refused by a rate limit, by error code',
      labelNames: ['api', 'code'] as const,
      registers: [registry],
    }),
    backendErrors: new Counter({
      name: 'apim_gateway_backend_errors_total',
      help: 'Backend calls that failed (unreachable, timeout, suspended), by error code',
      labelNames: ['api', 'code'] as const,
      registers: [registry],
    }),
    eventsBehind: new Gauge({
      name: 'apim_gateway_events_behind',
      aggregator: 'max',
      help: 'Gateway events in the log not applied yet by this node',
      collect() {
        const st = sync();
        if (st) this.set(st.behind);
      },
      registers: [registry],
    }),
    lastEventId: new Gauge({
      name: 'apim_gateway_last_event_id',
      aggregator: 'min',
      help: 'Id of the last gateway event this node applied',
      collect() {
        const st = sync();
        if (st) this.set(Number(st.lastEventId));
      },
      registers: [registry],
    }),
    databaseConnected: new Gauge({
      name: 'apim_gateway_database_connected',
      aggregator: 'min',
      help: '1 while this node follows the event log, 0 while it serves from memory alone',
      collect() {
        const st = sync();
        if (st) this.set(st.connected ? 1 : 0);
      },
      registers: [registry],
    }),
    redisShared: new Gauge({
      name: 'apim_gateway_rate_limits_shared',
      aggregator: 'min',
      help: '1 while rate limits are shared through Redis, 0 while counted per node',
      registers: [registry],
    }),
    dpopReplaysShared: new Gauge({
      name: 'apim_gateway_dpop_replays_shared',
      aggregator: 'min',
      help: '1 while DPoP proof replays are detected across nodes through Redis, 0 while per node',
      registers: [registry],
    }),
    deployedApis: new Gauge({
      name: 'apim_gateway_deployed_apis',
      aggregator: 'min',
      help: 'APIs this node serves',
      registers: [registry],
    }),
    deploymentErrors: new Counter({
      name: 'apim_gateway_deployment_errors_total',
      help: 'API deployments refused because a handler configuration is invalid',
      registers: [registry],
    }),
    analyticsBuffered: new Gauge({
      name: 'apim_gateway_analytics_buffered',
      aggregator: 'sum',
      help: 'Analytics events in memory waiting for the queue (they pile up while Redis is away)',
      collect() {
        const n = sources.analyticsBuffered();
        if (n !== null) this.set(n);
      },
      registers: [registry],
    }),
    introspectionCalls: new Counter({
      name: 'apim_gateway_introspection_calls_total',
      help: 'Token introspection calls, by what the gateway made of the answer (active, inactive, error)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    introspectionLimited: new Counter({
      name: 'apim_gateway_introspection_limited_total',
      help: 'Opaque tokens refused without a call because the introspection rate was used up',
      registers: [registry],
    }),
    analyticsDropped: new Counter({
      name: 'apim_gateway_analytics_dropped_total',
      help: 'Analytics events dropped because the queue could not take them',
      registers: [registry],
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createMetrics>;

interface ApiCells {
  label: string;
  latency: HistogramCell;
  backend: HistogramCell;
  byStatus: Map<number, CounterCell>;
}

/**
 * Per-request recording: the cells of an API are found by its (deployed) object, so a request
 * builds no label string and hashes nothing.
 */
export function requestRecorder(m: GatewayMetrics) {
  const byApi = new WeakMap<GatewayApi, ApiCells>();
  const cellsOf = (label: string): ApiCells => ({
    label,
    latency: m.latency.cell(label),
    backend: m.backendLatency.cell(label),
    byStatus: new Map(),
  });
  const none = cellsOf(NO_API);
  const apiCells = (api: GatewayApi | undefined): ApiCells => {
    if (!api) return none;
    let c = byApi.get(api);
    if (!c) byApi.set(api, (c = cellsOf(`${api.name}:${api.version}`)));
    return c;
  };
  return {
    /** the API's metric label ("name:version", or "none" for requests that matched no API) */
    label: (api: GatewayApi | undefined): string => apiCells(api).label,
    request(api: GatewayApi | undefined, status: number, seconds: number): void {
      const c = apiCells(api);
      let counter = c.byStatus.get(status);
      if (!counter) c.byStatus.set(status, (counter = m.requests.cell(c.label, String(status))));
      counter.inc();
      c.latency.observe(seconds);
    },
    backend(api: GatewayApi | undefined, seconds: number): void {
      apiCells(api).backend.observe(seconds);
    },
  };
}
