/**
 * While the database cannot be reached, every REST API answers 503 with Retry-After in the REST
 * error body (not 500), and serves again once it is back. The control plane reaches the real
 * Postgres through a TCP relay this test owns: closing the relay cuts the pooled connections
 * (connection terminated) and refuses new ones (ECONNREFUSED), as a database that went down does,
 * without stopping the shared server.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupRedis,
  createTestDatabase,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
} from '@apim/testing';
import { ADMIN, restClient } from '../test-support.js';
import { startControlPlane, type RunningControlPlane } from '../testing.js';

/** A relay from a local port to `target`, which can be cut and restored on the same port. */
async function startRelay(target: { hostname: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      if (server?.listening) return resolve();
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await open();
  return {
    port,
    /** stops listening and resets every connection, as a database that went down */
    cut: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.resetAndDestroy();
        server!.close(() => resolve());
      }),
    restore: open,
  };
}

let db: TestDatabase;
let relay: Awaited<ReturnType<typeof startRelay>>;
let cp: RunningControlPlane;
const redisPrefix = testRedisPrefix();

beforeAll(async () => {
  db = await createTestDatabase();
  const url = new URL(db.url);
  relay = await startRelay({ hostname: url.hostname, port: Number(url.port || 5432) });
  url.host = `127.0.0.1:${relay.port}`;
  cp = await startControlPlane({
    databaseUrl: url.toString(),
    redisUrl: testRedisUrl(),
    redisPrefix,
  });
});
afterAll(async () => {
  await relay?.restore();
  await cp?.close();
  await db?.drop();
  await cleanupRedis(redisPrefix);
});

describe('while the database is down', () => {
  it('answers 503 with Retry-After on every REST API, and serves again once it is back', async () => {
    const call = restClient(cp.url, cp.app.documents);
    const requests = [
      () => call('GET', '/api/am/devportal/v3/apis'),
      () => call('GET', '/api/am/publisher/v4/apis', { as: ADMIN }),
      () => call('GET', '/api/am/admin/v4/throttling/deny-policies', { as: ADMIN }),
    ];
    for (const request of requests) expect((await request()).status).toBe(200);

    await relay.cut();
    for (const request of requests) {
      const reply = await request();
      expect(reply.status).toBe(503);
      expect(reply.headers.get('retry-after')).toBe('5');
      expect(reply.body).toMatchObject({
        code: 503,
        message: 'Service Unavailable',
        description: expect.stringContaining('database cannot be reached') as unknown,
      });
    }
    // a change too (it runs in a transaction)
    const change = await call('POST', '/api/am/admin/v4/throttling/deny-policies', {
      as: ADMIN,
      json: { conditionType: 'IP', conditionValue: '192.0.2.150' },
    });
    expect(change.status).toBe(503);

    await relay.restore();
    for (const request of requests) expect((await request()).status).toBe(200);
  });
});
