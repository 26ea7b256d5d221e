/**
 * BANDWIDTH quotas end to end: the real gateway (and a second node on the same Redis), the real key
 * manager and a backend answering bodies of exact sizes. A quota is refused once its window's bytes
 * (request body + response body) are used up; bytes are counted when each exchange is over.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { GatewayApi } from '@apim/contracts';
import { testRedisUrl } from '@apim/testing';
import { startStack, type Stack } from '../../test-support/stack.js';
import { startGateway, type StartedGateway } from '../../testing.js';

interface SizedBackend {
  url: string;
  close(): Promise<void>;
}

/**
 * GET /bytes/<n>: n bytes with a Content-Length; GET /stream/<n>: n bytes in chunks of unknown
 * length; GET /cut/<n>: n bytes of a promised 4n, then the connection is cut; POST /sink: reads the
 * body and answers 204 without one.
 */
async function startSizedBackend(): Promise<SizedBackend> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const [, kind, size] = (req.url ?? '').split('/');
      const n = Number(size);
      if (kind === 'sink') {
        res.writeHead(204).end();
      } else if (kind === 'bytes') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(n) });
        res.end(Buffer.alloc(n, 'b'));
      } else if (kind === 'stream') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const third = Math.floor(n / 3);
        res.write(Buffer.alloc(third, 's'));
        setImmediate(() => {
          res.write(Buffer.alloc(third, 's'));
          setImmediate(() => res.end(Buffer.alloc(n - 2 * third, 's')));
        });
      } else if (kind === 'cut') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(4 * n) });
        res.write(Buffer.alloc(n, 'c'), () => res.socket?.destroy());
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

interface Answer {
  status: number;
  code: string | undefined;
  retryAfter: string | undefined;
  limit: string | undefined;
  remaining: string | undefined;
}

let s: Stack;
let backend: SizedBackend;
let second: StartedGateway;

beforeAll(async () => {
  [s, backend] = await Promise.all([startStack(), startSizedBackend()]);
  const fourKb = { dataAmount: 4, dataUnit: 'KB' } as const;
  await s.fx.upsertPolicy({ type: 'SUBSCRIPTION', name: 'FourKB', requestCount: null, bandwidth: fourKb });
  await s.fx.upsertPolicy({
    type: 'SUBSCRIPTION',
    name: 'FourKBSoft',
    requestCount: null,
    bandwidth: fourKb,
    stopOnQuotaReach: false,
  });
  await s.fx.upsertPolicy({ type: 'APPLICATION', name: 'FourKBApp', requestCount: null, bandwidth: fourKb });
  await s.fx.upsertPolicy({
    type: 'ADVANCED',
    name: 'ThreeKBVipOneKB',
    requestCount: null,
    bandwidth: { dataAmount: 3, dataUnit: 'KB' },
    conditionalGroups: [
      {
        bandwidth: { dataAmount: 1, dataUnit: 'KB' },
        conditions: [{ type: 'HEADERCONDITION', invertCondition: false, name: 'x-tier', value: 'vip' }],
      },
    ],
  });
  await s.fx.upsertPolicy({
    type: 'ADVANCED',
    name: 'TwoKBResource',
    requestCount: null,
    bandwidth: { dataAmount: 2, dataUnit: 'KB' },
  });
  // a second gateway node on the same database and Redis counters
  second = await startGateway({
    databaseUrl: s.db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: s.redisPrefix,
    keyManagerUrl: s.km.url,
    internalSecret: s.km.internalSecret,
  });
}, 120_000);

afterAll(async () => {
  await second?.close();
  await s?.close();
  await backend?.close();
});

/** Waits until both gateway nodes have applied every event committed so far. */
async function synced(): Promise<void> {
  await s.synced();
  const last = await s.fx.lastEventId();
  for (let i = 0; i < 400 && second.app.state.lastEventId < last; i++)
    await new Promise((r) => setTimeout(r, 25));
  expect(second.app.state.lastEventId).toBeGreaterThanOrEqual(last);
}

interface CallInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Readable;
  /** the gateway node to call (the first by default) */
  node?: string;
}

/** A fresh application subscribed to a fresh API, and a function calling it. */
async function setup(
  api: Parameters<Stack['fx']['deployApi']>[0],
  tier = 'Unlimited',
  appTier = 'Unlimited',
): Promise<{ api: GatewayApi; call: (path: string, init?: CallInit) => Promise<Answer> }> {
  const deployed = await s.fx.deployApi({
    backendUrl: backend.url,
    operations: [
      { verb: 'GET', target: '/*' },
      { verb: 'POST', target: '/*' },
    ],
    ...api,
  });
  const app = await s.fx.createApplication({ throttlingPolicy: appTier });
  await s.fx.subscribe(app.id, deployed.id, tier);
  const key = await s.newKey(app.id);
  await synced();
  const token = await s.token(key);
  return {
    api: deployed,
    async call(path, init = {}) {
      const res = await request(`${init.node ?? s.gw.url}${deployed.context}/1.0.0${path}`, {
        method: (init.method ?? 'GET') as 'GET',
        headers: { authorization: `Bearer ${token}`, ...init.headers },
        body: init.body,
      });
      const text = await res.body.text();
      const header = (name: string) => res.headers[name] as string | undefined;
      return {
        status: res.statusCode,
        code: res.statusCode === 429 ? (JSON.parse(text) as { code: string }).code : undefined,
        retryAfter: header('retry-after'),
        limit: header('ratelimit-limit'),
        remaining: header('ratelimit-remaining'),
      };
    },
  };
}

const outcome = (a: Answer) => (a.status === 429 ? `429/${a.code}` : a.status);

async function sequence(n: number, call: () => Promise<Answer>): Promise<Answer[]> {
  const out: Answer[] = [];
  for (let i = 0; i < n; i++) out.push(await call());
  return out;
}

describe('bandwidth quotas', () => {
  it('a 4 KB subscription quota admits four 1 KiB responses, then 429 900804 with Retry-After', async () => {
    const { call } = await setup({}, 'FourKB');
    const rs = await sequence(6, () => call('/bytes/1024'));
    expect(rs.map(outcome)).toEqual([200, 200, 200, 200, '429/900804', '429/900804']);
    // limit and remaining are bytes, as the quota checked before each call saw them
    expect(rs.map((r) => r.remaining)).toEqual(['4096', '3072', '2048', '1024', '0', '0']);
    expect(rs.every((r) => r.limit === '4096')).toBe(true);
    const retryAfter = Number(rs[4]!.retryAfter);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('counts request bodies, with or without a Content-Length', async () => {
    const { call } = await setup({}, 'FourKB');
    const kib = 'q'.repeat(1024);
    expect(outcome(await call('/sink', { method: 'POST', body: kib }))).toBe(204);
    // chunked: its length is known only from the bytes that pass
    const chunked = Readable.from([Buffer.from(kib), Buffer.from(kib)]);
    expect(outcome(await call('/sink', { method: 'POST', body: chunked }))).toBe(204);
    const third = await call('/sink', { method: 'POST', body: kib });
    expect([outcome(third), third.remaining]).toEqual([204, '1024']);
    expect((await call('/sink', { method: 'POST', body: kib })).remaining).toBe('0');
  });

  it('counts the bytes a streamed response of unknown length carried, and what an aborted one sent', async () => {
    const { call } = await setup({}, 'FourKB');
    expect(outcome(await call('/stream/3000'))).toBe(200);
    expect((await call('/bytes/0')).remaining).toBe(String(4096 - 3000));
    // the backend cuts the connection after 500 of 2000 promised bytes: the client sees the cut
    await expect(call('/cut/500')).rejects.toThrow();
    const after = await call('/bytes/0');
    expect([outcome(after), after.remaining]).toEqual([200, String(4096 - 3000 - 500)]);
    expect(outcome(await call('/bytes/1024'))).toBe(200);
    expect(outcome(await call('/bytes/0'))).toBe('429/900804');
  });

  it('a subscription quota that does not stop on reach only counts', async () => {
    const { call } = await setup({}, 'FourKBSoft');
    const rs = await sequence(6, () => call('/bytes/1024'));
    expect(rs.map(outcome)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(rs.slice(4).map((r) => r.remaining)).toEqual(['0', '0']);
  });

  it('applies an application bandwidth quota (900803)', async () => {
    const { call } = await setup({}, 'Unlimited', 'FourKBApp');
    const rs = await sequence(5, () => call('/bytes/1024'));
    expect(rs.map(outcome)).toEqual([200, 200, 200, 200, '429/900803']);
    expect(rs[4]!.limit).toBe('4096');
  });

  it('applies an API-level advanced bandwidth policy (900800) and its conditional group', async () => {
    const { call } = await setup({ apiThrottlingPolicy: 'ThreeKBVipOneKB' });
    const vip = () => call('/bytes/1024', { headers: { 'x-tier': 'vip' } });
    expect((await sequence(2, vip)).map(outcome)).toEqual([200, '429/900800']);
    // the group's bytes are its own: the default limit still has its 3 KB
    expect((await sequence(4, () => call('/bytes/1024'))).map(outcome)).toEqual([
      200,
      200,
      200,
      '429/900800',
    ]);
  });

  it('applies a resource-level advanced bandwidth policy per resource (900802)', async () => {
    const { call } = await setup({
      operations: [
        { verb: 'GET', target: '/bytes/{n}', throttlingPolicy: 'TwoKBResource' },
        { verb: 'GET', target: '/stream/{n}' },
      ],
    });
    expect((await sequence(3, () => call('/bytes/1024'))).map(outcome)).toEqual([200, 200, '429/900802']);
    expect((await sequence(3, () => call('/stream/1024'))).map(outcome)).toEqual([200, 200, 200]);
  });

  it('shares a bandwidth quota between gateway nodes', async () => {
    const { call } = await setup({}, 'FourKB');
    const nodes = [s.gw.url, second.url];
    const rs: Answer[] = [];
    for (let i = 0; i < 6; i++) rs.push(await call('/bytes/1024', { node: nodes[i % 2] }));
    expect(rs.map(outcome)).toEqual([200, 200, 200, 200, '429/900804', '429/900804']);
    expect(rs.map((r) => r.remaining)).toEqual(['4096', '3072', '2048', '1024', '0', '0']);
  });
});
