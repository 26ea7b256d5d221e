/**
 * The store follows the event log through a database outage: it catches up from the log, or reloads
 * a snapshot when the events it missed were pruned meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupRedis,
  createTestDatabase,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
} from '@apim/testing';
import { startBackend, type TestBackend } from '../test-support/backend.js';
import { ControlPlaneFixture } from '../test-support/control-plane-fixture.js';
import { eventually } from '../test-support/eventually.js';
import { startTcpProxy, type TcpProxy } from '../test-support/tcp-proxy.js';
import { startTokenIssuer, type TokenIssuer } from '../test-support/token-issuer.js';
import { startGateway, type StartedGateway } from '../testing.js';

let db: TestDatabase;
let prefix: string;
let backend: TestBackend;
let issuer: TokenIssuer;
let fx: ControlPlaneFixture;
let proxy: TcpProxy;
let gw: StartedGateway;

const open = [{ verb: 'GET' as const, target: '/*', authEnabled: false }];

async function status(path: string): Promise<number> {
  const r = await fetch(`${gw.url}${path}`);
  await r.arrayBuffer();
  return r.status;
}

beforeAll(async () => {
  db = await createTestDatabase();
  prefix = testRedisPrefix();
  backend = await startBackend();
  issuer = await startTokenIssuer();
  fx = new ControlPlaneFixture(db.url);
  const u = new URL(db.url);
  proxy = await startTcpProxy(u.hostname, Number(u.port || 5432));
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  await fx.deployApi({ context: '/before', backendUrl: backend.url, operations: open });
  gw = await startGateway({
    databaseUrl: u.toString(),
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    keyManagerUrl: issuer.url,
    internalSecret: 'w'.repeat(40),
  });
});

afterAll(async () => {
  await gw?.close();
  await fx?.close();
  await proxy?.close();
  await backend?.close();
  await issuer?.close();
  await cleanupRedis(prefix);
  await db?.drop();
});

describe('event log follower', () => {
  it('serves from memory while the database is away and catches up from the log afterwards', async () => {
    proxy.cut();
    await eventually(() => expect(gw.app.syncStatus().connected).toBe(false));
    expect(await status('/before/1.0.0/x')).toBe(200);
    await fx.deployApi({ context: '/during', backendUrl: backend.url, operations: open });
    proxy.restore();
    await eventually(async () => expect(await status('/during/1.0.0/x')).toBe(200), 30_000);
  });

  it('reloads the snapshot when the events it missed were pruned from the log', async () => {
    proxy.cut();
    await eventually(() => expect(gw.app.syncStatus().connected).toBe(false));
    const pruned = await fx.deployApi({ context: '/pruned', backendUrl: backend.url, operations: open });
    await fx.deployApi({ context: '/after-prune', backendUrl: backend.url, operations: open });
    // keep only the newest event: the API_DEPLOYED of /pruned is gone from the log, but not from the tables
    const last = await fx.lastEventId();
    await fx.prisma.gatewayEvent.deleteMany({ where: { id: { lt: last } } });
    proxy.restore();
    await eventually(async () => expect(await status('/after-prune/1.0.0/x')).toBe(200), 30_000);
    expect(await status('/pruned/1.0.0/x')).toBe(200);
    expect(gw.app.state.apis.has(pruned.id)).toBe(true);
  });
});
