/**
 * The store follows the event log through a database outage: it catches up from the log, or reloads
 * a snapshot when the events it missed were pruned meanwhile (by the control plane's retention job,
 * apps/control-plane/src/jobs/gateway-event-retention.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApi } from '@apim/contracts';
import { startControlPlane } from '@apim/control-plane/testing';
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
import { loadSnapshot } from './snapshot.js';
import { GatewayState } from './state.js';

let db: TestDatabase;
let prefix: string;
let backend: TestBackend;
let issuer: TokenIssuer;
let fx: ControlPlaneFixture;
let proxy: TcpProxy;
let gw: StartedGateway;
let before: GatewayApi;

const open = [{ verb: 'GET' as const, target: '/*', authEnabled: false }];

/** Everything a gateway serves from, in a form toEqual compares. */
function contentsOf(state: GatewayState) {
  const { apis, applications, keyMappings, subscriptions, policies, denyPolicies, issuers } = state;
  const maps = { apis, applications, keyMappings, subscriptions, policies, denyPolicies, issuers };
  return {
    lastEventId: state.lastEventId,
    vhosts: state.vhosts,
    revokedTokens: Object.fromEntries(state.revokedTokens),
    revokedClients: Object.fromEntries(state.revokedClients),
    ...Object.fromEntries(Object.entries(maps).map(([name, map]) => [name, Object.fromEntries(map)])),
  };
}

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
  before = await fx.deployApi({ context: '/before', backendUrl: backend.url, operations: open });
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

  it('reloads the snapshot when the retention job pruned the events it missed, and ends equal to the database', async () => {
    proxy.cut();
    await eventually(() => expect(gw.app.syncStatus().connected).toBe(false));
    // changes the gateway misses: a removal (which catching up from a partial log would never see),
    // additions of several kinds, and the newest event last
    await fx.undeployApi(before.id);
    const pruned = await fx.deployApi({ context: '/pruned', backendUrl: backend.url, operations: open });
    const app = await fx.createApplication();
    await fx.addKey(app.id, 'PRODUCTION');
    await fx.subscribe(app.id, pruned.id);
    await fx.revokeToken('jti-revoked-while-away', new Date(Date.now() + 3_600_000));
    await fx.deployApi({ context: '/after-prune', backendUrl: backend.url, operations: open });
    // the missed events are older than the retention; the control plane's job runs at its start
    await fx.prisma.$executeRaw`UPDATE gateway_event SET created_at = created_at - interval '8 days'`;
    const cp = await startControlPlane({
      databaseUrl: db.url,
      keyManagerUrl: issuer.url,
      internalSecret: 'w'.repeat(40),
      redisUrl: testRedisUrl(),
      redisPrefix: prefix,
      env: { APIM_GATEWAY_EVENT_RETENTION_DAYS: '7' },
    });
    try {
      await eventually(async () => expect(await fx.prisma.gatewayEvent.count()).toBe(1));
    } finally {
      await cp.close();
    }
    expect(gw.app.syncStatus().lastEventId).toBeLessThan(await fx.lastEventId());

    proxy.restore();
    await eventually(async () => expect(await status('/after-prune/1.0.0/x')).toBe(200), 30_000);
    expect(await status('/pruned/1.0.0/x')).toBe(200);
    expect(await status('/before/1.0.0/x')).toBe(404);
    const fresh = new GatewayState('Default', {
      apiDeployed: () => undefined,
      apiRemoved: () => undefined,
      signingKeysChanged: () => undefined,
    });
    fresh.load(await loadSnapshot(fx.prisma, 'Default'));
    expect(contentsOf(gw.app.state)).toEqual(contentsOf(fresh));
    expect(gw.app.state.revokedTokens.has('jti-revoked-while-away')).toBe(true);
  });
});
