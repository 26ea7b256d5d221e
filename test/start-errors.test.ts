/**
 * `npm start` refuses bad settings and unreachable dependencies with one clear line and a non-zero
 * exit, before starting anything.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@apim/db';
import { createTestDatabase, freePort, testRedisUrl } from '@apim/testing';

const run = promisify(execFile);
const startScript = path.join(repoRoot, 'packages/stack/dist/start.js');
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'apim-start-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [startScript], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        APIM_DATA_DIR: dataDir,
        APIM_SAMPLE_API: 'false',
        ...env,
      },
      timeout: 30_000,
    });
    return { code: 0, stderr: '' };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
}

function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('npm start with a bad setting or an unreachable dependency', () => {
  it('a non-numeric port', async () => {
    const r = await start({ APIM_GATEWAY_PORT: 'eighty' });
    expect(r.code).toBe(1);
    expectOneLine(
      r.stderr,
      /^npm start: Invalid configuration: APIM_GATEWAY_PORT must be a port number from 0 to 65535, got "eighty"$/,
    );
  });

  it('an unreachable DATABASE_URL', async () => {
    const r = await start({ DATABASE_URL: 'postgresql://apim:secret-pw@127.0.0.1:1/apim' });
    expect(r.code).toBe(1);
    expectOneLine(
      r.stderr,
      /^npm start: Cannot reach the database at postgresql:\/\/apim:\*\*\*@127\.0\.0\.1:1\/apim: connection refused$/,
    );
    expect(r.stderr).not.toContain('secret-pw');
  });

  it('an unreachable Redis and no redis-server to start', async () => {
    const db = await createTestDatabase();
    try {
      // An empty PATH: no redis-server to fall back on.
      const r = await start({ DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:1', PATH: dataDir });
      expect(r.code).toBe(1);
      expectOneLine(
        r.stderr,
        /^npm start: Cannot reach Redis at 127\.0\.0\.1:1 and redis-server is not on PATH: start Redis there, set REDIS_URL to one that runs, or install redis-server/,
      );
    } finally {
      await db.drop();
    }
  });

  it("a port another program listens on: named, before any app starts (it would answer the app's health checks)", async () => {
    const db = await createTestDatabase();
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const taken = (squatter.address() as AddressInfo).port;
    try {
      const r = await start({
        DATABASE_URL: db.url,
        REDIS_URL: testRedisUrl(),
        APIM_KEY_MANAGER_PORT: String(await freePort()),
        APIM_CONTROL_PLANE_PORT: String(await freePort()),
        APIM_SAMPLE_BACKEND_PORT: String(await freePort()),
        APIM_GATEWAY_PORT: String(taken),
      });
      expect(r.code).toBe(1);
      expectOneLine(
        r.stderr,
        new RegExp(
          `^npm start: Invalid configuration: APIM_GATEWAY_PORT \\(127\\.0\\.0\\.1:${taken}\\) is taken by another program: stop it or set another port$`,
        ),
      );
    } finally {
      await new Promise((r) => squatter.close(r));
      await db.drop();
    }
  });

  it("an unreachable Redis Sentinel: the operator's, never replaced by a redis-server of ours", async () => {
    const db = await createTestDatabase();
    try {
      const r = await start({
        DATABASE_URL: db.url,
        APIM_REDIS_SENTINELS: '127.0.0.1:1',
        APIM_REDIS_SENTINEL_MASTER: 'apim',
      });
      expect(r.code).toBe(1);
      expectOneLine(
        r.stderr,
        /^npm start: Cannot reach Redis \(sentinels 127\.0\.0\.1:1 \(master apim\)\): start it, or unset APIM_REDIS_SENTINELS \/ APIM_REDIS_CLUSTER_NODES to use REDIS_URL$/,
      );
    } finally {
      await db.drop();
    }
  });
});
