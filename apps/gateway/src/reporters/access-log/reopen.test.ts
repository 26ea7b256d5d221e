/**
 * Log rotation: a real gateway process (primary and worker, as `npm start` runs it) told SIGHUP, as
 * logrotate's postrotate does, writes what it holds to the file that was moved away and goes on
 * in a new file at APIM_ACCESS_LOG's path, and keeps serving.
 */
import { access, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  eventually,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
} from '@apim/testing';
import { startGatewayProcess, type GatewayProcess } from '../../testing.js';

let dir: string;
let db: TestDatabase;
let gateway: GatewayProcess;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'apim-access-log-rotate-'));
  db = await createTestDatabase();
  gateway = await startGatewayProcess({
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: testRedisPrefix(),
    keyManagerUrl: 'http://127.0.0.1:9',
    internalSecret: 'r'.repeat(40),
    env: { APIM_ACCESS_LOG: path.join(dir, 'access.log') },
  });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

/** The correlation ids in a log file. */
async function ids(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { correlationId: string }).correlationId);
}

/** A request no API serves (a 404, always logged); returns its request id. */
async function call(): Promise<string> {
  const res = await fetch(`${gateway.url}/no-such-api/1.0.0/x`);
  await res.arrayBuffer();
  expect(res.status).toBe(404);
  return res.headers.get('x-request-id')!;
}

describe('access log rotation', () => {
  it('goes on in a new file at its path on SIGHUP, the lines before it in the moved one', async () => {
    const file = path.join(dir, 'access.log');
    const before = await call();
    await rename(file, `${file}.1`);
    process.kill(gateway.pid, 'SIGHUP');
    // the worker reopens the path: the file is there again (SIGHUP's default would have ended the process)
    await eventually(() => access(file));
    const after = await call();
    // each line in its file: `before` written at the reopen, `after` by the next flush (1 s)
    await eventually(async () => {
      expect(await ids(`${file}.1`)).toEqual([before]);
      expect(await ids(file)).toEqual([after]);
    });
  });
});
