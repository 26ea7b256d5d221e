import { createPrismaClient } from '@apim/db';
import {
  closeGracefully,
  connectTo,
  createLogger,
  createRedisClient,
  healthEndpoints,
  startTracing,
  type Logger,
  type RedisClient,
} from '@apim/service';
import { BackendPools } from './backend/endpoints.js';
import type { GatewayConfig } from './config.js';
import { handlerModules } from './handlers/index.js';
import { createNodeMetrics, type NodeMetrics } from './node-metrics.js';
import { HandlerSet, type CompiledApi } from './pipeline/compile.js';
import { StateChanges } from './pipeline/handler-module.js';
import { ReportStage } from './pipeline/report.js';
import { createPipeline } from './pipeline/serve.js';
import type { Reporter } from './pipeline/types.js';
import { AnalyticsReporter } from './reporters/analytics/reporter.js';
import { AccessLogReporter } from './reporters/access-log/reporter.js';
import { RequestMetrics } from './reporters/metrics/reporter.js';
import { RequestTracer } from './tracing/request-trace.js';
import { Router } from './routing/router.js';
import { DeploymentReport } from './store/deployment-report.js';
import { GatewayState, type StateListener } from './store/state.js';
import { EventLogFollower } from './store/sync.js';
import { clientAddressOf } from './transport/client-address.js';
import { createServers } from './transport/servers.js';
import { eventStreamStage } from './websocket/event-stream.js';
import { OpenStreams } from './websocket/open-streams.js';
import { WebSocketRelay } from './websocket/relay.js';
import { hubForwarding } from './websub/hub-forward.js';

export type { GatewayConfig } from './config.js';
export { loadConfig } from './config.js';

/** Rate-limit counters and proof replays must fail fast when Redis is away (then each node counts alone), never queue. */
async function connectFastFailingRedis(config: GatewayConfig, logger: Logger): Promise<RedisClient> {
  const redis = createRedisClient(config.redis, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
    retryStrategy: (n) => Math.min(100 * n, 1000),
  });
  redis.on('error', () => undefined);
  await redis
    .connect()
    .catch((e: unknown) =>
      logger.warn(
        { err: (e as Error).message },
        'Redis is unreachable at start: rate limits are per node until it is',
      ),
    );
  return redis;
}

interface Deployer {
  router: Router<CompiledApi>;
  pools: BackendPools;
  metrics: NodeMetrics;
  logger: Logger;
  report: DeploymentReport;
  backendTimeoutMs: number;
  vhosts: () => string[];
}

/**
 * What the node does when the snapshot or the event log changes: (re)compile or remove, and report
 * the outcome to the control plane; tell handlers.
 */
function stateListener(
  d: Deployer,
  handlers: () => HandlerSet | null,
  changes: StateChanges,
  accessChanged: () => void,
): StateListener {
  return {
    apiDeployed(api) {
      const set = handlers();
      if (!set) return;
      d.router.defaultVhosts = new Set(['', 'localhost', ...d.vhosts().slice(0, 1)]);
      try {
        d.router.deploy(api.id, set.compile(api, d.pools, d.backendTimeoutMs));
        d.report.accepted(api);
      } catch (e) {
        d.router.remove(api.id);
        d.report.refused(api, (e as Error).message);
        d.metrics.deploymentErrors.inc();
        d.logger.error(
          { apiId: api.id, api: `${api.name}:${api.version}`, err: (e as Error).message },
          'API not deployed',
        );
      }
      d.metrics.deployedApis.set(d.router.size);
    },
    apiRemoved(apiId) {
      d.router.remove(apiId);
      d.report.removed(apiId);
      d.metrics.deployedApis.set(d.router.size);
    },
    signingKeysChanged: () => changes.signingKeysChanged(),
    userChanged: (username) => changes.userChanged(username),
    accessChanged,
  };
}

/**
 * Builds one gateway node: loads the snapshot for its environment (rejects if the database cannot
 * be reached), follows the event log, and returns its HTTP(S) servers, not listening.
 */
export async function createApp(config: GatewayConfig, options: { logger?: Logger } = {}) {
  const logger = options.logger ?? createLogger('gateway', config.logLevel);
  let follower: EventLogFollower | null = null;
  const metrics = createNodeMetrics(() => follower?.status() ?? null);
  const prisma = createPrismaClient(config.databaseUrl, { poolSize: 2 });
  const redis = await connectFastFailingRedis(config, logger);
  const pools = new BackendPools({
    connections: config.backend.connections,
    connectTimeoutMs: config.backend.connectTimeoutMs,
  });
  const router = new Router<CompiledApi>();
  const changes = new StateChanges();
  let handlers: HandlerSet | null = null;
  const report = new DeploymentReport(prisma, config, logger);
  const deployer: Deployer = {
    router,
    pools,
    metrics,
    logger,
    report,
    backendTimeoutMs: config.backend.timeoutMs,
    vhosts: () => state.vhosts,
  };
  const streams = new OpenStreams();
  const webSockets = new WebSocketRelay({
    ...config.streams,
    streams,
    connectTimeoutMs: config.backend.connectTimeoutMs,
    logger,
    registry: metrics.registry,
  });
  const state: GatewayState = new GatewayState(
    config.environment,
    stateListener(
      deployer,
      () => handlers,
      changes,
      () => streams.recheckSoon(),
    ),
  );
  const shared = { config, state, changes, logger, redis, registry: metrics.registry };
  handlers = await HandlerSet.install(handlerModules, shared);

  const following = (follower = new EventLogFollower(config.databaseUrl, prisma, state, logger));
  try {
    await connectTo('the database', config.databaseUrl, () => following.start());
  } catch (e) {
    await Promise.all([prisma.$disconnect(), following.close(), pools.close(), handlers.close()]);
    redis.disconnect();
    throw e;
  }
  report.start();
  const purgeTimer = setInterval(() => state.purgeExpired(), 60_000);
  purgeTimer.unref();

  const websubHub = hubForwarding(config.controlPlaneUrl);
  const requestMetrics = new RequestMetrics(metrics.registry);
  const analytics = config.analytics.enabled ? new AnalyticsReporter(config, metrics.registry, logger) : null;
  const reporters: Reporter[] = analytics ? [requestMetrics, analytics] : [requestMetrics];
  // tracing and the access log cost a request nothing when off: no tracer, no reporter
  const tracing = startTracing(config.tracing, 'apim-gateway');
  const { accessLog: log } = config;
  const accessLog = log.destination
    ? new AccessLogReporter(
        { destination: log.destination, sampleRate: log.sampleRate, gatewayId: config.gatewayId },
        logger,
      )
    : null;
  if (accessLog) reporters.push(accessLog);
  const reports = new ReportStage(reporters, logger);
  const pipeline = createPipeline({
    router,
    logger,
    tracer: tracing ? new RequestTracer(tracing) : null,
    reports,
    clientIpOf: clientAddressOf(config.trustedProxies),
    maxBodyBytes: config.limits.maxBodyBytes,
    stages: {
      WS: webSockets.stage,
      SSE: eventStreamStage(config.streams.maxMessageBytes, streams),
      WEBSUB: websubHub.stage,
    },
    // Without its snapshot a gateway cannot route; without the database it serves from memory (and
    // resyncs when it returns), without Redis on per-node rate-limit counters: "degraded".
    health: healthEndpoints(
      {
        snapshot: async () => {
          if (!state.loaded) throw new Error('the snapshot is not loaded yet');
        },
      },
      {
        database: async () => {
          if (!following.status().connected)
            throw new Error('not connected: serving from memory, resyncing when it returns');
        },
        redis: async () => void (await redis.ping()),
      },
    ),
  });
  const { server, httpsServer } = createServers(config, pipeline, (name) => requestMetrics.refused(name));
  const installed = handlers;

  return {
    server,
    httpsServer,
    logger,
    state,
    router,
    metrics,
    /** the analytics reporter (null when turned off): tests set its clock and flush it */
    analytics,
    /** Prometheus text of this node */
    async metricsText(): Promise<string> {
      return metrics.registry.metrics();
    },
    syncStatus: () => following.status(),
    /** the access log goes on in a new file at its path (SIGHUP, after logrotate moved it away) */
    reopenLogs: () => accessLog?.reopen(),
    async close(): Promise<void> {
      clearInterval(purgeTimer);
      // first: a node on its way out must not count as serving anything
      await report.close();
      // upgraded connections are no server's any more: closing the servers would wait for them
      await webSockets.close();
      await Promise.all([server, httpsServer].map((s) => (s ? closeGracefully(s) : undefined)));
      // the last requests' reports reach the reporters before these close
      reports.flush();
      await following.close();
      await analytics?.close();
      accessLog?.close();
      await tracing?.shutdown();
      await installed.close();
      redis.disconnect();
      await pools.close();
      await websubHub.close();
      await prisma.$disconnect();
    },
  };
}

export type GatewayApp = Awaited<ReturnType<typeof createApp>>;
