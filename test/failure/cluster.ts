/**
 * The cluster the failure suite breaks: three gateways, two control planes and two key managers as
 * real processes behind nginx, on a Postgres (embedded) and a Redis (a redis-server child with an
 * append-only file) of the suite's own, so that both can be restarted without touching the
 * machine's shared servers. Every app reaches the others through the load balancer, as in a
 * deployment: the key managers share the issuer URL of their pool, the gateways call the key
 * managers' pool, the control planes both.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrismaClient, ensureDatabase, migrate, repoRoot, seed } from '@apim/db';
import { startEmbeddedPostgres, type EmbeddedServer } from '@apim/db/embedded';
import { TEST_ADMIN_PASSWORD, startRedisServer, type OwnRedis } from '@apim/testing';
import { clusterPort } from './ports.js';
import { NodeApp } from './node-app.js';
import { findNginx, startNginx, type Nginx } from './nginx.js';

export interface Cluster {
  /** the load balancer's URLs, one per pool */
  gatewayUrl: string;
  controlPlaneUrl: string;
  keyManagerUrl: string;
  /** the backend every API of the suite calls (a node:http server of this process) */
  backendUrl: string;
  gateways: NodeApp[];
  controlPlanes: NodeApp[];
  keyManagers: NodeApp[];
  redis: OwnRedis;
  /** restarts Postgres (fast shutdown, as an operator's restart, then start on the same data) */
  restartPostgres(downMs: number): Promise<void>;
  /** the running apps' processes by name, for sampling */
  pids(): Map<string, number>;
  close(): Promise<void>;
}

/** A small JSON answer, like an API's backend (the gateway's cost is what is measured). */
function startBackend(): Promise<http.Server> {
  const body = JSON.stringify({ items: Array.from({ length: 8 }, (_, i) => ({ id: i, name: `item ${i}` })) });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * `statsDir`: every app process loads loop-delay-probe.mjs and writes its heap and event-loop delay
 * there (the soak's sampling).
 */
export async function startCluster(options: { statsDir?: string } = {}): Promise<Cluster> {
  const nginxBinary = findNginx();
  if (!nginxBinary)
    throw new Error('nginx is needed as the load balancer: apt-get install nginx-light (or nginx)');
  const workDir = await mkdtemp(path.join(tmpdir(), 'apim-failure-'));
  const cleanups: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    const pgDir = path.join(workDir, 'postgres');
    const pgPort = await clusterPort();
    let pg: EmbeddedServer = await startEmbeddedPostgres({ dir: pgDir, port: pgPort, persistent: true });
    cleanups.push(() => pg.stop());
    const dbUrl = new URL(pg.url);
    dbUrl.pathname = '/apim';
    const databaseUrl = dbUrl.toString();
    await ensureDatabase(databaseUrl);
    await migrate(databaseUrl);

    // Redis as BullMQ asks it to be run: an append-only file, so a restart keeps the queued batches
    const redisDir = path.join(workDir, 'redis');
    await mkdir(redisDir);
    const redis = await startRedisServer({ dir: redisDir });
    cleanups.push(() => redis.stop());

    const backend = await startBackend();
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          backend.close(() => r());
          backend.closeAllConnections();
        }),
    );
    const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;

    const [lbGateway, lbControlPlane, lbKeyManager] = [
      await clusterPort(),
      await clusterPort(),
      await clusterPort(),
    ];
    const gatewayUrl = `http://127.0.0.1:${lbGateway}`;
    const controlPlaneUrl = `http://127.0.0.1:${lbControlPlane}`;
    const keyManagerUrl = `http://127.0.0.1:${lbKeyManager}`;

    const prisma = createPrismaClient(databaseUrl, { poolSize: 1 });
    // the seed is one transaction with Prisma's 5 s limit, which a machine busy with other test runs
    // can exceed; it is idempotent, so a second try finishes it
    for (let attempt = 1; ; attempt++) {
      try {
        await seed(prisma, { adminPassword: TEST_ADMIN_PASSWORD, gatewayHttpPort: lbGateway });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    await prisma.$disconnect();

    const shared: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      APIM_REDIS_PREFIX: 'apim-failure',
      APIM_HOST: '127.0.0.1',
      APIM_INTERNAL_SECRET: randomBytes(32).toString('base64url'),
      APIM_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      APIM_KEY_MANAGER_URL: keyManagerUrl,
      APIM_CONTROL_PLANE_URL: controlPlaneUrl,
      APIM_CONSOLE_URL: controlPlaneUrl,
      APIM_GATEWAY_URL: gatewayUrl,
      // the load balancer is the only proxy the apps trust with X-Forwarded-For
      APIM_TRUST_PROXY: '127.0.0.1/32',
      LOG_LEVEL: 'warn',
      ...(options.statsDir
        ? {
            NODE_OPTIONS: `--import=${path.join(import.meta.dirname, 'loop-delay-probe.mjs')}`,
            APIM_SOAK_STATS_DIR: options.statsDir,
          }
        : {}),
    };
    // kept after the run, for a failure's post-mortem (a folder per run: the suite and the soak may run at once)
    const logDir = path.join(repoRoot, 'test-artifacts', 'failure-logs', path.basename(workDir));
    await mkdir(logDir, { recursive: true });
    const keyManagers: NodeApp[] = [];
    const controlPlanes: NodeApp[] = [];
    const gateways: NodeApp[] = [];
    const ports = { km: [] as number[], cp: [] as number[], gw: [] as number[] };
    for (let i = 1; i <= 2; i++) {
      const port = await clusterPort();
      ports.km.push(port);
      keyManagers.push(
        new NodeApp(
          `key-manager-${i}`,
          'key-manager',
          `http://127.0.0.1:${port}`,
          {
            ...shared,
            APIM_KEY_MANAGER_PORT: String(port),
          },
          logDir,
        ),
      );
    }
    for (let i = 1; i <= 2; i++) {
      const port = await clusterPort();
      ports.cp.push(port);
      controlPlanes.push(
        new NodeApp(
          `control-plane-${i}`,
          'control-plane',
          `http://127.0.0.1:${port}`,
          {
            ...shared,
            APIM_CONTROL_PLANE_PORT: String(port),
          },
          logDir,
        ),
      );
    }
    for (let i = 1; i <= 3; i++) {
      const port = await clusterPort();
      ports.gw.push(port);
      gateways.push(
        new NodeApp(
          `gateway-${i}`,
          'gateway',
          `http://127.0.0.1:${port}`,
          {
            ...shared,
            APIM_GATEWAY_PORT: String(port),
            APIM_GATEWAY_METRICS_PORT: String(await clusterPort()),
            APIM_GATEWAY_ID: `gateway-${i}`,
            // one process per node: three nodes share two cores with everything else
            APIM_GATEWAY_WORKERS: '1',
          },
          logDir,
        ),
      );
    }
    const nginx: Nginx = await startNginx(nginxBinary, path.join(workDir, 'nginx'), [
      { name: 'gateways', listen: lbGateway, nodes: ports.gw },
      { name: 'control_planes', listen: lbControlPlane, nodes: ports.cp },
      { name: 'key_managers', listen: lbKeyManager, nodes: ports.km },
    ]);
    cleanups.push(() => nginx.stop());
    // one after another: the first key manager makes the signing key, the others find it
    for (const app of [...keyManagers, ...controlPlanes, ...gateways]) {
      cleanups.push(() => app.stop());
      await app.start();
    }

    return {
      gatewayUrl,
      controlPlaneUrl,
      keyManagerUrl,
      backendUrl,
      gateways,
      controlPlanes,
      keyManagers,
      redis,
      async restartPostgres(downMs) {
        await pg.stop();
        await new Promise((r) => setTimeout(r, downMs));
        pg = await startEmbeddedPostgres({ dir: pgDir, port: pgPort, persistent: true });
      },
      pids() {
        const out = new Map<string, number>();
        for (const app of [...gateways, ...controlPlanes, ...keyManagers])
          if (app.running && app.pid) out.set(app.name, app.pid);
        return out;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
