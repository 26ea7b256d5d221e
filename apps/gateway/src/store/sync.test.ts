/**
 * The store follows the event log through a database outage: it catches up from the log, or reloads
 * a snapshot when the events it missed were pruned meanwhile (by the control plane's retention job,
 * apps/control-plane/src/jobs/gateway-event-retention.ts), also when it started on an empty log and
 * when the prune lands while it is reading the log.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startControlPlane } from '@apim/control-plane/testing';
import { loadGatewaySnapshot } from '@apim/gateway-model';
import { createLogger } from '@apim/service';
import {
  cleanupRedis,
  createTestDatabase,
  eventually,
  type TestDatabase,
  testRedisPrefix,
  testRedisUrl,
} from '@apim/testing';
import { startBackend, type TestBackend } from '../test-support/backend.js';
import { ControlPlaneFixture } from '../test-support/control-plane-fixture.js';
import { startTcpProxy, type TcpProxy } from '../test-support/tcp-proxy.js';
import { startTokenIssuer, type TokenIssuer } from '../test-support/token-issuer.js';
import { startGateway, type StartedGateway } from '../testing.js';
import { GatewayState } from './state.js';
import { EventLogFollower } from './sync.js';

const INTERNAL_SECRET = 'w'.repeat(40);
const open = [{ verb: 'GET' as const, target: '/*', authEnabled: false }];

let backend: TestBackend;
let issuer: TokenIssuer;

beforeAll(async () => {
  backend = await startBackend();
  issuer = await startTokenIssuer();
});

afterAll(async () => {
  await backend?.close();
  await issuer?.close();
});

/** A database of the test's own, reached through a proxy the test can cut; gone when the test ends. */
interface Setup {
  db: TestDatabase;
  prefix: string;
  fx: ControlPlaneFixture;
  proxy: TcpProxy;
  /** the database's URL through the proxy */
  proxiedUrl: string;
  /** closed (in reverse order) when the test ends */
  closers: Array<() => Promise<unknown>>;
}

async function setUp(): Promise<Setup> {
  const db = await createTestDatabase();
  const prefix = testRedisPrefix();
  const closers: Setup['closers'] = [() => db.drop(), () => cleanupRedis(prefix)];
  onTestFinished(async () => {
    for (const close of closers.reverse()) await close();
  });
  const fx = new ControlPlaneFixture(db.url);
  closers.push(() => fx.close());
  const u = new URL(db.url);
  const proxy = await startTcpProxy(u.hostname, Number(u.port || 5432));
  closers.push(() => proxy.close());
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return { db, prefix, fx, proxy, proxiedUrl: u.toString(), closers };
}

async function gatewayOn(s: Setup): Promise<StartedGateway> {
  const gw = await startGateway({
    databaseUrl: s.proxiedUrl,
    redisUrl: testRedisUrl(),
    redisPrefix: s.prefix,
    keyManagerUrl: issuer.url,
    internalSecret: INTERNAL_SECRET,
  });
  s.closers.push(() => gw.close());
  return gw;
}

async function status(gw: StartedGateway, path: string): Promise<number> {
  const r = await fetch(`${gw.url}${path}`);
  await r.arrayBuffer();
  return r.status;
}

function emptyState(): GatewayState {
  return new GatewayState('Default', {
    apiDeployed: () => undefined,
    apiRemoved: () => undefined,
    signingKeysChanged: () => undefined,
    userChanged: () => undefined,
    accessChanged: () => undefined,
  });
}

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

async function expectEqualToAFreshSnapshot(s: Setup, state: GatewayState): Promise<void> {
  const fresh = emptyState();
  fresh.load(await loadGatewaySnapshot(s.fx.prisma, 'Default'));
  expect(contentsOf(state)).toEqual(contentsOf(fresh));
}

/**
 * Changes of several kinds a gateway must not miss (each one event or more), the newest event last:
 * an API on `/<name>`, an application with a key subscribed to it, a revoked token, an API on
 * `/<name>-last`.
 */
async function writeChanges(s: Setup, name: string): Promise<void> {
  const api = await s.fx.deployApi({ context: `/${name}`, backendUrl: backend.url, operations: open });
  const app = await s.fx.createApplication();
  await s.fx.addKey(app.id, 'PRODUCTION');
  await s.fx.subscribe(app.id, api.id);
  await s.fx.revokeToken(`jti-${name}`, new Date(Date.now() + 3_600_000));
  await s.fx.deployApi({ context: `/${name}-last`, backendUrl: backend.url, operations: open });
}

/** Ages every event past the retention and lets the control plane's job (it runs at start) prune. */
async function pruneWithTheRetentionJob(s: Setup): Promise<void> {
  await s.fx.prisma.$executeRaw`UPDATE gateway_event SET created_at = created_at - interval '8 days'`;
  const cp = await startControlPlane({
    databaseUrl: s.db.url,
    keyManagerUrl: issuer.url,
    internalSecret: INTERNAL_SECRET,
    redisUrl: testRedisUrl(),
    redisPrefix: s.prefix,
    env: { APIM_GATEWAY_EVENT_RETENTION_DAYS: '7' },
  });
  try {
    // the job keeps the newest event only
    await eventually(async () => expect(await s.fx.prisma.gatewayEvent.count()).toBe(1));
  } finally {
    await cp.close();
  }
}

describe('event log follower', () => {
  it('serves from memory while the database is away and catches up from the log afterwards', async () => {
    const s = await setUp();
    await s.fx.deployApi({ context: '/before', backendUrl: backend.url, operations: open });
    const gw = await gatewayOn(s);
    s.proxy.cut();
    await eventually(() => expect(gw.app.syncStatus().connected).toBe(false));
    expect(await status(gw, '/before/1.0.0/x')).toBe(200);
    await s.fx.deployApi({ context: '/during', backendUrl: backend.url, operations: open });
    s.proxy.restore();
    await eventually(async () => expect(await status(gw, '/during/1.0.0/x')).toBe(200), 30_000);
  });

  it.each([
    { start: 'a log with events', emptyLog: false },
    // position 0: nothing in the log tells "pruned" from "never written" but the ids themselves
    { start: 'an empty log', emptyLog: true },
  ])(
    'reloads the snapshot when the retention job pruned the events it missed (started on $start), and ends equal to the database',
    async ({ emptyLog }) => {
      const s = await setUp();
      const before = emptyLog
        ? null
        : await s.fx.deployApi({ context: '/before', backendUrl: backend.url, operations: open });
      const gw = await gatewayOn(s);
      if (emptyLog) expect(gw.app.syncStatus().lastEventId).toBe(0n);
      s.proxy.cut();
      await eventually(() => expect(gw.app.syncStatus().connected).toBe(false));
      // a removal (which catching up from a partial log would never see), then additions
      if (before) await s.fx.undeployApi(before.id);
      await writeChanges(s, 'pruned');
      await pruneWithTheRetentionJob(s);
      expect(gw.app.syncStatus().lastEventId).toBeLessThan(await s.fx.lastEventId());

      s.proxy.restore();
      await eventually(async () => expect(await status(gw, '/pruned-last/1.0.0/x')).toBe(200), 30_000);
      expect(await status(gw, '/pruned/1.0.0/x')).toBe(200);
      if (before) expect(await status(gw, '/before/1.0.0/x')).toBe(404);
      await expectEqualToAFreshSnapshot(s, gw.app.state);
      expect(gw.app.state.revokedTokens.has('jti-pruned')).toBe(true);
    },
  );

  it('checks every page it reads for pruning: a prune between two pages makes it reload, not skip', async () => {
    const s = await setUp();
    await s.fx.deployApi({ context: '/before', backendUrl: backend.url, operations: open });
    const state = emptyState();
    let pruneAfterNextPage = false;
    /** our position when the prune ran, and the oldest id the prune left */
    let pruned: { position: bigint; oldest: bigint } | null = null;
    const follower = new EventLogFollower(s.proxiedUrl, s.fx.prisma, state, createLogger('test', 'silent'), {
      pageSize: 2,
      // runs between two reads of one catch-up: the moment the retention job must not be able to
      // make the follower skip events
      onApplied: async () => {
        if (!pruneAfterNextPage) return;
        pruneAfterNextPage = false;
        await pruneWithTheRetentionJob(s);
        const oldest = await s.fx.prisma.gatewayEvent.findFirstOrThrow({ orderBy: { id: 'asc' } });
        pruned = { position: state.lastEventId, oldest: oldest.id };
      },
    });
    s.closers.push(() => follower.close());
    await follower.start();
    const start = state.lastEventId;
    expect(start).toBeGreaterThan(0n);

    s.proxy.cut();
    await eventually(() => expect(follower.status().connected).toBe(false));
    await s.fx.undeployApi((await s.fx.prisma.api.findFirstOrThrow({ where: { context: '/before' } })).id);
    await writeChanges(s, 'torn');
    const newest = await s.fx.lastEventId();
    expect(newest - start).toBeGreaterThan(4n);
    pruneAfterNextPage = true;
    s.proxy.restore();

    await eventually(() => expect(state.lastEventId).toBe(newest), 30_000);
    // the prune came after the first page (2 events) and left a hole right after our position
    expect(pruned).toEqual({ position: start + 2n, oldest: newest });
    await expectEqualToAFreshSnapshot(s, state);
    expect([...state.apis.values()].map((a) => a.context).sort()).toEqual(['/torn', '/torn-last']);
    expect(state.revokedTokens.has('jti-torn')).toBe(true);
  });
});
