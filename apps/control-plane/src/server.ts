import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import express from 'express';
import { Scopes } from '@apim/contracts';
import { createPrismaClient, SystemActors } from '@apim/db';
import {
  closeGracefully,
  connectTo,
  createLogger,
  createRedisClient,
  describeRedis,
  handleHealth,
  requestIdOf,
  startTracing,
  strictTransportSecurity,
  tracedListener,
} from '@apim/service';
import type { ControlPlaneConfig } from './config.js';
import type { AppContext } from './context.js';
import { createAuthenticator } from './http/auth.js';
import { answerClientError, errorHandler, HttpError } from './http/errors.js';
import { restRouter, type JsonSchema, type RestApiDefinition } from './http/rest-api.js';
import { analyticsSinks, startAnalyticsWorker } from './jobs/analytics.js';
import { startWorkflowQueue } from './workflows/queue.js';
import { analyticsRetentionJob } from './jobs/analytics-retention.js';
import { gatewayEventRetentionJob } from './jobs/gateway-event-retention.js';
import { startScheduledJobs, type ScheduledJob } from './jobs/scheduled-job.js';
import { startWebsubHub } from './websub/index.js';
import { createKeyManagerClient } from './applications/key-manager-client.js';
import { publisherApi } from './audiences/publisher.js';
import { adminApi } from './audiences/admin.js';
import { devportalApi } from './audiences/devportal.js';
import { auditedPrisma, auditRetentionJob } from './audit/index.js';

export { loadConfig, type ControlPlaneConfig } from './config.js';

export interface ControlPlane {
  server: http.Server;
  /** the OpenAPI documents served, by base path */
  documents: Record<string, JsonSchema>;
  context: AppContext;
  close(): Promise<void>;
}

/** Builds the control plane (REST APIs, workflow worker, console); never listens. */
export async function createApp(config: ControlPlaneConfig): Promise<ControlPlane> {
  const log = createLogger('control-plane', config.logLevel);
  // writes outside a REST change (Basic sign-in counters) are recorded in the audit log as the
  // control plane's; a REST change's transaction names its caller instead (audit/audited-prisma.ts)
  const prisma = createPrismaClient(config.databaseUrl, { auditActor: SystemActors.controlPlane });
  const pingDatabase = async () => {
    try {
      await prisma.$queryRaw`SELECT 1`;
    } catch (e) {
      // Prisma's message starts with a blank line and the call site; the driver's reason is at its end.
      const text = (e as Error).message ?? String(e);
      throw new Error(/Message: `([^`]+)`/.exec(text)?.[1] ?? text.trim().split('\n').pop());
    }
  };
  await connectTo('the database', config.databaseUrl, pingDatabase);
  const redis = createRedisClient(config.redis, { lazyConnect: true, maxRetriesPerRequest: null });
  let redisError: Error | undefined;
  redis.on('error', (err: Error) => {
    redisError = err;
    log.warn({ err }, 'redis error');
  });
  await connectTo('Redis', describeRedis(config.redis), () =>
    // connect() only says "Connection is closed"; the error event says why.
    redis.connect().catch((e: unknown) => {
      redis.disconnect();
      throw redisError ?? e;
    }),
  );

  const workflows = startWorkflowQueue({ prisma, connection: redis, prefix: config.redisPrefix, log });
  const analytics = startAnalyticsWorker({
    sinks: analyticsSinks({
      databaseUrl: config.databaseUrl,
      otlpEndpoint: config.analyticsOtlpEndpoint,
      log,
    }),
    connection: redis,
    prefix: config.redisPrefix,
    log,
  });
  const retentionJobs = [
    analyticsRetentionJob(
      prisma,
      { eventDays: config.analyticsEventRetentionDays, rollupDays: config.analyticsRollupRetentionDays },
      log,
    ),
    gatewayEventRetentionJob(prisma, config.gatewayEventRetentionDays, log),
    auditRetentionJob(prisma, config.auditRetentionDays, log),
  ].filter((job): job is ScheduledJob => job !== null);
  const retention = startScheduledJobs(retentionJobs, { connection: redis, prefix: config.redisPrefix, log });
  const context: AppContext = {
    // request handlers' writes carry their caller to the audit triggers (audit/audited-prisma.ts)
    prisma: auditedPrisma(prisma),
    config,
    log,
    keyManager: createKeyManagerClient(config.keyManagerUrl, config.internalSecret),
    workflows,
  };
  const authenticate = createAuthenticator({
    prisma,
    keyManagerUrl: config.keyManagerUrl,
    audience: config.tokenAudience,
    maxFailures: config.loginMaxFailures,
    lockSeconds: config.loginLockSeconds,
  });

  const app = express();
  app.disable('x-powered-by');
  // express reads X-Forwarded-Proto/Host (req.protocol, req.hostname) only from these peers; the
  // caller's address comes from the shared walk (clientAddress below), which also reads Forwarded
  const proxies = config.trustedProxies;
  app.set('trust proxy', (address: string) => proxies.trusts(address));
  const clientAddress = (req: express.Request) =>
    proxies.clientAddress(req.socket.remoteAddress, req.headers);
  const hsts = strictTransportSecurity(proxies, config.hstsMaxAge);
  app.set('query parser', 'simple');
  app.use((req, res, next) => {
    const id = requestIdOf(req);
    res.setHeader('x-request-id', id);
    hsts(req, res);
    const started = process.hrtime.bigint();
    res.on('finish', () =>
      log.debug(
        {
          reqId: id,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      ),
    );
    next();
  });

  const apis: RestApiDefinition[] = [publisherApi(context), devportalApi(context), adminApi(context)];
  const documents: Record<string, JsonSchema> = {};
  for (const def of apis) {
    const { router, document } = restRouter(def, {
      authenticate,
      clientAddress,
      maxUploadBytes: config.maxImportBytes,
      scopes: Object.values(Scopes),
    });
    documents[def.basePath] = document;
    app.use(def.basePath, router);
  }
  const websub = startWebsubHub({
    prisma,
    connection: redis,
    prefix: config.redisPrefix,
    log,
    config,
    authenticate,
  });
  app.use('/websub', websub.router);
  app.get('/console-config.json', (_req, res) => {
    res.setHeader('cache-control', 'no-cache');
    res.json(consoleConfig(config));
  });
  app.use('/api', () => {
    throw new HttpError(404, 'No such API');
  });
  serveConsole(app, config.consoleDir);
  app.use(errorHandler(log));

  const checks = {
    database: pingDatabase,
    redis: async () => void (await redis.ping()),
  };
  // a server span per request when tracing is on (not for health probes)
  const tracing = startTracing(config.tracing, 'apim-control-plane');
  const traced = tracedListener(tracing, (req, res) => app(req, res));
  const server = http.createServer((req, res) => {
    if (handleHealth(req, res, checks)) return;
    traced(req, res);
  });
  server.on('clientError', answerClientError);
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;

  return {
    server,
    documents,
    context,
    async close() {
      await closeGracefully(server);
      await workflows.close();
      await analytics.close();
      await retention.close();
      await websub.close();
      await tracing?.shutdown();
      redis.disconnect();
      await prisma.$disconnect();
    },
  };
}

/** The console's OAuth client, registered by the key manager at start (its builtin-clients.ts). */
const CONSOLE_CLIENT_ID = 'apim-console';

/**
 * What the console needs to know at run time, so one build works behind any host name: where to
 * log in and where the gateway is. Public values only; the console is a public (PKCE) client.
 */
function consoleConfig(config: ControlPlaneConfig) {
  return { keyManagerUrl: config.keyManagerUrl, gatewayUrl: config.gatewayUrl, clientId: CONSOLE_CLIENT_ID };
}

/** The built console, with every non-file path under it answered by index.html (client routing). */
function serveConsole(app: express.Express, dir: string): void {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) return;
  app.use(express.static(dir, { index: false, maxAge: '1h' }));
  app.get('/{*path}', (_req, res) => res.sendFile(index));
}
