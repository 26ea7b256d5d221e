// Gateway benchmark, all side by side in one run on loopback (autocannon, 1 KiB JSON responses):
//   (a) the backend directly, (b) a bare node:http + undici keep-alive reverse proxy (the floor),
//   (c) the gateway with an open API, (d) the gateway with JWT auth (real key manager tokens),
//   subscription validation, Redis-shared subscription throttling and analytics all on, (e) as d
//   with a DPoP-bound token: every request carries a fresh ES256 proof (RFC 9449), checked and
//   its jti recorded in Redis by the gateway, (f) the gateway with an API exposed Kyma-style on a
//   host of its own: five rules tried in order, the request meeting the third (noAuth, request
//   headers and a cookie set, its own service and timeout), (g) as d with OpenTelemetry tracing on,
//   every request sampled and its spans exported over OTLP to a local receiver process (d is the default:
//   tracing off), (h) as d with an OTLP endpoint set but no request sampled (OTEL_TRACES_SAMPLER=
//   always_off);
// then b and d again at half of b's saturation rate (p99 compared), and the scale benchmark
// (10,000 deployed APIs, 100,000 subscriptions: snapshot load, memory, route match, one event).
// Run: `npm run bench -- gateway` (or, after `npx tsc -b`, `node bench/gateway.mjs`).
// DATABASE_URL (any database of the server) and REDIS_URL are used when set; otherwise an embedded
// Postgres is started. BENCH_DURATION (seconds, default 10), BENCH_CONNECTIONS (default 32),
// BENCH_ROUNDS (default 3: the cases run in turn, round after round, and each is reported by
// its median round, so that a burst of other work on the machine does not land on one case only),
// BENCH_SCALE=0 skips the scale benchmark. BENCH_GATEWAY_NODE_ARGS adds node options to the gateway
// (its workers inherit them), e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { freePort, withDatabase } from './lib/net.mjs';
import { BACKEND, BARE_PROXY, children, cpuMsOf, root, start, waitFor } from './lib/processes.mjs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { createPrismaClient, migrate, seed } from '@apim/db';
import { startEmbeddedPostgres } from '@apim/db/embedded';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const { ControlPlaneFixture } = await import(
  pathToFileURL(path.join(root, 'apps/gateway/dist/test-support/control-plane-fixture.js')).href
);
/**
 * The OTLP receiver of cases g and h in a process of its own (decoding batches of thousands of spans
 * in the load generator's process stalled autocannon into request errors): `startOtlpReceiver`
 * (@apim/testing) counting without keeping, asked for its span count over IPC; stopped with the
 * other children.
 */
async function startReceiverProcess() {
  const script = `
    import { startOtlpReceiver } from ${JSON.stringify(pathToFileURL(path.join(root, 'packages/testing/dist/otlp-receiver.js')).href)};
    const r = await startOtlpReceiver({ keep: false });
    process.on('message', () => process.send(r.received().spans));
    process.send(r.url);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(child);
  const next = () => new Promise((resolve) => child.once('message', resolve));
  const url = await next();
  return {
    url,
    spans: () => (child.send('count'), next()),
  };
}
const { deployExposedApi } = await import(
  pathToFileURL(path.join(root, 'apps/gateway/dist/routing/exposure-fixture.js')).href
);
// ioredis as the gateway depends on it (it is not a dependency of the repository root)
const gatewayRequire = createRequire(path.join(root, 'apps/gateway/package.json'));
const { Redis } = await import(pathToFileURL(gatewayRequire.resolve('ioredis')).href);
const { Queue } = await import(pathToFileURL(gatewayRequire.resolve('bullmq')).href);

/** Removes the run's Redis keys (rate-limit counters, the analytics queue). */
async function cleanupRedis(prefix) {
  const redis = new Redis(redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

const KYMA_HOST = 'shop.bench.example.com';

/** A GET with any headers, Host included (fetch will not send a Host of one's own). */
function get(url, headers) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
      .on('error', reject);
  });
}

/**
 * Loads `url` and reports requests/s and latency, plus the CPU the serving process tree spent per
 * request: on a machine where other work competes for the cores, CPU per request moves much less
 * than throughput does, so its ratios are the steadier comparison.
 */
async function load(url, headers, rate, serverPid, extra = {}) {
  const opts = {
    url,
    connections,
    duration,
    headers,
    ...(rate ? { overallRate: Math.round(rate) } : {}),
    ...extra,
  };
  await autocannon({ ...opts, duration: 2 }); // warm-up: JIT, pools, token cache
  const cpuBefore = serverPid ? cpuMsOf(serverPid) : 0;
  const r = await autocannon(opts);
  const cpuMs = serverPid ? cpuMsOf(serverPid) - cpuBefore : 0;
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error(`${url}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpuUsPerRequest: serverPid ? (cpuMs * 1000) / r.requests.total : null,
  };
}

/**
 * DPoP proofs (RFC 9449) from one ES256 key: the load generator signs them ahead of each run (a
 * proof per request, never reused), so that signing does not compete with the gateway for the cores
 * during the measured run; when a run outlasts its pool, proofs are signed as requests go out
 * (counted in `signedLive`, printed). A proof stays acceptable for 60 s, far longer than a pool
 * takes to make and use.
 */
function dpopProofs() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const header = b64({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty, crv, x, y } });
  const run = randomBytes(6).toString('base64url');
  let n = 0;
  const make = (htm, htu, token) => {
    const payload = b64({
      jti: `${run}-${n++}`,
      htm,
      htu,
      iat: Math.floor(Date.now() / 1000),
      ...(token ? { ath: createHash('sha256').update(token).digest('base64url') } : {}),
    });
    const input = `${header}.${payload}`;
    const sig = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${sig.toString('base64url')}`;
  };
  return {
    make,
    signedLive: 0,
    /** autocannon options sending `count` proofs made now, then live ones */
    pool(count, htu, token) {
      const pool = Array.from({ length: count }, () => make('GET', htu, token));
      let next = 0;
      return {
        requests: [
          {
            setupRequest: (req) => {
              let p = pool[next];
              if (p === undefined) {
                this.signedLive++;
                p = make('GET', htu, token);
              } else pool[next++] = undefined;
              req.headers.dpop = p;
              return req;
            },
          },
        ],
      };
    },
  };
}

async function scaleBench(serverUrl, kmUrl) {
  const name = `apim_bench_scale_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = withDatabase(serverUrl, name);
  await migrate(url);
  const prisma = createPrismaClient(url, { poolSize: 1 });
  await seed(prisma, { adminPassword: randomBytes(12).toString('hex') });
  await prisma.$disconnect();
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const t = performance.now();
  await db.query(`
    INSERT INTO api (id, name, context, version, provider_id, lifecycle_status, endpoint_config, security_schemes,
                     subscription_policies, updated_at)
    SELECT gen_random_uuid(), 'api' || i, '/api' || i, '1.0.0', (SELECT id FROM user_account WHERE username = 'admin'),
           'PUBLISHED', '{"endpoint_type":"http","production_endpoints":{"url":"http://127.0.0.1:9"}}', '{oauth2}',
           '{Unlimited}', now()
    FROM generate_series(1, 10000) i;
    INSERT INTO api_revision (id, api_id, revision_number, snapshot)
    SELECT gen_random_uuid(), a.id, 1, jsonb_build_object(
      'id', a.id, 'name', a.name, 'context', a.context, 'version', a.version, 'providerName', 'admin',
      'endpointConfig', a.endpoint_config, 'securitySchemes', to_jsonb(a.security_schemes),
      'authorizationHeader', null, 'apiKeyHeader', null, 'corsConfig', null,
      'subscriptionPolicies', '["Unlimited"]'::jsonb, 'apiThrottlingPolicy', null, 'maxTps', null,
      'enableSchemaValidation', false, 'mediationPolicies', null, 'definition', null,
      'operations', '[{"verb":"GET","target":"/items/{id}","authEnabled":true,"scopes":[],"throttlingPolicy":null,"operationPolicies":null},
                      {"verb":"POST","target":"/items","authEnabled":true,"scopes":[],"throttlingPolicy":null,"operationPolicies":null}]'::jsonb)
    FROM api a;
    INSERT INTO revision_deployment (id, api_id, revision_id, environment_id, vhost)
    SELECT gen_random_uuid(), r.api_id, r.id, (SELECT id FROM gateway_environment WHERE name = 'Default'), 'localhost'
    FROM api_revision r;
    INSERT INTO application (id, name, owner_id, throttling_policy, updated_at)
    SELECT gen_random_uuid(), 'app' || i, (SELECT id FROM user_account WHERE username = 'admin'), 'Unlimited', now()
    FROM generate_series(1, 10000) i;
    WITH apps AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM application),
         apis AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM api)
    INSERT INTO subscription (id, application_id, api_id, throttling_policy, updated_at)
    SELECT gen_random_uuid(), apps.id, apis.id, 'Unlimited', now()
    FROM apps CROSS JOIN generate_series(0, 9) k JOIN apis ON apis.n = ((apps.n * 10 + k) % 10000) + 1;`);
  const filled = performance.now() - t;
  await db.end();
  const probePrefix = `apim-bench-${randomBytes(3).toString('hex')}`;
  const probe = spawn(process.execPath, ['--expose-gc', path.join(root, 'bench/gateway.probe.js')], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: url,
      REDIS_URL: redisUrl,
      APIM_REDIS_PREFIX: probePrefix,
      APIM_KEY_MANAGER_URL: kmUrl,
      APIM_INTERNAL_SECRET: randomBytes(32).toString('base64url'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  probe.stdout.on('data', (c) => (out += c));
  await new Promise((r) => probe.on('exit', r));
  await cleanupRedis(probePrefix);
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  return { fillMs: Math.round(filled), ...JSON.parse(out.trim().split('\n').pop()) };
}

let embedded;
let embeddedDir;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  embeddedDir = await mkdtemp(path.join(tmpdir(), 'apim-bench-pg-'));
  embedded = await startEmbeddedPostgres({ dir: embeddedDir, port: await freePort(), persistent: false });
  serverUrl = embedded.url;
}
serverUrl = withDatabase(serverUrl, 'postgres');
const dbName = `apim_bench_gw_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const databaseUrl = withDatabase(serverUrl, dbName);
let prefix = null;
let drain = null;
let drainConnection = null;

try {
  await migrate(databaseUrl);
  const prisma = createPrismaClient(databaseUrl, { poolSize: 1 });
  await seed(prisma, { adminPassword: randomBytes(12).toString('hex') });
  await prisma.$disconnect();
  prefix = `apim-bench-${randomBytes(3).toString('hex')}`;
  const internalSecret = randomBytes(32).toString('base64url');

  const [backendPort, barePort, kmPort, gwPort, metricsPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const [tracedPort, tracedMetricsPort, unsampledPort, unsampledMetricsPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const backend = start(['--input-type=module', '-e', BACKEND], { PORT: String(backendPort) });
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const bare = start(['--input-type=module', '-e', BARE_PROXY], {
    PORT: String(barePort),
    TARGET: backendUrl,
  });
  const kmUrl = `http://127.0.0.1:${kmPort}`;
  const km = start([path.join(root, 'apps/key-manager/dist/main.js')], {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    APIM_REDIS_PREFIX: prefix,
    APIM_KEY_MANAGER_PORT: String(kmPort),
    APIM_KEY_MANAGER_URL: kmUrl,
    APIM_INTERNAL_SECRET: internalSecret,
    APIM_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
  });
  await Promise.all([
    waitFor(`${backendUrl}/`, backend),
    waitFor(`http://127.0.0.1:${barePort}/`, bare),
    waitFor(`${kmUrl}/readyz`, km),
  ]);

  // What the control plane and developer portal would have written.
  const fx = new ControlPlaneFixture(databaseUrl);
  await fx.deployApi({
    context: '/open',
    backendUrl,
    operations: [{ verb: 'GET', target: '/*', authEnabled: false }],
  });
  const secured = await fx.deployApi({
    context: '/secured',
    backendUrl,
    operations: [{ verb: 'GET', target: '/*' }],
  });
  // an APIRule's rules: the API's own endpoint is a port nothing listens on, so only the rule's
  // service can answer (case f fails on any non-2xx answer)
  const rule = (more = {}) => ({ access: { strategy: 'noAuth' }, ...more });
  await deployExposedApi(fx, {
    context: '/kyma',
    backendUrl: 'http://127.0.0.1:9',
    hosts: [KYMA_HOST],
    operations: [
      { verb: 'GET', target: '/orders/{id}', rule: rule() },
      { verb: 'POST', target: '/orders', rule: rule() },
      {
        verb: 'GET',
        target: '/items/{**}',
        rule: rule({
          service: { url: backendUrl },
          timeoutMs: 10_000,
          request: { headers: { 'x-tenant': 'bench' }, cookies: { region: 'eu' } },
        }),
      },
      { verb: 'GET', target: '/files/{**}', rule: rule() },
      { verb: 'GET', target: '/{**}', rule: rule() },
    ],
  });
  await fx.upsertPolicy({ type: 'SUBSCRIPTION', name: 'BenchTier', requestCount: 1_000_000_000 });
  const app = await fx.createApplication({ name: 'bench' });
  const created = await (
    await fetch(`${kmUrl}/internal/v1/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${internalSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientName: 'bench', grantTypes: ['client_credentials'] }),
    })
  ).json();
  await fx.mapKey(app.id, 'PRODUCTION', created.clientId);
  await fx.subscribe(app.id, secured.id, 'BenchTier');
  await fx.close();
  const tokenRes = await fetch(`${kmUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${created.clientId}:${created.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token: token } = await tokenRes.json();
  // the same client's DPoP-bound token: its token request carries a proof (RFC 9449 §5)
  const proofs = dpopProofs();
  const dpopTokenRes = await fetch(`${kmUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${created.clientId}:${created.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      dpop: proofs.make('POST', `${kmUrl}/oauth2/token`),
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token: dpopToken, token_type: dpopTokenType } = await dpopTokenRes.json();
  if (dpopTokenType !== 'DPoP') throw new Error(`the key manager issued a ${dpopTokenType} token, not DPoP`);

  const gwNodeArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const startGateway = (port, metrics, env = {}) =>
    start([...gwNodeArgs, path.join(root, 'apps/gateway/dist/main.js')], {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      APIM_REDIS_PREFIX: prefix,
      APIM_KEY_MANAGER_URL: kmUrl,
      APIM_INTERNAL_SECRET: internalSecret,
      APIM_GATEWAY_PORT: String(port),
      APIM_GATEWAY_METRICS_PORT: String(metrics),
      APIM_GATEWAY_WORKERS: '1',
      LOG_LEVEL: 'warn',
      ...env,
    });
  const gw = startGateway(gwPort, metricsPort);
  // g and h: the same gateway with tracing, exporting to a receiver process (it decodes
  // and counts the spans, as a collector would, without keeping them); the batch processor's queue
  // is sized for this rate (the default 2048 spans every 5 s would drop most of them)
  const receiver = await startReceiverProcess();
  const otel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '1000',
    OTEL_BSP_MAX_QUEUE_SIZE: '65536',
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2048',
  };
  const gwUrl = `http://127.0.0.1:${gwPort}`;
  const tracedUrl = `http://127.0.0.1:${tracedPort}/secured/1.0.0/x`;
  const unsampledUrl = `http://127.0.0.1:${unsampledPort}/secured/1.0.0/x`;
  await waitFor(`${gwUrl}/readyz`, gw);
  await waitFor(`${gwUrl}/open/1.0.0/x`, gw);
  // one after the other, and given three times waitFor's 30 s: a third gateway loading its snapshot
  // on a busy machine can take longer (waitFor still fails at once if it exits)
  const ready = async (port, child) => {
    for (let i = 1; ; i++)
      try {
        return await waitFor(`http://127.0.0.1:${port}/readyz`, child);
      } catch (e) {
        if (i === 3 || child.exitCode !== null) throw e;
      }
  };
  const traced = startGateway(tracedPort, tracedMetricsPort, otel);
  await ready(tracedPort, traced);
  const unsampled = startGateway(unsampledPort, unsampledMetricsPort, {
    ...otel,
    OTEL_TRACES_SAMPLER: 'always_off',
  });
  await ready(unsampledPort, unsampled);
  // The gateway ships analytics batches to BullMQ; storing them is the control plane's job, on its
  // own machines. Here the waiting batches are discarded every second (Queue.drain, one Redis call),
  // so that Redis holds what it would in production and no consumer competes with the load
  // generator for these two cores; nothing is written to Postgres.
  drainConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const analyticsQueue = new Queue('apim-analytics', { connection: drainConnection, prefix });
  analyticsQueue.on('error', () => undefined);
  const drainTimer = setInterval(() => void analyticsQueue.drain().catch(() => undefined), 1000);
  drain = { close: async () => (clearInterval(drainTimer), analyticsQueue.close()) };

  const auth = { authorization: `Bearer ${token}` };
  const check = await fetch(`${gwUrl}/secured/1.0.0/x`, { headers: auth });
  if (check.status !== 200)
    throw new Error(`the secured API answered ${check.status}: ${await check.text()}`);
  const securedUrl = `${gwUrl}/secured/1.0.0/x`;
  const dpopAuth = { authorization: `DPoP ${dpopToken}` };
  const dpopCheck = await fetch(securedUrl, {
    headers: { ...dpopAuth, dpop: proofs.make('GET', securedUrl, dpopToken) },
  });
  if (dpopCheck.status !== 200)
    throw new Error(`the secured API answered ${dpopCheck.status} to DPoP: ${await dpopCheck.text()}`);

  const kymaUrl = `${gwUrl}/items/x`;
  const kymaHost = { host: KYMA_HOST };
  const kymaCheck = await get(kymaUrl, kymaHost);
  if (kymaCheck.status !== 200)
    throw new Error(`the Kyma-exposed API answered ${kymaCheck.status}: ${kymaCheck.body}`);

  const cases = {
    a: () => load(`${backendUrl}/x`, undefined, undefined, backend.pid),
    b: () => load(`http://127.0.0.1:${barePort}/x`, undefined, undefined, bare.pid),
    c: () => load(`${gwUrl}/open/1.0.0/x`, undefined, undefined, gw.pid),
    d: () => load(`${gwUrl}/secured/1.0.0/x`, auth, undefined, gw.pid),
    // enough proofs for d's last rate over the warm-up and the run, with a margin
    e: () => {
      const count = Math.min(300_000, Math.ceil((runs.d.at(-1)?.rps ?? 10_000) * (duration + 2) * 1.2));
      return load(securedUrl, dpopAuth, undefined, gw.pid, proofs.pool(count, securedUrl, dpopToken));
    },
    f: () => load(kymaUrl, kymaHost, undefined, gw.pid),
    g: async () => {
      const before = await receiver.spans();
      const r = await load(tracedUrl, auth, undefined, traced.pid);
      // spans of the warm-up and the run, counted once the last batch is in (1 s schedule)
      await new Promise((resolve) => setTimeout(resolve, 2500));
      return { ...r, spans: (await receiver.spans()) - before };
    },
    h: () => load(unsampledUrl, auth, undefined, unsampled.pid),
  };
  const runs = { a: [], b: [], c: [], d: [], e: [], f: [], g: [], h: [] };
  for (let i = 0; i < rounds; i++)
    for (const k of Object.keys(cases)) {
      runs[k].push(await cases[k]());
      if (process.env.BENCH_VERBOSE) console.log(k, JSON.stringify(runs[k].at(-1)));
    }
  /** the round with the median requests/s */
  const median = (list) => [...list].sort((x, y) => x.rps - y.rps)[Math.floor(list.length / 2)];
  const results = Object.fromEntries(Object.entries(runs).map(([k, list]) => [k, median(list)]));
  const half = results.b.rps / 2;
  const bHalfRuns = [];
  const dHalfRuns = [];
  for (let i = 0; i < rounds; i++) {
    bHalfRuns.push(await load(`http://127.0.0.1:${barePort}/x`, undefined, half));
    dHalfRuns.push(await load(`${gwUrl}/secured/1.0.0/x`, auth, half));
  }
  const medianP99 = (list) => [...list].map((r) => r.p99).sort((x, y) => x - y)[Math.floor(list.length / 2)];
  const bHalf = { p99: medianP99(bHalfRuns) };
  const dHalf = { p99: medianP99(dHalfRuns) };

  const labels = {
    a: 'backend directly',
    b: 'bare node:http + undici proxy',
    c: 'gateway, open API',
    d: 'gateway, JWT + subscription + Redis throttling + analytics',
    e: 'gateway, as d with a DPoP-bound token (fresh ES256 proof per request)',
    f: 'gateway, Kyma-exposed API: 3rd of 5 rules (noAuth, request headers, own service and timeout)',
    g: 'gateway, as d with tracing on: every request sampled, spans exported over OTLP',
    h: 'gateway, as d with an OTLP endpoint but no request sampled (always_off)',
  };
  console.log(
    `\n${connections} connections, ${duration} s each, 1 KiB JSON responses, median of ${rounds} rounds\n`,
  );
  console.log('| case | requests/s | p50 | p99 | server CPU per request |');
  console.log('|---|---|---|---|---|');
  for (const k of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) {
    const r = results[k];
    console.log(
      `| (${k}) ${labels[k]} | ${Math.round(r.rps)} | ${r.p50} ms | ${r.p99} ms | ${r.cpuUsPerRequest.toFixed(0)} µs |`,
    );
  }
  const medianCpu = (k) =>
    [...runs[k]].map((r) => r.cpuUsPerRequest).sort((x, y) => x - y)[Math.floor(runs[k].length / 2)];
  console.log(
    `\nc/b = ${(results.c.rps / results.b.rps).toFixed(2)}, d/b = ${(results.d.rps / results.b.rps).toFixed(2)}` +
      ` (requests/s); CPU per request, median of ${rounds} rounds: b/c = ${(medianCpu('b') / medianCpu('c')).toFixed(2)},` +
      ` b/d = ${(medianCpu('b') / medianCpu('d')).toFixed(2)}`,
  );
  console.log(
    `DPoP (e vs d): e/d = ${(results.e.rps / results.d.rps).toFixed(2)} (requests/s); CPU per request` +
      ` ${medianCpu('e').toFixed(0)} vs ${medianCpu('d').toFixed(0)} µs (+${(medianCpu('e') - medianCpu('d')).toFixed(0)} µs per proof);` +
      ` proofs signed ahead, ${proofs.signedLive} signed during runs`,
  );
  console.log(
    `Kyma rules (f vs c): f/c = ${(results.f.rps / results.c.rps).toFixed(2)} (requests/s); CPU per request` +
      ` ${medianCpu('f').toFixed(0)} vs ${medianCpu('c').toFixed(0)} µs, b/f = ${(medianCpu('b') / medianCpu('f')).toFixed(2)}`,
  );
  console.log(
    `Tracing (g, h vs d, the default: tracing off, no span made): g/d = ${(results.g.rps / results.d.rps).toFixed(2)},` +
      ` h/d = ${(results.h.rps / results.d.rps).toFixed(2)} (requests/s); CPU per request ${medianCpu('g').toFixed(0)} (g),` +
      ` ${medianCpu('h').toFixed(0)} (h) vs ${medianCpu('d').toFixed(0)} µs (d): +${(medianCpu('g') - medianCpu('d')).toFixed(0)} µs` +
      ` per traced request; ${(results.g.spans / (results.g.rps * (duration + 2))).toFixed(1)} spans received per request of g` +
      ` (request, handler phases, backend)`,
  );
  console.log(
    `at ${Math.round(half)} req/s (half of b's saturation), median p99 of ${rounds} rounds: b = ${bHalf.p99} ms, d = ${dHalf.p99} ms (difference ${dHalf.p99 - bHalf.p99} ms)`,
  );

  if (process.env.BENCH_SCALE !== '0') {
    for (const c of children) c.kill('SIGTERM');
    const scale = await scaleBench(serverUrl, kmUrl);
    console.log('\nScale: 10,000 deployed APIs, 100,000 subscriptions');
    console.log(JSON.stringify(scale, null, 2));
  }
} finally {
  await drain?.close().catch(() => undefined);
  drainConnection?.disconnect();
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  if (prefix) await cleanupRedis(prefix).catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
  if (embedded) await embedded.stop();
  if (embeddedDir) await rm(embeddedDir, { recursive: true, force: true });
}
