/**
 * A rolling upgrade drops no request: a real gateway process (primary and worker, as `npm start`
 * runs it) told SIGTERM while a request waits on a slow backend stops accepting connections,
 * finishes that request (200, the backend's whole answer), closes its idle keep-alive connections
 * and the in-flight one once answered, and exits 0 by itself before its APIM_SHUTDOWN_TIMEOUT_MS.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import {
  connectionRefused,
  createTestDatabase,
  eventually,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
} from '@apim/testing';
import { ControlPlaneFixture } from '../test-support/control-plane-fixture.js';
import { startTokenIssuer, type TokenIssuer } from '../test-support/token-issuer.js';
import { startGatewayProcess, type GatewayProcess } from '../testing.js';

/** A backend that holds /held requests until released, and answers anything else at once. */
async function startHoldingBackend() {
  let arrived!: () => void;
  const heldArrived = new Promise<void>((r) => (arrived = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const server = http.createServer((req, res) => {
    req.resume();
    const answer = () => res.writeHead(200, { 'content-type': 'text/plain' }).end(`answered ${req.url}`);
    if (!req.url?.includes('/held')) return answer();
    arrived();
    void released.then(answer);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    heldArrived,
    release,
    close: () =>
      new Promise<void>((r) => server.close(() => r())).finally(() => server.closeAllConnections()),
  };
}

let db: TestDatabase;
let fx: ControlPlaneFixture;
let issuer: TokenIssuer;
let backend: Awaited<ReturnType<typeof startHoldingBackend>>;
let gateway: GatewayProcess;
let token: string;
const prefix = testRedisPrefix();

beforeAll(async () => {
  db = await createTestDatabase();
  fx = new ControlPlaneFixture(db.url);
  issuer = await startTokenIssuer();
  backend = await startHoldingBackend();
  const api = await fx.deployApi({
    context: '/rolling',
    backendUrl: backend.url,
    operations: [
      { verb: 'GET', target: '/held' },
      { verb: 'GET', target: '/quick' },
    ],
  });
  const app = await fx.createApplication();
  await fx.subscribe(app.id, api.id);
  token = await issuer.sign({ clientId: await fx.addKey(app.id, 'PRODUCTION') });
  gateway = await startGatewayProcess({
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    keyManagerUrl: issuer.url,
    internalSecret: 'g'.repeat(40),
    // shorter than the gateway's keep-alive timeout (65 s): the connection of the request in flight
    // must be closed once its answer is sent, not left to time out
    env: { APIM_SHUTDOWN_TIMEOUT_MS: '30000' },
  });
}, 120_000);

afterAll(async () => {
  backend?.release();
  await gateway?.close();
  await backend?.close();
  await issuer?.close();
  await fx?.close();
  await db?.drop();
});

describe('graceful shutdown on SIGTERM', { timeout: 150_000 }, () => {
  it('finishes the request in flight, refuses new connections, closes idle keep-alive ones and exits 0', async () => {
    const port = Number(new URL(gateway.url).port);
    const headers = { authorization: `Bearer ${token}` };
    // one connection kept alive and idle, one with a request in flight
    const idle = new Agent({ keepAliveTimeout: 600_000, connections: 1 });
    const busy = new Agent({ connections: 1 });
    const quick = await request(`${gateway.url}/rolling/1.0.0/quick`, { headers, dispatcher: idle });
    expect(quick.statusCode).toBe(200);
    expect(await quick.body.text()).toBe('answered /quick');
    let idleClosed = false;
    idle.on('disconnect', () => (idleClosed = true));

    const inFlight = request(`${gateway.url}/rolling/1.0.0/held`, { headers, dispatcher: busy });
    await backend.heldArrived;
    process.kill(gateway.pid, 'SIGTERM');

    // the listener closes while the request is still held at the backend
    await eventually(async () => expect(await connectionRefused(port)).toBe(true), 60_000);
    // the idle keep-alive connection is closed by the gateway, not left to time out
    await eventually(() => expect(idleClosed).toBe(true), 60_000);

    backend.release();
    const held = await inFlight;
    expect(held.statusCode).toBe(200);
    expect(await held.body.text()).toBe('answered /held');
    // it stopped by itself: the deadline would have exited 1
    expect(await gateway.exited).toBe(0);
    await Promise.all([idle.close(), busy.close()]);
  });
});
