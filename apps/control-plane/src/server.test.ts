import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSecret } from '@apim/service';
import {
  cleanupRedis,
  createTestDatabase,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
  TEST_ADMIN_PASSWORD,
} from '@apim/testing';
import { loadConfig } from './config.js';
import { startControlPlane, type RunningControlPlane } from './testing.js';

let db: TestDatabase;
let dir: string;
let cp: RunningControlPlane;
const internalSecret = randomSecret(32);
const prefix = testRedisPrefix();

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'apim-console-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
  await writeFile(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
  cp = await startControlPlane({
    databaseUrl: db.url,
    internalSecret,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    consoleDir: dir,
    env: { APIM_BRUTE_FORCE_MAX_FAILURES: '3', APIM_GATEWAY_URL: 'https://gw.example.test:8243/' },
  });
});
afterAll(async () => {
  await cp?.close();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
  await cleanupRedis(prefix);
});

describe('control plane server', () => {
  it('answers health and readiness', async () => {
    expect(await (await fetch(`${cp.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${cp.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: { database: { status: 'ok' }, redis: { status: 'ok' } },
    });
  });

  it('serves the console with client-side routes falling back to index.html, never under /api', async () => {
    const asset = await fetch(`${cp.url}/assets/app.js`);
    expect(await asset.text()).toBe('console.log(1)');
    for (const p of ['/', '/publisher/apis/123', '/devportal']) {
      const res = await fetch(`${cp.url}${p}`);
      expect(res.status, p).toBe(200);
      expect(await res.text()).toContain('<title>console</title>');
    }
    const api = await fetch(`${cp.url}/api/am/nothing`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ code: 404 });
  });

  it('tells the console where the key manager and the gateway are, and nothing secret', async () => {
    const res = await fetch(`${cp.url}/console-config.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      keyManagerUrl: 'http://127.0.0.1:9',
      gatewayUrl: 'https://gw.example.test:8243',
      clientId: 'apim-console',
    });
    expect(text).not.toContain(internalSecret);
    expect(text).not.toContain(db.url);
  });

  it('locks an account after consecutive wrong Basic passwords', async () => {
    const basic = (u: string, p: string) => ({
      authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
    });
    const url = `${cp.url}/api/am/publisher/v4/apis`;
    expect((await fetch(url, { headers: basic('admin', TEST_ADMIN_PASSWORD) })).status).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await fetch(url, { headers: basic('admin', 'wrong') })).status).toBe(401);
    expect((await fetch(url, { headers: basic('admin', TEST_ADMIN_PASSWORD) })).status).toBe(401);
    const prisma = cp.app.context.prisma;
    const admin = await prisma.user.findUniqueOrThrow({ where: { username: 'admin' } });
    expect(admin.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    await prisma.user.update({ where: { id: admin.id }, data: { lockedUntil: null } });
    expect((await fetch(url, { headers: basic('admin', TEST_ADMIN_PASSWORD) })).status).toBe(200);
    expect((await fetch(url, { headers: basic('ad\u0000min', 'x') })).status).toBe(401);
  });

  it('refuses bad settings with one line naming the variable', () => {
    expect(() => loadConfig({ DATABASE_URL: db.url })).toThrow(/APIM_INTERNAL_SECRET is required/);
    expect(() => loadConfig({ DATABASE_URL: db.url, APIM_INTERNAL_SECRET: 'short' })).toThrow(
      /at least 32 characters/,
    );
    expect(() =>
      loadConfig({
        DATABASE_URL: db.url,
        APIM_INTERNAL_SECRET: randomSecret(32),
        APIM_CONTROL_PLANE_PORT: 'x',
      }),
    ).toThrow(/APIM_CONTROL_PLANE_PORT/);
  });
});
