/**
 * Everything the console's browser tests run against, for real: a database of their own, the key
 * manager, the control plane serving the production build of the console, a gateway, a backend,
 * and headless Chromium.
 */
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startControlPlane, type RunningControlPlane } from '@apim/control-plane/testing';
import { startGateway, type StartedGateway } from '@apim/gateway/testing';
import { startKeyManager, type StartedKeyManager } from '@apim/key-manager/testing';
import { createPrismaClient, type PrismaClient } from '@apim/db';
import { hashPassword } from '@apim/service';
import {
  cleanupRedis,
  createTestDatabase,
  freePort,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
} from '@apim/testing';
import { buildConsoleOnce } from './console-build.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = path.join(root, 'test-artifacts/console');
export const PETSTORE = path.join(root, '../shared/corpora/openapi/swagger-petstore3-openapi.yaml');

const CONSOLE_BUILD = path.join(root, 'apps/console/build');

/** A small Petstore backend (a real HTTP server): GET /pet/{id}, GET /pet/findByStatus, POST /pet. */
export function startPetBackend(): Promise<{ url: string; calls: () => number; close(): Promise<void> }> {
  let calls = 0;
  const pets = new Map<number, { id: number; name: string; status: string }>([
    [1, { id: 1, name: 'doggie', status: 'available' }],
    [2, { id: 2, name: 'kitty', status: 'sold' }],
  ]);
  const server = http.createServer((req, res) => {
    calls++;
    const url = new URL(req.url ?? '/', 'http://backend');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const byId = /\/pet\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && byId) {
      const pet = pets.get(Number(byId[1]));
      return pet ? json(200, pet) : json(404, { code: 404, message: 'Pet not found' });
    }
    if (req.method === 'GET' && url.pathname.endsWith('/pet/findByStatus'))
      return json(
        200,
        [...pets.values()].filter((p) => p.status === (url.searchParams.get('status') ?? 'available')),
      );
    json(404, { code: 404, message: `No route ${req.method} ${url.pathname}` });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`,
        calls: () => calls,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

/** Headless Chromium as the browser tests run it (CHROMIUM_PATH, else the system's). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Stack {
  consoleUrl: string;
  km: StartedKeyManager;
  cp: RunningControlPlane['app'];
  gateway: StartedGateway;
  backend: Awaited<ReturnType<typeof startPetBackend>>;
  prisma: PrismaClient;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** messages the page wrote to the browser console as errors, and uncaught page errors */
  consoleErrors: string[];
  createUser(username: string, password: string, roles: string[]): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** other APIM_* settings of the key manager (e.g. low lock-out thresholds) */
  keyManagerEnv?: Record<string, string>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // the production build, so the control plane serves what users get
  buildConsoleOnce(root);
  const db: TestDatabase = await createTestDatabase();
  const redisPrefix = testRedisPrefix();
  const redisUrl = testRedisUrl();
  const prisma = createPrismaClient(db.url, { poolSize: 2 });
  const closers: (() => Promise<unknown>)[] = [];
  const shutdown = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await prisma.$disconnect();
    await db.drop();
    await cleanupRedis(redisPrefix);
  };
  try {
    // The key manager must know the console's origin (its redirect URI) before the control plane
    // listens, so the control plane gets a port chosen up front.
    const cpPort = await freePort();
    const consoleUrl = `http://127.0.0.1:${cpPort}`;
    const km = await startKeyManager({
      databaseUrl: db.url,
      redisUrl,
      redisPrefix,
      consoleUrl,
      env: options.keyManagerEnv,
    });
    closers.push(() => km.close());
    const gateway = await startGateway({
      databaseUrl: db.url,
      redisUrl,
      redisPrefix,
      keyManagerUrl: km.url,
      internalSecret: km.internalSecret,
      // the console's origin is the one the gateway's default CORS allows (devportal try-it)
      env: { APIM_CONSOLE_URL: consoleUrl },
    });
    closers.push(() => gateway.close());
    const { app: cp, close: closeCp } = await startControlPlane({
      databaseUrl: db.url,
      redisUrl,
      redisPrefix,
      keyManagerUrl: km.url,
      internalSecret: km.internalSecret,
      port: cpPort,
      consoleDir: CONSOLE_BUILD,
      // served to the console at /console-config.json
      env: { APIM_GATEWAY_URL: gateway.url },
    });
    closers.push(closeCp);
    // The seeded environment points at the gateway this test started.
    const gw = new URL(gateway.url);
    await prisma.gatewayEnvironment.update({
      where: { name: 'Default' },
      // HTTP only, as the gateway listens: no HTTPS URL is advertised
      data: { vhosts: [{ host: gw.hostname, httpContext: '', httpPort: Number(gw.port) }] },
    });
    const backend = await startPetBackend();
    closers.push(() => backend.close());

    const browser = await launchChromium();
    closers.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: consoleUrl });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    // Only the console's own page counts; the key manager's pages are its own.
    page.on('console', (m) => {
      if (m.type() === 'error' && new URL(page.url()).origin === consoleUrl)
        consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
    return {
      consoleUrl,
      km,
      cp,
      gateway,
      backend,
      prisma,
      browser,
      context,
      page,
      consoleErrors,
      async createUser(username, password, roles) {
        await prisma.user.create({
          data: {
            username,
            passwordHash: await hashPassword(password),
            roles: { create: roles.map((roleName) => ({ roleName })) },
          },
        });
      },
      close: shutdown,
    };
  } catch (e) {
    await shutdown();
    throw e;
  }
}
