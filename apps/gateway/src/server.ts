import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { Redis } from 'ioredis';
import { importPKCS8 } from 'jose';
import { GatewayErrors, gatewayErrorBody, type GatewayErrorName } from '@apim/contracts';
import { createPrismaClient } from '@apim/db';
import { connectTo, createLogger, healthEndpoints, type Logger } from '@apim/service';
import { AnalyticsPublisher, analyticsQueueConnection } from './analytics/publisher.js';
import { CredentialVerifier } from './handlers/authentication/credentials.js';
import { SenderConstraints } from './handlers/authentication/sender-constraint.js';
import { ProofReplayStore } from './handlers/authentication/sender-constraint-replay.js';
import { BackendPools } from './backend/endpoints.js';
import type { GatewayConfig } from './config.js';
import { createMetrics, NO_API, type GatewayMetrics } from './metrics.js';
import { compileApi, type CompiledApi } from './pipeline/compile.js';
import type { GatewayDeps } from './pipeline/handler-module.js';
import { createPipeline } from './pipeline/serve.js';
import { Router } from './routing/router.js';
import { GatewayState } from './store/state.js';
import { EventLogFollower } from './store/sync.js';
import { SharedCounters } from './handlers/throttling/shared-counter.js';
import { Throttler } from './handlers/throttling/throttler.js';
import { deferContinue } from './transport/expect-continue.js';

export type { GatewayConfig } from './config.js';
export { loadConfig } from './config.js';

/**
 * Node detects framing errors itself; this answers them in WSO2's shape, closes the connection and
 * counts them with the requests that matched no API.
 */
function clientErrorAnswer(metrics: GatewayMetrics) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const name: GatewayErrorName =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? 'HEADERS_TOO_LARGE'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 'REQUEST_TIMEOUT'
          : 'BAD_REQUEST';
    const { status } = GatewayErrors[name];
    metrics.requests.cell(NO_API, String(status)).inc();
    const body = JSON.stringify(gatewayErrorBody(name));
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}

/**
 * Builds one gateway node: loads the snapshot for its environment (rejects if the database cannot
 * be reached), follows the event log, and returns its HTTP(S) servers, not listening.
 */
export async function createApp(config: GatewayConfig, options: { logger?: Logger } = {}) {
  const logger = options.logger ?? createLogger('gateway', config.logLevel);
  let follower: EventLogFollower | null = null;
  let analytics: AnalyticsPublisher | null = null;
  const metrics = createMetrics({
    sync: () => follower?.status() ?? null,
    analyticsBuffered: () => analytics?.buffered ?? null,
  });
  const prisma = createPrismaClient(config.databaseUrl, { poolSize: 2 });
  // Rate-limit counters must fail fast when Redis is away (then each node counts alone), never queue.
  const redis = new Redis(config.redisUrl, {
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

  const pools = new BackendPools({
    connections: config.backend.connections,
    connectTimeoutMs: config.backend.connectTimeoutMs,
  });
  const router = new Router<CompiledApi>();
  const counters = new SharedCounters(redis, config.redisPrefix, logger, (shared) =>
    metrics.redisShared.set(shared ? 1 : 0),
  );
  metrics.redisShared.set(1);
  // a proof is acceptable from iat - skew to iat + max age: its jti is remembered for the whole span
  const proofReplays = new ProofReplayStore(
    redis,
    config.redisPrefix,
    (config.dpop.proofMaxAgeSec + config.dpop.clockSkewSec) * 1000,
    config.dpop.replayMemory,
    logger,
    (shared) => metrics.dpopReplaysShared.set(shared ? 1 : 0),
  );
  metrics.dpopReplaysShared.set(1);
  let deps: GatewayDeps | null = null;
  let credentials: CredentialVerifier | null = null;
  const state: GatewayState = new GatewayState(config.environment, {
    apiDeployed(api) {
      if (!deps) return;
      router.defaultVhosts = new Set(['', 'localhost', ...state.vhosts.slice(0, 1)]);
      try {
        router.deploy(api.id, compileApi(api, deps, pools));
      } catch (e) {
        router.remove(api.id);
        metrics.deploymentErrors.inc();
        logger.error(
          { apiId: api.id, api: `${api.name}:${api.version}`, err: (e as Error).message },
          'API not deployed',
        );
      }
      metrics.deployedApis.set(router.size);
    },
    apiRemoved(apiId) {
      router.remove(apiId);
      metrics.deployedApis.set(router.size);
    },
    signingKeysChanged: () => credentials?.signingKeysChanged(),
    userChanged: (username) => credentials?.basic.forget(username),
  });
  credentials = new CredentialVerifier(config, state, logger, {
    called: (result) => metrics.introspectionCalls.inc({ result }),
    limited: () => metrics.introspectionLimited.inc(),
  });
  const backendJwtKey = config.backendJwt
    ? await importPKCS8(readFileSync(config.backendJwt.keyFile, 'utf8'), config.backendJwt.algorithm)
    : null;
  deps = {
    config,
    state,
    credentials,
    senderConstraints: new SenderConstraints(config.dpop, () => state.vhosts, proofReplays),
    throttler: new Throttler(counters),
    logger,
    backendJwtKey,
  };

  follower = new EventLogFollower(config.databaseUrl, prisma, state, logger);
  const following = follower;
  try {
    await connectTo('the database', config.databaseUrl, () => following.start());
  } catch (e) {
    await Promise.all([prisma.$disconnect(), following.close(), pools.close()]);
    redis.disconnect();
    counters.close();
    throw e;
  }
  const purgeTimer = setInterval(() => state.purgeExpired(), 60_000);
  purgeTimer.unref();

  let queueRedis: Redis | null = null;
  if (config.analytics.enabled) {
    queueRedis = analyticsQueueConnection(config.redisUrl);
    analytics = new AnalyticsPublisher(queueRedis, {
      prefix: config.redisPrefix,
      batchSize: config.analytics.batchSize,
      flushMs: config.analytics.flushMs,
      bufferRecords: config.analytics.bufferRecords,
      logger,
      onDropped: (n) => metrics.analyticsDropped.inc(n),
    });
  }

  const pipeline = createPipeline({
    deps,
    router,
    metrics,
    analytics,
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

  const serverOptions: http.ServerOptions = {
    maxHeaderSize: config.limits.maxHeaderBytes,
    headersTimeout: config.limits.headersTimeoutMs,
    requestTimeout: config.limits.requestTimeoutMs,
    keepAliveTimeout: config.limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, config.limits.headersTimeoutMs),
    insecureHTTPParser: false,
    // checked in the pipeline instead, to answer in WSO2's shape
    requireHostHeader: false,
  };
  const server = http.createServer(serverOptions, pipeline);
  const answerClientError = clientErrorAnswer(metrics);
  server.on('clientError', answerClientError);
  server.on('checkContinue', deferContinue(pipeline));
  let httpsServer: https.Server | null = null;
  if (config.tls) {
    httpsServer = https.createServer(
      {
        ...serverOptions,
        cert: readFileSync(config.tls.cert),
        key: readFileSync(config.tls.key),
        // Every client is asked for a certificate. With a CA configured, only certificates it issued
        // complete the handshake (transport-level mutual TLS); without one, any certificate does and
        // each API secured with `mutualssl` admits the ones uploaded for it (the handshake already
        // proved the client holds the certificate's key).
        requestCert: true,
        ...(config.tls.ca
          ? { ca: readFileSync(config.tls.ca), rejectUnauthorized: true }
          : { rejectUnauthorized: false }),
      },
      pipeline,
    );
    httpsServer.on('clientError', answerClientError);
    httpsServer.on('checkContinue', deferContinue(pipeline));
  }

  return {
    server,
    httpsServer,
    logger,
    state,
    router,
    metrics,
    /** Prometheus text of this node */
    async metricsText(): Promise<string> {
      return metrics.registry.metrics();
    },
    syncStatus: () => following.status(),
    async close(): Promise<void> {
      clearInterval(purgeTimer);
      const closing = [server, httpsServer].filter((s): s is http.Server => s !== null);
      await Promise.all(
        closing.map(
          (s) =>
            new Promise<void>((resolve) => {
              if (!s.listening) return resolve();
              s.close(() => resolve());
              s.closeIdleConnections();
            }),
        ),
      );
      await following.close();
      await analytics?.close();
      queueRedis?.disconnect();
      counters.close();
      redis.disconnect();
      await pools.close();
      await prisma.$disconnect();
    },
  };
}

export type GatewayApp = Awaited<ReturnType<typeof createApp>>;
