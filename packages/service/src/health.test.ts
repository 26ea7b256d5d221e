import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { healthEndpoints, type ReadinessCheck } from './health.js';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

const ok: ReadinessCheck = async () => undefined;
const down: ReadinessCheck = async () => {
  throw new Error('connection refused');
};

async function readyz(required: Record<string, ReadinessCheck>, optional: Record<string, ReadinessCheck>) {
  const health = healthEndpoints(required, optional);
  server = http.createServer((req, res) => {
    if (!health(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const res = await fetch(`${base}/readyz`);
  const other = await fetch(`${base}/elsewhere`);
  await other.arrayBuffer();
  expect(other.status).toBe(404);
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('healthEndpoints', () => {
  it('is ready when every dependency answers', async () => {
    expect(await readyz({ db: ok }, { cache: ok })).toEqual({
      status: 200,
      body: { status: 'ok', checks: { db: { status: 'ok' }, cache: { status: 'ok' } } },
    });
  });

  it('is degraded but still 200 without an optional dependency', async () => {
    expect(await readyz({ db: ok }, { cache: down })).toEqual({
      status: 200,
      body: {
        status: 'degraded',
        checks: { db: { status: 'ok' }, cache: { status: 'error', error: 'connection refused' } },
      },
    });
  });

  it('is not ready (503) without a required dependency', async () => {
    expect(await readyz({ db: down }, { cache: ok })).toMatchObject({
      status: 503,
      body: { status: 'error', checks: { db: { status: 'error' } } },
    });
  });
});
