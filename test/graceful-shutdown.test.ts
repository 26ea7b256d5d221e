/**
 * Each app stops without dropping a request (a rolling upgrade behind a load balancer): the key
 * manager and the control plane, run as `npm start` runs them (their built main, in a child process),
 * are told SIGTERM while a request is in flight (its body not yet sent). They stop accepting
 * connections, answer that request in full once its body arrives, close idle keep-alive
 * connections and exit 0 by themselves, well before APIM_SHUTDOWN_TIMEOUT_MS.
 * (The gateway's own test is apps/gateway/src/transport/graceful-shutdown.test.ts.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@apim/db';
import {
  cleanupRedis,
  connectionRefused,
  createTestDatabase,
  eventually,
  freePort,
  testRedisPrefix,
  testRedisUrl,
  TEST_ADMIN_PASSWORD,
  type TestDatabase,
} from '@apim/testing';

let db: TestDatabase;
const prefix = testRedisPrefix();
const internalSecret = randomBytes(24).toString('hex');
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await db?.drop();
  await cleanupRedis(prefix);
});

/** Runs apps/<app>/dist/main.js (built by `npx tsc -b`, as `npm start` runs it) and resolves once its port accepts. */
async function startApp(app: 'key-manager' | 'control-plane', env: Record<string, string>, port: number) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'apps', app, 'dist', 'main.js')], {
    cwd: path.join(repoRoot, 'apps', app),
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      APIM_REDIS_PREFIX: prefix,
      APIM_INTERNAL_SECRET: internalSecret,
      APIM_SHUTDOWN_TIMEOUT_MS: '120000',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`${app} exited ${child.exitCode}: ${stderr}`);
      expect(await connectionRefused(port)).toBe(false);
    },
    90_000,
    250,
  );
  return { child, exited, stderr: () => stderr };
}

/**
 * A request in flight: its headers are sent with `Expect: 100-continue`, and `started` resolves
 * when the server answers 100 Continue (so it has the request and waits for its body); `finish()`
 * sends the body, and `answer` is the final response.
 */
function inFlight(
  port: number,
  method: string,
  requestPath: string,
  headers: Record<string, string>,
  body: string,
) {
  const req = http.request({
    host: '127.0.0.1',
    port,
    method,
    path: requestPath,
    agent: false,
    headers: { ...headers, expect: '100-continue', 'content-length': String(Buffer.byteLength(body)) },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.once('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.once('error', reject);
  });
  const started = new Promise<void>((resolve) => req.once('continue', () => resolve()));
  req.flushHeaders();
  return { started, answer, finish: () => req.end(body) };
}

/** An idle keep-alive connection: resolves `closed` when the server closes it. */
async function idleConnection(port: number, requestPath: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let socket!: net.Socket;
  await new Promise<void>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: requestPath, agent }, (res) => {
      socket = res.socket;
      res.resume();
      res.on('end', () => resolve());
    });
    req.once('error', reject);
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { closed, agent };
}

async function shutDownMidRequest(
  app: Awaited<ReturnType<typeof startApp>>,
  port: number,
  request: ReturnType<typeof inFlight>,
) {
  const idle = await idleConnection(port, '/healthz');
  await request.started;
  app.child.kill('SIGTERM');
  await eventually(async () => expect(await connectionRefused(port)).toBe(true), 60_000, 100);
  await idle.closed;
  request.finish();
  const answer = await request.answer;
  expect(await app.exited, app.stderr()).toBe(0);
  idle.agent.destroy();
  return answer;
}

describe('graceful shutdown on SIGTERM', { timeout: 240_000 }, () => {
  it('the key manager answers the token request in flight, then exits 0', async () => {
    const port = await freePort();
    const km = await startApp(
      'key-manager',
      {
        APIM_KEY_MANAGER_PORT: String(port),
        APIM_KEY_MANAGER_URL: `http://127.0.0.1:${port}`,
        APIM_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      },
      port,
    );
    const basic = Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64');
    // the password grant of an unknown client: refused, but only once the whole body is read
    const token = inFlight(
      port,
      'POST',
      '/oauth2/token',
      { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      'grant_type=client_credentials&scope=openid',
    );
    const answer = await shutDownMidRequest(km, port, token);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_client' });
  });

  it('the control plane makes the change in flight, then exits 0', async () => {
    const port = await freePort();
    const cp = await startApp(
      'control-plane',
      { APIM_CONTROL_PLANE_PORT: String(port), APIM_KEY_MANAGER_URL: 'http://127.0.0.1:9' },
      port,
    );
    const basic = Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64');
    const create = inFlight(
      port,
      'POST',
      '/api/am/admin/v4/throttling/deny-policies',
      { 'content-type': 'application/json', authorization: `Basic ${basic}` },
      JSON.stringify({ conditionType: 'IP', conditionValue: '192.0.2.150' }),
    );
    const answer = await shutDownMidRequest(cp, port, create);
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({ conditionValue: '192.0.2.150' });
  });
});
