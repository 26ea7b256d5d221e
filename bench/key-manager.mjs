// Key manager benchmark: client_credentials tokens per second at /oauth2/token (the key manager
// in its own process, as in production; the client is an application's key, so every token
// carries application claims and the owner's scopes), and the gateway-side cost of verifying one
// token (jose, JWKS already fetched). Side by side in one run: RS256 without the in-memory lookup
// cache (every token reads client, application and scopes from Postgres), RS256 and ES256 with it.
// Run: `npm run bench -- key-manager` (or, after `npx tsc -b`, `node bench/key-manager.mjs`).
// DATABASE_URL (any database of the server) and REDIS_URL are used when set; otherwise an
// embedded Postgres is started. BENCH_DURATION (seconds, default 10), BENCH_CONNECTIONS (default 16).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createPrismaClient, migrate, seed } from '@apim/db';
import { startEmbeddedPostgres } from '@apim/db/embedded';
import { freePort, withDatabase } from './lib/net.mjs';

const root = path.resolve(import.meta.dirname, '..');
// jose as the apps depend on it (it is not a dependency of the repository root)
const joseEntry = createRequire(path.join(root, 'apps/key-manager/package.json')).resolve('jose');
const { createLocalJWKSet, jwtVerify } = await import(pathToFileURL(joseEntry).href);
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function waitReady(url, child) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`key manager exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('key manager did not become ready');
}

async function startKeyManager(databaseUrl, alg, env) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const internalSecret = randomBytes(32).toString('base64url');
  const child = spawn(process.execPath, [path.join(root, 'apps/key-manager/dist/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      APIM_REDIS_PREFIX: `apim-bench-${randomBytes(3).toString('hex')}`,
      APIM_KEY_MANAGER_PORT: String(port),
      APIM_KEY_MANAGER_URL: url,
      APIM_INTERNAL_SECRET: internalSecret,
      APIM_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      APIM_SIGNING_ALG: alg,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitReady(url, child);
  const res = await fetch(`${url}/internal/v1/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${internalSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ clientName: 'bench', grantTypes: ['client_credentials'] }),
  });
  const client = await res.json();
  // the client is the production key of the seeded admin's application
  const prisma = createPrismaClient(databaseUrl, { poolSize: 1 });
  try {
    const owner = await prisma.user.findUniqueOrThrow({ where: { username: 'admin' } });
    const app = await prisma.application.create({
      data: { name: 'bench', ownerId: owner.id, throttlingPolicy: 'Unlimited' },
    });
    await prisma.applicationKey.create({
      data: { applicationId: app.id, keyType: 'PRODUCTION', consumerKey: client.clientId },
    });
  } finally {
    await prisma.$disconnect();
  }
  const basic = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  return { url, child, basic };
}

async function tokensPerSecond(km) {
  const options = {
    url: `${km.url}/oauth2/token`,
    method: 'POST',
    headers: { authorization: km.basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=apim:subscribe',
    connections,
  };
  await autocannon({ ...options, duration: 2 }); // warm-up
  const r = await autocannon({ ...options, duration });
  return {
    tokensPerSecond: Math.round(r.requests.average),
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

async function verifyCost(km) {
  const res = await fetch(`${km.url}/oauth2/token`, {
    method: 'POST',
    headers: { authorization: km.basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const { access_token: token } = await res.json();
  const jwks = createLocalJWKSet(await (await fetch(`${km.url}/oauth2/jwks`)).json());
  const verify = () => jwtVerify(token, jwks, { issuer: km.url, audience: 'apim-gateway' });
  for (let i = 0; i < 500; i++) await verify();
  let n = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(Math.min(duration, 5)) * 1_000_000_000n;
  while (process.hrtime.bigint() < until) {
    await verify();
    n++;
  }
  const us = Number(process.hrtime.bigint() - start) / 1000 / n;
  return {
    verificationsPerSecond: Math.round(1e6 / us),
    microsecondsPerVerification: Math.round(us * 10) / 10,
  };
}

const runs = [
  { label: 'RS256 no cache', alg: 'RS256', env: { APIM_KEY_MANAGER_CACHE_ENTRIES: '0' } },
  { label: 'RS256', alg: 'RS256', env: {} },
  { label: 'ES256', alg: 'ES256', env: {} },
];

let embedded;
let embeddedDir;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  embeddedDir = await mkdtemp(path.join(tmpdir(), 'apim-bench-pg-'));
  embedded = await startEmbeddedPostgres({ dir: embeddedDir, port: await freePort(), persistent: false });
  serverUrl = embedded.url;
}
const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
await admin.connect();
const results = {};
const created = [];
try {
  for (const { label, alg, env } of runs) {
    const name = `apim_bench_km_${alg.toLowerCase()}_${randomBytes(3).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name}`);
    created.push(name);
    const url = withDatabase(serverUrl, name);
    await migrate(url);
    const prisma = createPrismaClient(url, { poolSize: 1 });
    await seed(prisma, { adminPassword: randomBytes(12).toString('base64url') });
    await prisma.$disconnect();
    const km = await startKeyManager(url, alg, env);
    try {
      results[label] = { ...(await tokensPerSecond(km)), ...(await verifyCost(km)) };
    } finally {
      km.child.kill('SIGTERM');
      await new Promise((r) => km.child.once('exit', r));
    }
  }
} finally {
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  if (embedded) await embedded.stop();
  if (embeddedDir) await rm(embeddedDir, { recursive: true, force: true });
}
console.log(
  `key manager, client_credentials at /oauth2/token (${connections} connections, ${duration} s), and jose verification:`,
);
console.table(results);
const ratio = (a, b, field) => (results[a][field] / results[b][field]).toFixed(2);
console.log(
  `lookup cache on/off (RS256) issuing ratio: ${ratio('RS256', 'RS256 no cache', 'tokensPerSecond')}`,
);
console.log(
  `ES256/RS256 issuing ratio: ${ratio('ES256', 'RS256', 'tokensPerSecond')}; verification ratio: ${ratio('ES256', 'RS256', 'verificationsPerSecond')}`,
);
