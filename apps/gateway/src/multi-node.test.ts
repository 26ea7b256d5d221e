/**
 * Two gateway processes sharing one database and one Redis: exact shared limits, revocations reaching
 * both, and both serving through a Postgres outage and a Redis outage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  createTestDatabase,
  eventually,
  type OwnRedis,
  startRedisServer,
  type TestDatabase,
  testRedisPrefix,
} from '@apim/testing';
import type { GatewayApi } from '@apim/contracts';
import { startBackend, type TestBackend } from './test-support/backend.js';
import { ControlPlaneFixture } from './test-support/control-plane-fixture.js';
import { startTcpProxy, type TcpProxy } from './test-support/tcp-proxy.js';
import { startTokenIssuer, type TokenIssuer } from './test-support/token-issuer.js';
import { startGatewayProcess, type GatewayProcess } from './testing.js';

let db: TestDatabase;
let backend: TestBackend;
let issuer: TokenIssuer;
let fx: ControlPlaneFixture;
let redis: OwnRedis;
let pgProxy: TcpProxy;
let nodes: GatewayProcess[] = [];
let api: GatewayApi;

async function status(node: GatewayProcess, token: string) {
  const res = await request(`${node.url}/shared/1.0.0/x`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.body.json()) as { code?: string };
  return { status: res.statusCode, code: body.code };
}

async function metric(node: GatewayProcess, name: string): Promise<number> {
  const res = await request(`${node.metricsUrl}/metrics`);
  const text = await res.body.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in the metrics of ${node.metricsUrl}:\n${text.slice(0, 2000)}`);
  return Number(line.split(' ')[1]);
}

/** /readyz of a node: still 200 (it serves) with "degraded" while a dependency is away. */
async function readiness(node: GatewayProcess) {
  const res = await request(`${node.url}/readyz`);
  const body = (await res.body.json()) as { status: string; checks: Record<string, { status: string }> };
  return { http: res.statusCode, status: body.status, checks: body.checks };
}

/** A new application subscribed to the API on `tier`, and a token for it. */
async function subscriber(tier: string): Promise<string> {
  const app = await fx.createApplication();
  const clientId = await fx.addKey(app.id, 'PRODUCTION');
  await fx.subscribe(app.id, api.id, tier);
  await synced();
  return issuer.sign({ clientId });
}

/** Waits until both nodes have applied every event committed so far. */
async function synced(): Promise<void> {
  const last = Number(await fx.lastEventId());
  await Promise.all(
    nodes.map((n) =>
      eventually(
        async () => expect(await metric(n, 'apim_gateway_last_event_id')).toBeGreaterThanOrEqual(last),
        40_000,
      ),
    ),
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  backend = await startBackend();
  issuer = await startTokenIssuer();
  redis = await startRedisServer();
  fx = new ControlPlaneFixture(db.url);
  const dbUrl = new URL(db.url);
  pgProxy = await startTcpProxy(dbUrl.hostname, Number(dbUrl.port || 5432));
  dbUrl.port = String(pgProxy.port);
  dbUrl.hostname = '127.0.0.1';
  api = await fx.deployApi({
    context: '/shared',
    backendUrl: backend.url,
    operations: [{ verb: 'GET', target: '/x' }],
  });
  await fx.upsertPolicy({ type: 'SUBSCRIPTION', name: 'TenPerMin', requestCount: 10 });
  await fx.upsertPolicy({ type: 'SUBSCRIPTION', name: 'ThreePerMin', requestCount: 3 });
  const options = {
    databaseUrl: dbUrl.toString(),
    redisUrl: redis.url,
    redisPrefix: testRedisPrefix(),
    keyManagerUrl: issuer.url,
    internalSecret: 'z'.repeat(40),
  };
  nodes = await Promise.all([startGatewayProcess(options), startGatewayProcess(options)]);
}, 120_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  await fx?.close();
  await backend?.close();
  await issuer?.close();
  await redis?.stop();
  await pgProxy?.close();
  await db?.drop();
});

// Outages and two processes on a shared 2-core machine: generous limits, never timing asserts.
describe('two gateway nodes', { timeout: 120_000 }, () => {
  it('count a shared limit exactly: 10 per minute across both admits exactly 10', async () => {
    const token = await subscriber('TenPerMin');
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => status(nodes[i % 2]!, token)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    expect(results.filter((r) => r.status === 429).every((r) => r.code === '900804')).toBe(true);
    expect(results.filter((r) => r.status === 429)).toHaveLength(6);
  });

  it('both reject a revoked token once the revocation is committed', async () => {
    const app = await fx.createApplication();
    const clientId = await fx.addKey(app.id, 'PRODUCTION');
    await fx.subscribe(app.id, api.id, 'Unlimited');
    const token = await issuer.sign({ clientId, jti: 'both-nodes' });
    for (const n of nodes) await eventually(async () => expect((await status(n, token)).status).toBe(200));
    await fx.revokeToken('both-nodes', new Date(Date.now() + 3_600_000));
    await Promise.all(
      nodes.map((n) => eventually(async () => expect((await status(n, token)).code).toBe('900904'))),
    );
  });

  it('keep serving while Postgres is unreachable, and catch up with the log when it returns', async () => {
    const token = await subscriber('Unlimited');
    pgProxy.cut();
    try {
      await Promise.all(
        nodes.map((n) =>
          eventually(async () => expect(await metric(n, 'apim_gateway_database_connected')).toBe(0), 40_000),
        ),
      );
      for (const n of nodes) for (let i = 0; i < 3; i++) expect((await status(n, token)).status).toBe(200);
      for (const n of nodes)
        expect(await readiness(n)).toMatchObject({
          http: 200,
          status: 'degraded',
          checks: { snapshot: { status: 'ok' }, database: { status: 'error' }, redis: { status: 'ok' } },
        });
      // committed while the gateways cannot see the database
      const app = await fx.createApplication();
      const clientId = await fx.addKey(app.id, 'PRODUCTION');
      await fx.subscribe(app.id, api.id, 'Unlimited');
      const late = await issuer.sign({ clientId });
      expect((await status(nodes[0]!, late)).status).toBe(403);
      pgProxy.restore();
      await Promise.all(
        nodes.map((n) => eventually(async () => expect((await status(n, late)).status).toBe(200), 40_000)),
      );
    } finally {
      pgProxy.restore();
    }
  });

  it('count per node while Redis is down, and share again when it is back', async () => {
    const token = await subscriber('ThreePerMin');
    await redis.stop();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await status(nodes[i % 2]!, token)).status);
      // each node admits its own 3: six in all
      expect(statuses.filter((s) => s === 200)).toHaveLength(6);
      for (const n of nodes) expect(await metric(n, 'apim_gateway_rate_limits_shared')).toBe(0);
      for (const n of nodes)
        expect(await readiness(n)).toMatchObject({
          http: 200,
          status: 'degraded',
          checks: { snapshot: { status: 'ok' }, database: { status: 'ok' }, redis: { status: 'error' } },
        });
    } finally {
      await redis.start();
    }
    await Promise.all(
      nodes.map((n) =>
        eventually(async () => expect(await metric(n, 'apim_gateway_rate_limits_shared')).toBe(1), 40_000),
      ),
    );
    for (const n of nodes) expect(await readiness(n)).toMatchObject({ http: 200, status: 'ok' });
    const fresh = await subscriber('ThreePerMin');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => status(nodes[i % 2]!, fresh)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
  });
});
