import cluster from 'node:cluster';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry, type PrometheusContentType } from 'prom-client';
import { createLogger, EXIT_CONFIG, listenError, runMain } from '@apim/service';
import { loadConfig } from './config.js';
import { createApp } from './server.js';

/** Listens on the port `variable` sets; one that cannot be had as configured is a ConfigError (listenError). */
function listen(server: http.Server, port: number, host: string, variable: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(listenError(e, variable, host, port)));
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** /metrics on the management port, aggregated over every worker. */
function metricsServer(aggregator: AggregatorRegistry<PrometheusContentType>): http.Server {
  return http.createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
      return;
    }
    aggregator.clusterMetrics().then(
      (text: string) => res.writeHead(200, { 'content-type': aggregator.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
}

/**
 * The primary process serves no API traffic: it forks the workers (node:cluster, sharing the
 * listening sockets; each a full gateway node following the event log itself), restarts any that
 * dies and serves the cluster-wide /metrics. Workers only ship analytics to the BullMQ queue; the
 * control plane's analytics worker stores them, so no database write competes with requests on a
 * gateway machine.
 */
async function runPrimary(): Promise<void> {
  await runMain('gateway', async () => {
    const config = loadConfig();
    const logger = createLogger('gateway', config.logLevel);
    const aggregator = new AggregatorRegistry<PrometheusContentType>();
    const metrics = metricsServer(aggregator);
    const metricsPort = await listen(metrics, config.metricsPort, config.host, 'APIM_GATEWAY_METRICS_PORT');
    let stopping = false;
    const startedAt = new Map<number, number>();
    // Each worker is a gateway node of its own (it reports what it serves), named after its slot so
    // that a worker started in place of a dead one takes over its name and its rows.
    const slots = new Map<number, number>();
    const fork = (slot: number) => {
      const w = cluster.fork({
        APIM_GATEWAY_METRICS_PORT: String(metricsPort),
        APIM_GATEWAY_ID: config.workers > 1 ? `${config.gatewayId}-${slot}` : config.gatewayId,
      });
      startedAt.set(w.id, Date.now());
      slots.set(w.id, slot);
    };
    // A worker that cannot start (say, the database is unreachable) is retried, not spun: the wait
    // doubles while workers keep dying young (each start costs a second of CPU), up to 30 s.
    let delayMs = 1000;
    const close = async () => {
      stopping = true;
      await Promise.all(
        Object.values(cluster.workers ?? {}).map(
          (w) =>
            new Promise<void>((resolve) => {
              if (!w || w.isDead()) return resolve();
              w.once('exit', () => resolve());
              w.process.kill('SIGTERM');
            }),
        ),
      );
      await new Promise<void>((r) => metrics.close(() => r()));
    };
    cluster.on('exit', (worker, code, signal) => {
      const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
      const slot = slots.get(worker.id) ?? 0;
      startedAt.delete(worker.id);
      slots.delete(worker.id);
      if (stopping) return;
      // a worker that cannot start with this configuration (its port taken, its own line on stderr
      // says which) would fail the same way again: the gateway stops, as nginx does
      if (code === EXIT_CONFIG) {
        logger.error(
          { pid: worker.process.pid },
          'a gateway worker cannot start with this configuration: stopping',
        );
        void close().then(() => process.exit(EXIT_CONFIG));
        return;
      }
      delayMs = lived > 60_000 ? 1000 : Math.min(delayMs * 2, 30_000);
      logger.error(
        { pid: worker.process.pid, code, signal, restartInMs: delayMs },
        'gateway worker died; starting another',
      );
      setTimeout(() => {
        if (!stopping) fork(slot);
      }, delayMs).unref();
    });
    for (let slot = 0; slot < config.workers; slot++) fork(slot);
    // logrotate's postrotate: `kill -HUP <primary>` has every worker reopen its access log
    process.on('SIGHUP', () => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP');
    });
    logger.info({ workers: config.workers, metricsPort }, 'gateway cluster started');
    return { close };
  });
}

async function runWorker(): Promise<void> {
  await runMain('gateway', async () => {
    const config = loadConfig();
    const app = await createApp(config);
    process.on('SIGHUP', () => app.reopenLogs());
    // Constructing an AggregatorRegistry is what installs a worker's reply to the primary's requests.
    new AggregatorRegistry<PrometheusContentType>();
    AggregatorRegistry.setRegistries([app.metrics.registry]);
    const port = await listen(app.server, config.port, config.host, 'APIM_GATEWAY_PORT');
    const httpsPort = app.httpsServer
      ? await listen(
          app.httpsServer as unknown as http.Server,
          config.httpsPort,
          config.host,
          'APIM_GATEWAY_HTTPS_PORT',
        )
      : null;
    app.logger.info(
      { port, httpsPort, metricsPort: config.metricsPort, environment: config.environment },
      'listening',
    );
    return { close: () => app.close() };
  });
}

if (cluster.isPrimary) await runPrimary();
else await runWorker();
