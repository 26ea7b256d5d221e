/**
 * `npm start` after the bootstrap: Postgres (DATABASE_URL, else embedded with its data under
 * .data/postgres), Redis (REDIS_URL, else a redis-server of ours), migrate, seed, then the key
 * manager, control plane (serving the console), gateway and the sample backend; waits until each
 * answers /healthz, publishes the sample API, prints where everything is. Ctrl-C or SIGTERM stops it
 * all, embedded Postgres included; the next start reuses the data.
 */
import path from 'node:path';
import { createPrismaClient, ensureDatabase, migrate, repoRoot, seed, SystemActors } from '@apim/db';
import { adminPasswordFromEnv } from '@apim/db/admin-password';
import { startEmbeddedPostgres, type EmbeddedServer } from '@apim/db/embedded';
import { connectTo, describeRedis, describeStartupError, redactUrl } from '@apim/service';
import { loadStackConfig } from './config.js';
import { createPizzaShackBackend } from './pizzashack.js';
import { assertPortsFree } from './ports-free.js';
import { startApp, waitHealthy, type AppProcess } from './processes.js';
import { ensureRedis, type RedisHandle } from './redis.js';
import { publishSampleApi, SAMPLE_CONTEXT } from './sample-api.js';
import { loadOrCreateSecrets } from './secrets.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const cleanups: Array<() => Promise<void>> = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
  process.exit(code);
}

process.on('SIGINT', () => {
  say('\nStopping...');
  void stopAll(0);
});
process.on('SIGTERM', () => void stopAll(0));
// the terminal closed: stop everything rather than die alone (Postgres and the gateway take a
// SIGHUP of their own as "reload" and "reopen the access log", and would be left running)
process.on('SIGHUP', () => void stopAll(0));
// started by scripts/start.mjs (npm start): stop when that launcher is gone
process.on('disconnect', () => void stopAll(0));

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadStackConfig();
  const admin = adminPasswordFromEnv();
  const secrets = await loadOrCreateSecrets(config.dataDir);

  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    say(`Starting embedded Postgres on 127.0.0.1:${config.ports.embeddedPostgres}...`);
    const pg: EmbeddedServer = await startEmbeddedPostgres({
      dir: path.join(config.dataDir, 'postgres'),
      port: config.ports.embeddedPostgres,
      persistent: true,
    });
    // under the temporary folder when the postgres user cannot enter the checkout (see embedded.ts)
    say(`Embedded Postgres keeps its data in ${pg.dataDir}.`);
    cleanups.push(() => pg.stop());
    const u = new URL(pg.url);
    u.pathname = '/apim';
    databaseUrl = u.toString();
  }
  const dbUrl = databaseUrl;
  await connectTo('the database', dbUrl, () => ensureDatabase(dbUrl));
  const migrated = await migrate(dbUrl);
  if (migrated.applied.length) say(`Applied ${migrated.applied.length} migration(s).`);
  const prisma = createPrismaClient(dbUrl, { poolSize: 2, auditActor: SystemActors.seed });
  await seed(prisma, {
    adminPassword: admin.password,
    gatewayHttpPort: config.ports.gateway,
    gatewayHttpsPort: config.gatewayHttpsPort,
  });
  await prisma.$disconnect();

  const redis: RedisHandle = await ensureRedis(config.redis, config.dataDir);
  if (redis.started) {
    say(
      `Started redis-server for ${redactUrl(describeRedis(config.redis))} (data in ${path.join(config.dataDir, 'redis')}).`,
    );
    cleanups.push(() => redis.stop());
  }

  // the apps' ports, once the database and Redis are known to be there
  const { host, ports } = config;
  await assertPortsFree([
    { variable: 'APIM_KEY_MANAGER_PORT', host, port: ports.keyManager },
    { variable: 'APIM_CONTROL_PLANE_PORT', host, port: ports.controlPlane },
    { variable: 'APIM_GATEWAY_PORT', host, port: ports.gateway },
    ...(config.gatewayHttpsPort === undefined
      ? []
      : [{ variable: 'APIM_GATEWAY_HTTPS_PORT', host, port: config.gatewayHttpsPort }]),
    { variable: 'APIM_SAMPLE_BACKEND_PORT', host: '127.0.0.1', port: ports.sampleBackend },
  ]);
  const backend = createPizzaShackBackend();
  await new Promise<void>((resolve, reject) => {
    backend.once('error', reject);
    backend.listen(config.ports.sampleBackend, '127.0.0.1', () => resolve());
  });
  cleanups.push(() => new Promise<void>((resolve) => backend.close(() => resolve())));
  const backendUrl = `http://127.0.0.1:${config.ports.sampleBackend}`;

  const logDir = path.join(config.dataDir, 'logs');
  const env: Record<string, string> = {
    DATABASE_URL: dbUrl,
    APIM_HOST: config.host,
    APIM_INTERNAL_SECRET: secrets.internalSecret,
    APIM_KEY_ENCRYPTION_KEY: secrets.keyEncryptionKey,
    APIM_KEY_MANAGER_URL: config.keyManagerUrl,
    APIM_CONTROL_PLANE_URL: config.controlPlaneUrl,
    APIM_CONSOLE_URL: config.controlPlaneUrl,
    APIM_GATEWAY_URL: config.gatewayUrl,
    APIM_KEY_MANAGER_PORT: String(config.ports.keyManager),
    APIM_CONTROL_PLANE_PORT: String(config.ports.controlPlane),
    APIM_GATEWAY_PORT: String(config.ports.gateway),
    // the gateway's access log beside the apps' logs, as WSO2 keeps its http_access log
    APIM_ACCESS_LOG: process.env.APIM_ACCESS_LOG ?? path.join(logDir, 'access.log'),
  };
  const script = (app: string) => path.join(repoRoot, 'apps', app, 'dist', 'main.js');
  const apps: Array<[string, string, string]> = [
    ['key-manager', script('key-manager'), config.keyManagerUrl],
    ['control-plane', script('control-plane'), config.controlPlaneUrl],
    ['gateway', script('gateway'), config.gatewayUrl],
  ];
  const running: AppProcess[] = [];
  for (const [name, file, url] of apps) {
    const app = await startApp(name, file, url, env, logDir);
    running.push(app);
    cleanups.push(() => app.stop());
    app.child.on('exit', (code, signal) => {
      if (stopping) return;
      process.stderr.write(
        `${name} stopped unexpectedly (${signal ?? `exit code ${code}`}); see ${app.logFile}. Stopping everything.\n`,
      );
      void stopAll(1);
    });
    await waitHealthy(app);
    say(`${name} is up at ${url}`);
  }

  if (config.sampleApi) {
    try {
      const r = await publishSampleApi({
        controlPlaneUrl: config.controlPlaneUrl,
        backendUrl,
        username: 'admin',
        password: admin.password,
      });
      if (r === 'published')
        say(`Published the sample API PizzaShackAPI at ${config.gatewayUrl}${SAMPLE_CONTEXT}/1.0.0`);
    } catch (e) {
      process.stderr.write(`Could not publish the sample API: ${(e as Error).message}\n`);
    }
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  say(
    [
      '',
      `API Manager is running (started in ${seconds} s).`,
      `  Console (publisher, developer portal, admin): ${config.controlPlaneUrl}/`,
      `  Gateway:        ${config.gatewayUrl}   (sample: ${config.gatewayUrl}${SAMPLE_CONTEXT}/1.0.0/menu)`,
      `  Key manager:    ${config.keyManagerUrl}   (discovery: ${config.keyManagerUrl}/.well-known/openid-configuration)`,
      `  REST APIs:      ${config.controlPlaneUrl}/api/am/publisher/v4, /api/am/devportal/v3, /api/am/admin/v4`,
      `  Sample backend: ${backendUrl}`,
      `  Admin login:    admin / ${admin.isDefault ? 'admin (development default: set APIM_ADMIN_PASSWORD)' : '(the password in APIM_ADMIN_PASSWORD)'}`,
      `  Database:       ${redactUrl(dbUrl)}`,
      `  Logs:           ${logDir}`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`npm start: ${describeStartupError(e)}\n`);
  void stopAll(1);
});
