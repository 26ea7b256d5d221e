import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SyncStatus } from './store/sync.js';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

/**
 * The gateway's Prometheus metrics, in a registry of its own (several gateways may share a process in
 * tests). Node-state gauges aggregate across cluster workers by min/max: the cluster is as healthy as
 * its least healthy worker.
 */
export function createMetrics(sync: () => SyncStatus | null) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'apim_gateway_' });
  return {
    registry,
    requests: new Counter({
      name: 'apim_gateway_requests_total',
      help: 'Requests answered, by API and status code',
      labelNames: ['api', 'status'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'apim_gateway_request_duration_seconds',
      help: 'Time from request to the end of the response, by API',
      labelNames: ['api'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    backendLatency: new Histogram({
      name: 'apim_gateway_backend_duration_seconds',
      help: 'Time from sending to the backend to its response headers, by API',
      labelNames: ['api'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
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
    analyticsDropped: new Counter({
      name: 'apim_gateway_analytics_dropped_total',
      help: 'Analytics events dropped because the queue could not take them',
      registers: [registry],
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createMetrics>;

/**
 * Per-request recording through label children cached by label values: prom-client hashes a label
 * object on every call otherwise, which shows at gateway rates.
 */
export function requestRecorder(m: GatewayMetrics) {
  const requests = new Map<string, { inc(): void }>();
  const latency = new Map<string, { observe(v: number): void }>();
  const backend = new Map<string, { observe(v: number): void }>();
  return {
    request(api: string, status: number, seconds: number): void {
      const key = `${api}\u0000${status}`;
      let c = requests.get(key);
      if (!c) requests.set(key, (c = m.requests.labels(api, String(status))));
      c.inc();
      let h = latency.get(api);
      if (!h) latency.set(api, (h = m.latency.labels(api)));
      h.observe(seconds);
    },
    backend(api: string, seconds: number): void {
      let h = backend.get(api);
      if (!h) backend.set(api, (h = m.backendLatency.labels(api)));
      h.observe(seconds);
    },
  };
}
