/**
 * `npm start` as a new user meets it: every app answers /healthz, /readyz reports the database and
 * Redis, the sample API is published and guarded by the gateway, and Ctrl-C or a SIGTERM to npm
 * stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@apim/db';
import {
  TEST_ADMIN_PASSWORD,
  cleanupRedis,
  createTestDatabase,
  freePort,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
} from '@apim/testing';

let db: TestDatabase;
let dataDir: string;
let stack: ChildProcess;
let output = '';
const prefix = testRedisPrefix();
const ports: Record<string, number> = {};
const url = (name: string) => `http://127.0.0.1:${ports[name]}`;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Runs `npm start` as a user does, in a process group of its own (as a terminal would), and resolves
 * once it prints that everything is up.
 */
async function npmStart(env: Record<string, string> = {}): Promise<void> {
  output = '';
  stack = spawn('npm', ['start'], {
    cwd: repoRoot,
    detached: true,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      APIM_REDIS_PREFIX: prefix,
      APIM_DATA_DIR: dataDir,
      APIM_GATEWAY_PORT: String(ports.gateway),
      APIM_KEY_MANAGER_PORT: String(ports.keyManager),
      APIM_CONTROL_PLANE_PORT: String(ports.controlPlane),
      APIM_SAMPLE_BACKEND_PORT: String(ports.sampleBackend),
      APIM_GATEWAY_WORKERS: '1',
      // the template database already holds the admin, with this password
      APIM_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stack.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  stack.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Press Ctrl-C to stop.')) {
        clearInterval(timer);
        resolve();
      } else if (stack.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`npm start exited with ${stack.exitCode}:\n${output}`));
      }
    }, 200);
  });
}

/** Waits (up to 20 s) until no port of the stack answers; returns the ones still open. */
async function portsStillOpen(): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const open: string[] = [];
    for (const name of Object.keys(ports)) if (await portOpen(ports[name]!)) open.push(name);
    if (open.length === 0 || Date.now() > deadline) return open;
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'apim-stack-'));
  for (const name of ['gateway', 'keyManager', 'controlPlane', 'sampleBackend'])
    ports[name] = await freePort();
  await npmStart();
}, 120_000);

afterAll(async () => {
  if (stack.exitCode === null) process.kill(-stack.pid!, 'SIGKILL');
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
  await cleanupRedis(prefix);
});

describe('npm start', () => {
  it('brings every app to /healthz, with the database and Redis ready', async () => {
    for (const name of ['keyManager', 'controlPlane', 'gateway']) {
      expect((await fetch(`${url(name)}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url(name)}/readyz`);
      expect(ready.status, name).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok' });
    }
    expect(output).toContain(`Console (publisher, developer portal, admin): ${url('controlPlane')}/`);
    expect(output).toContain('admin / (the password in APIM_ADMIN_PASSWORD)');
  });

  it('publishes the sample API, which the gateway guards', async () => {
    const auth = `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`;
    const apis = await fetch(`${url('controlPlane')}/api/am/publisher/v4/apis?query=context:/pizzashack`, {
      headers: { authorization: auth },
    });
    const list = ((await apis.json()) as { list: Array<{ name: string; lifeCycleStatus: string }> }).list;
    expect(output).not.toContain('Could not publish the sample API');
    expect(list).toEqual([expect.objectContaining({ name: 'PizzaShackAPI', lifeCycleStatus: 'PUBLISHED' })]);
    const call = await fetch(`${url('gateway')}/pizzashack/1.0.0/menu`);
    expect(call.status).toBe(401);
    expect(await call.json()).toMatchObject({ code: '900902' });
  });

  it('stops every process it started on Ctrl-C (SIGINT to the process group)', async () => {
    const exited = new Promise<void>((resolve) => stack.once('exit', () => resolve()));
    process.kill(-stack.pid!, 'SIGINT');
    await exited;
    expect(await portsStillOpen()).toEqual([]);
    expect(output).toContain('Stopping...');
  });

  it('stops every process it started when a supervisor sends SIGTERM to npm alone', async () => {
    await npmStart({ APIM_SAMPLE_API: 'false' });
    // npm passes the signal to the `sh -c` running the script and no further
    process.kill(stack.pid!, 'SIGTERM');
    expect(await portsStillOpen()).toEqual([]);
  }, 60_000);
});
