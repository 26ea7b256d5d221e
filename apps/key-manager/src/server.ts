/**
 * Builds the key manager: oidc-provider (token, authorize, introspect, revoke, JWKS, userinfo,
 * logout, registration, discovery), the login/consent/sign-up pages and the internal API.
 * Never listens and never reads process.env (see main.ts and testing.ts).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import type Provider from 'oidc-provider';
import { createPrismaClient, SystemActors } from '@apim/db';
import {
  closeGracefully,
  connectTo,
  createLogger,
  createRedisClient,
  describeRedis,
  healthEndpoints,
  requestIdOf,
  startTracing,
  strictTransportSecurity,
  tracedListener,
  type Logger,
} from '@apim/service';
import { BruteForceGuard } from './helpers/brute-force-guard.js';
import { bruteForceMiddleware } from './helpers/brute-force-middleware.js';
import { dropUntrustedForwarding } from './helpers/caller-address.js';
import { ensureBuiltInClients } from './models/builtin-clients.js';
import { ClientService } from './models/clients.js';
import type { KeyManagerConfig } from './config.js';
import { errorResponder, internalApi } from './actions/internal-api.js';
import { interactionRoutes } from './actions/interactions/routes.js';
import { runCleanup, scheduleCleanup } from './jobs/cleanup.js';
import { LookupListener } from './adapters/lookup-listener.js';
import { Lookups } from './adapters/lookups.js';
import { registerPasswordGrant } from './actions/password-grant.js';
import { buildProvider } from './provider/configuration.js';
import { ProviderHolder } from './provider/provider-holder.js';
import { OneTimeCredentials } from './provider/owner-tokens.js';
import { INTERACTION_PATH, SIGNUP_PATH } from './provider/routes.js';
import { SigningKeyStore } from './models/signing-keys.js';
import { structuredTokenEndpoints } from './actions/jwt-introspection-revocation.js';
import { UserLogin } from './models/user-login.js';

export type { KeyManagerConfig } from './config.js';
export { loadConfig } from './config.js';
export { CONSOLE_CLIENT_ID, GATEWAY_CLIENT_ID } from './models/builtin-clients.js';

export interface KeyManagerApp {
  /** an http.Server with requestListener attached, not listening */
  server: http.Server;
  requestListener: (req: IncomingMessage, res: ServerResponse) => void;
  keyStore: SigningKeyStore;
  /** whether lookups are cached now (changes are being heard; see adapters/lookup-listener.ts) */
  lookupCacheOn(): boolean;
  /** re-reads the signing keys now (after a rotation made elsewhere) */
  reloadKeys(): Promise<void>;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /** default: JSON lines on stdout at config.logLevel */
  logger?: Logger;
}

export async function createApp(
  config: KeyManagerConfig,
  options: CreateAppOptions = {},
): Promise<KeyManagerApp> {
  const logger = options.logger ?? createLogger('key-manager', config.logLevel);
  // its own writes (sign-in counters, lockouts) are recorded in the audit log as the key manager's
  const prisma = createPrismaClient(config.databaseUrl, { auditActor: SystemActors.keyManager });
  await connectTo('the database', config.databaseUrl, () => prisma.$queryRaw`SELECT 1`);
  const redis = createRedisClient(config.redis, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  redis.on('error', (e: Error) => logger.debug({ err: e.message }, 'redis error'));
  try {
    await connectTo('Redis', describeRedis(config.redis), () => redis.connect());
  } catch (e) {
    await prisma.$disconnect();
    redis.disconnect();
    throw e;
  }

  const keyStore = new SigningKeyStore(prisma, {
    alg: config.signingAlg,
    encryptionKey: config.keyEncryptionKey,
    leadSeconds: config.signingKeyLeadSeconds,
    graceSeconds: config.signingKeyPollSeconds * 2,
  });
  await keyStore.ensureSigningKey();
  await ensureBuiltInClients(prisma, config);
  const lookups = new Lookups(prisma, config.lookupCacheEntries);
  const listener =
    config.lookupCacheEntries > 0 ? new LookupListener(config.databaseUrl, lookups, logger) : null;
  await listener?.start();

  const guard = new BruteForceGuard(
    redis,
    config.redisPrefix,
    {
      maxFailures: config.bruteForceMaxFailures,
      maxFailuresPerAddress: config.bruteForceMaxFailuresPerAddress,
      windowSeconds: config.bruteForceWindowSeconds,
    },
    logger,
  );
  const logins = new UserLogin(prisma, guard, {
    maxFailures: config.bruteForceMaxFailures,
    lockSeconds: config.bruteForceWindowSeconds,
  });
  const oneTime = new OneTimeCredentials();
  const holder: ProviderHolder = new ProviderHolder(
    keyStore,
    (keys) => {
      const deps = { config, prisma, lookups, keys, guard, logins, oneTime };
      const provider = buildProvider(deps);
      registerPasswordGrant(provider, deps);
      provider.use(bruteForceMiddleware(guard, config.trustedProxies));
      provider.use(
        structuredTokenEndpoints({
          prisma,
          issuer: config.issuer,
          keys: () => holder.publishedKeys,
          gatewayAudience: config.tokenAudience,
        }),
      );
      provider.on('server_error', (_ctx, err: Error) => logger.error({ err }, 'oidc-provider error'));
      return provider;
    },
    logger,
  );
  await holder.refresh();
  holder.start(config.signingKeyPollSeconds);
  const stopCleanup = scheduleCleanup(
    () => runCleanup(prisma, keyStore, { rotationDays: config.signingKeyRotationDays }),
    config.cleanupIntervalSeconds,
    logger,
    () => holder.refresh(),
  );

  const clients = new ClientService(
    prisma,
    (metadata) => holder.current.Client.validate(metadata as Parameters<Provider['Client']['validate']>[0]),
    () => lookups.clear(),
  );
  const app = new Koa({ proxy: config.trustedProxies.enabled });
  app.use(errorResponder(logger));
  app.use(bodyParser({ enableTypes: ['json', 'form'], jsonLimit: '64kb', formLimit: '64kb' }));
  const api = internalApi({
    prisma,
    clients,
    keyStore,
    holder,
    issuer: config.issuer,
    internalSecret: config.internalSecret,
    logger,
    logins,
    proxies: config.trustedProxies,
    ownerToken: (clientId, request) =>
      oneTime.issue((req, res) => holder.handle(req, res), clientId, request),
  });
  app.use(api.routes()).use(api.allowedMethods());
  const pages = interactionRoutes({
    prisma,
    lookups,
    provider: () => holder.current,
    logins,
    logger,
    proxies: config.trustedProxies,
  });
  app.use(pages.routes()).use(pages.allowedMethods());
  const appListener = app.callback();

  // Without the database no token can be issued; without Redis (only the brute-force counters)
  // tokens still are: "degraded".
  const health = healthEndpoints(
    { database: async () => void (await prisma.$queryRaw`SELECT 1`) },
    { redis: async () => void (await redis.ping()) },
  );
  const hsts = strictTransportSecurity(config.trustedProxies, config.hstsMaxAge);
  // a server span per request when tracing is on (not for health probes): introspection called by
  // a gateway joins the gateway's trace
  const tracing = startTracing(config.tracing, 'apim-key-manager');
  const traced = tracedListener(tracing, (req, res) => {
    dropUntrustedForwarding(config.trustedProxies, req);
    hsts(req, res);
    const path = (req.url ?? '/').split('?')[0]!;
    const id = requestIdOf(req);
    res.setHeader('X-Request-ID', id);
    res.on('finish', () =>
      logger.debug({ reqId: id, method: req.method, path, status: res.statusCode }, 'request'),
    );
    if (path.startsWith('/internal/') || path.startsWith(`${INTERACTION_PATH}/`) || path === SIGNUP_PATH)
      return appListener(req, res);
    holder.handle(req, res);
  });
  const requestListener = (req: IncomingMessage, res: ServerResponse) => {
    if (!health(req, res)) traced(req, res);
  };
  const server = http.createServer({ requestTimeout: 30_000, headersTimeout: 20_000 }, requestListener);

  return {
    server,
    requestListener,
    keyStore,
    lookupCacheOn: () => listener?.listening ?? false,
    reloadKeys: () => holder.refresh(),
    async close() {
      holder.stop();
      stopCleanup();
      await listener?.close();
      await closeGracefully(server);
      await tracing?.shutdown();
      redis.disconnect();
      await prisma.$disconnect();
    },
  };
}
