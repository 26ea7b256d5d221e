import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { SyncStatus } from './store/sync.js';

/**
 * A gateway node's Prometheus registry (one per node: several gateways may share a process in tests)
 * with the node's own state: the event log it follows and the APIs it serves. Handlers and
 * reporters register their metrics on the same registry. Node-state gauges aggregate across cluster
 * workers by min/max: the cluster is as healthy as its least healthy worker.
 */
export function createNodeMetrics(sync: () => SyncStatus | null) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'apim_gateway_' });
  return {
    registry,
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
  };
}

export type NodeMetrics = ReturnType<typeof createNodeMetrics>;
