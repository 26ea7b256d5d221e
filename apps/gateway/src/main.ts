import cluster from 'node:cluster';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry } from 'prom-client';
import { createLogger, runMain } from '@apim/service';
import { loadConfig } from './config.js';
import { createApp } from './server.js';

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** /metrics on the management port, from `collect` (this node's registry, or the cluster's). */
function metricsServer(collect: () => Promise<string>, contentType: string): http.Server {
  return http.createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
      return;
    }
    collect().then(
      (text) => res.writeHead(200, { 'content-type': contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
}

/**
 * One process per worker (node:cluster) sharing the listening sockets; each worker is a full gateway
 * node that follows the event log itself. The primary restarts workers that die and serves the
 * cluster-wide /metrics.
 */
async function runPrimary(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('gateway', config.logLevel);
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  const fork = () => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ pid: worker.process.pid, code, signal }, 'gateway worker died; starting another');
    fork();
  });
  await runMain('gateway', async () => {
    const metrics = metricsServer(() => aggregator.clusterMetrics(), aggregator.contentType);
    const metricsPort = await listen(metrics, config.metricsPort, config.host);
    for (let i = 0; i < config.workers; i++) fork();
    logger.info({ workers: config.workers, metricsPort }, 'gateway cluster started');
    return {
      close: async () => {
        stopping = true;
        const workers = Object.values(cluster.workers ?? {});
        await Promise.all(
          workers.map(
            (w) =>
              new Promise<void>((r) => {
                if (!w || w.isDead()) return r();
                w.once('exit', () => r());
                w.process.kill('SIGTERM');
              }),
          ),
        );
        await new Promise<void>((r) => metrics.close(() => r()));
      },
    };
  });
}

async function runNode(): Promise<void> {
  await runMain('gateway', async () => {
    const config = loadConfig();
    const app = await createApp(config);
    const port = await listen(app.server, config.port, config.host);
    const httpsPort = app.httpsServer
      ? await listen(app.httpsServer as unknown as http.Server, config.httpsPort, config.host)
      : null;
    let metrics: http.Server | null = null;
    let metricsPort: number | null = null;
    if (cluster.isWorker) AggregatorRegistry.setRegistries([app.metrics.registry]);
    else {
      metrics = metricsServer(() => app.metricsText(), app.metrics.registry.contentType);
      metricsPort = await listen(metrics, config.metricsPort, config.host);
    }
    app.logger.info({ port, httpsPort, metricsPort, environment: config.environment }, 'listening');
    return {
      close: async () => {
        await app.close();
        if (metrics) await new Promise<void>((r) => metrics.close(() => r()));
      },
    };
  });
}

let workers = 1;
try {
  workers = loadConfig().workers;
} catch {
  // a bad setting: runNode reports it in one line through runMain
}
if (cluster.isPrimary && workers > 1) await runPrimary();
else await runNode();
