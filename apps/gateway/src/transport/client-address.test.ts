/**
 * The client address behind trusted proxies, through a real gateway that trusts 127.0.0.2 only:
 * requests sent from 127.0.0.2 stand for a trusted proxy's, those from 127.0.0.1 for a caller
 * connecting directly. API-key IP restrictions, deny policies and IP throttling conditions judge
 * the address found, and analytics record it.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type RunningControlPlane } from '@apim/control-plane/testing';
import { eventually, testRedisUrl } from '@apim/testing';
import type { GatewayApi, GatewayApplication } from '@apim/contracts';
import { startStack, type Stack } from '../test-support/stack.js';

const PROXY = '127.0.0.2';
const DIRECT = '127.0.0.1';

let s: Stack;
let api: GatewayApi;
let app: GatewayApplication;
let restrictedKey: string;
/** the real control plane: its analytics worker stores what the gateway ships */
let cp: RunningControlPlane;

/** A GET sent from `localAddress` (any 127/8 address reaches the gateway on loopback). */
function callFrom(localAddress: string, headers: Record<string, string>, path = '/addressed/1.0.0/a') {
  const { port } = new URL(s.gw.url);
  return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, localAddress, headers, agent: false },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode!, json: JSON.parse(body) as Record<string, unknown> }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  // every request kept as a raw analytics event: the last test reads them
  s = await startStack({ gatewayEnv: { APIM_TRUST_PROXY: PROXY, APIM_ANALYTICS_SAMPLE_RATE: '1' } });
  cp = await startControlPlane({
    databaseUrl: s.db.url,
    keyManagerUrl: s.km.url,
    internalSecret: s.km.internalSecret,
    redisUrl: testRedisUrl(),
    redisPrefix: s.redisPrefix,
  });
  api = await s.fx.deployApi({
    context: '/addressed',
    backendUrl: s.backend.url,
    securitySchemes: ['api_key'],
    apiKeyHeader: 'X-Key',
  });
  app = await s.fx.createApplication();
  await s.fx.subscribe(app.id, api.id);
  await s.synced();
  restrictedKey = await s.apiKey(app.id, { permittedIps: ['203.0.113.0/24'] });
});

afterAll(async () => {
  await cp?.close();
  await s?.close();
});

describe('client address from trusted proxies', () => {
  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const r = await callFrom(DIRECT, { 'x-key': restrictedKey, 'x-forwarded-for': '203.0.113.7' });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({
      code: '900901',
      description: 'The API key is not permitted from this IP address',
    });
  });

  it('takes the client a trusted proxy names, reading its chain from the right', async () => {
    const ok = await callFrom(PROXY, { 'x-key': restrictedKey, 'x-forwarded-for': '203.0.113.7' });
    expect(ok.status).toBe(200);
    // the backend sees the chain with the proxy appended, not the client twice
    expect((ok.json.headers as Record<string, string>)['x-forwarded-for']).toBe(`203.0.113.7, ${PROXY}`);
    // a caller's own entry on the left is not believed: the proxy appended the real address
    const spoofed = await callFrom(PROXY, {
      'x-key': restrictedKey,
      'x-forwarded-for': '203.0.113.7, 198.51.100.1',
    });
    expect(spoofed.json.code).toBe('900901');
    const appended = await callFrom(PROXY, {
      'x-key': restrictedKey,
      'x-forwarded-for': '198.51.100.1, 203.0.113.7',
    });
    expect(appended.status).toBe(200);
    // the trusted proxy's own request, without a chain, comes from the proxy
    expect((await callFrom(PROXY, { 'x-key': restrictedKey })).json.code).toBe('900901');
  });

  it('applies IP deny policies to the client behind the proxy, not to a spoofed header', async () => {
    const key = await s.apiKey(app.id);
    const denied = await s.fx.addDenyPolicy('IP', '198.51.100.9');
    try {
      await eventually(async () =>
        expect((await callFrom(PROXY, { 'x-key': key, 'x-forwarded-for': '198.51.100.9' })).json.code).toBe(
          '900805',
        ),
      );
      // the proxy's other clients pass, and a direct caller cannot claim the blocked address away
      // or onto someone else
      expect((await callFrom(PROXY, { 'x-key': key, 'x-forwarded-for': '198.51.100.10' })).status).toBe(200);
      expect((await callFrom(DIRECT, { 'x-key': key, 'x-forwarded-for': '198.51.100.9' })).status).toBe(200);
    } finally {
      await s.fx.removeDenyPolicy(denied);
    }
  });
});

describe('IP conditions of an advanced throttling policy', () => {
  it('limit the client a trusted proxy names, never the address a caller writes itself', async () => {
    await s.fx.upsertPolicy({
      type: 'ADVANCED',
      name: 'OnePerMinFromOneClient',
      requestCount: null,
      conditionalGroups: [
        {
          requestCount: 1,
          conditions: [{ type: 'IPCONDITION', invertCondition: false, specificIp: '198.51.100.50' }],
        },
      ],
    });
    const limited = await s.fx.deployApi({
      context: '/limited',
      backendUrl: s.backend.url,
      securitySchemes: ['api_key'],
      apiKeyHeader: 'X-Key',
      apiThrottlingPolicy: 'OnePerMinFromOneClient',
    });
    await s.fx.subscribe(app.id, limited.id);
    await s.synced();
    const key = await s.apiKey(app.id);
    const call = (from: string, client: string) =>
      callFrom(from, { 'x-key': key, 'x-forwarded-for': client }, '/limited/1.0.0/a');
    // a direct caller naming the limited address is not that client: its header is not believed
    for (let i = 0; i < 3; i++) expect((await call(DIRECT, '198.51.100.50')).status).toBe(200);
    // another client behind the proxy is not limited
    for (let i = 0; i < 3; i++) expect((await call(PROXY, '198.51.100.51')).status).toBe(200);
    // the limited client behind the proxy: one request a minute
    expect((await call(PROXY, '198.51.100.50')).status).toBe(200);
    expect((await call(PROXY, '198.51.100.50')).status).toBe(429);
    // the caller's own entry left of it does not move it out of the limit
    expect((await call(PROXY, '203.0.113.1, 198.51.100.50')).status).toBe(429);
  });
});

describe('analytics', () => {
  it("record the client a trusted proxy names as the event's user IP, never a header from anyone else", async () => {
    const key = await s.apiKey(app.id);
    const viaProxy = await callFrom(PROXY, {
      'x-key': key,
      'x-forwarded-for': '203.0.113.80',
      'user-agent': 'seen-via-proxy',
    });
    const direct = await callFrom(DIRECT, {
      'x-key': key,
      'x-forwarded-for': '203.0.113.81',
      'user-agent': 'seen-direct',
    });
    expect([viaProxy.status, direct.status]).toEqual([200, 200]);
    const userIpOf = (userAgent: string) =>
      eventually(async () => {
        const row = await s.fx.prisma.analyticsEvent.findFirst({ where: { apiId: api.id, userAgent } });
        expect(row).not.toBeNull();
        return row!.userIp;
      }, 30_000);
    expect(await userIpOf('seen-via-proxy')).toBe('203.0.113.80');
    expect(await userIpOf('seen-direct')).toBe(DIRECT);
  });
});
