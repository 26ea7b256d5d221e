import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  cleanupRedis,
  createTestDatabase,
  eventually,
  type TestDatabase,
  testRedisPrefix,
  testRedisUrl,
} from '@apim/testing';
import type { GatewayApi, GatewayApplication } from '@apim/contracts';
import { startBackend, type TestBackend } from './test-support/backend.js';
import { ControlPlaneFixture } from './test-support/control-plane-fixture.js';
import { startTokenIssuer, type TokenIssuer } from './test-support/token-issuer.js';
import { startGateway, type StartedGateway } from './testing.js';

const SECRET = 'x'.repeat(40);

let db: TestDatabase;
let prefix: string;
let backend: TestBackend;
let issuer: TokenIssuer;
let fx: ControlPlaneFixture;
let gw: StartedGateway;
let api: GatewayApi;
let app: GatewayApplication;
let clientId: string;

async function call(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const res = await request(`${gw.url}${path}`, {
    method: (init.method ?? 'GET') as 'GET',
    headers: init.headers,
    body: init.body,
  });
  const text = await res.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: res.statusCode, headers: res.headers, json, text };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  db = await createTestDatabase();
  prefix = testRedisPrefix();
  backend = await startBackend();
  issuer = await startTokenIssuer();
  fx = new ControlPlaneFixture(db.url);
  api = await fx.deployApi({
    name: 'Pizza',
    context: '/pizza',
    version: '1.0.0',
    backendUrl: `${backend.url}/base`,
    operations: [
      { verb: 'GET', target: '/menu' },
      { verb: 'GET', target: '/order/{orderId}' },
      { verb: 'POST', target: '/order' },
      { verb: 'GET', target: '/open', authEnabled: false },
    ],
  });
  app = await fx.createApplication();
  clientId = await fx.addKey(app.id, 'PRODUCTION');
  await fx.subscribe(app.id, api.id, 'Unlimited');
  gw = await startGateway({
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    keyManagerUrl: issuer.url,
    internalSecret: SECRET,
  });
  await gw.ready();
});

afterAll(async () => {
  await gw?.close();
  await fx?.close();
  await backend?.close();
  await issuer?.close();
  await cleanupRedis(prefix);
  await db?.drop();
});

describe('the request path: route, JWT, subscription, throttling, backend', () => {
  it('forwards an authorised call to the backend and streams the answer back', async () => {
    const token = await issuer.sign({ clientId });
    const r = await call('/pizza/1.0.0/order/42?x=1', { headers: bearer(token) });
    expect(r.status).toBe(200);
    expect(r.json.url).toBe('/base/order/42?x=1');
    const h = r.json.headers as Record<string, string>;
    expect(h.authorization).toBeUndefined();
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
    expect(r.headers['x-backend']).toBe('backend');
  });

  it('answers 401 900902 without credentials and 900901 for a bad token, never reaching the backend', async () => {
    const before = backend.received.length;
    const missing = await call('/pizza/1.0.0/menu');
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ code: '900902', message: 'Missing Credentials' });
    const bad = await call('/pizza/1.0.0/menu', { headers: bearer('a.b.c') });
    expect(bad.status).toBe(401);
    expect(bad.json.code).toBe('900901');
    const otherAudience = await call('/pizza/1.0.0/menu', {
      headers: bearer(await issuer.sign({ clientId, audience: 'other' })),
    });
    expect(otherAudience.json.code).toBe('900901');
    const expired = await call('/pizza/1.0.0/menu', {
      headers: bearer(await issuer.sign({ clientId, expiresInSec: -60 })),
    });
    expect(expired.status).toBe(401);
    expect(expired.json.code).toBe('900903');
    const notYet = await call('/pizza/1.0.0/menu', {
      headers: bearer(await issuer.sign({ clientId, notBeforeSec: 600 })),
    });
    expect(notYet.json.code).toBe('900901');
    const foreign = await call('/pizza/1.0.0/menu', {
      headers: bearer(await issuer.sign({ clientId, issuer: 'https://evil.example' })),
    });
    expect(foreign.json.code).toBe('900901');
    expect(backend.received.length).toBe(before);
  });

  it('lets an unauthenticated resource through without a token', async () => {
    expect((await call('/pizza/1.0.0/open')).status).toBe(200);
  });

  it('answers 404 and 405 with 900906', async () => {
    const token = await issuer.sign({ clientId });
    const nf = await call('/nothing/here', { headers: bearer(token) });
    expect(nf.status).toBe(404);
    expect(nf.json.code).toBe('900906');
    const na = await call('/pizza/1.0.0/menu', { method: 'DELETE', headers: bearer(token) });
    expect(na.status).toBe(405);
    expect(na.json.code).toBe('900906');
    expect(na.headers.allow).toBe('GET');
  });

  it('refuses an application that is not subscribed (403 900908), then admits it once subscribed', async () => {
    const other = await fx.createApplication();
    const key = await fx.addKey(other.id, 'PRODUCTION');
    const token = await issuer.sign({ clientId: key });
    await eventually(async () =>
      expect((await call('/pizza/1.0.0/menu', { headers: bearer(token) })).json.code).toBe('900908'),
    );
    await fx.subscribe(other.id, api.id, 'Gold');
    await eventually(async () =>
      expect((await call('/pizza/1.0.0/menu', { headers: bearer(token) })).status).toBe(200),
    );
    await fx.subscribe(other.id, api.id, 'Gold', 'BLOCKED');
    await eventually(async () => {
      const r = await call('/pizza/1.0.0/menu', { headers: bearer(token) });
      expect(r.status).toBe(403);
      expect(r.json.code).toBe('900907');
    });
  });

  it('throttles a subscription tier with 429 900804 and Retry-After', async () => {
    await fx.upsertPolicy({ type: 'SUBSCRIPTION', name: 'ThreePerMin', requestCount: 3 });
    const limited = await fx.createApplication();
    const key = await fx.addKey(limited.id, 'PRODUCTION');
    await fx.subscribe(limited.id, api.id, 'ThreePerMin');
    const token = await issuer.sign({ clientId: key });
    await eventually(async () =>
      expect((await call('/pizza/1.0.0/menu', { headers: bearer(token) })).status).toBe(200),
    );
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | null = null;
    for (let i = 0; i < 4; i++) {
      last = await call('/pizza/1.0.0/menu', { headers: bearer(token) });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(last!.json.code).toBe('900804');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('serves an API deployed after start, and stops serving it when undeployed', async () => {
    const later = await fx.deployApi({ context: '/later', backendUrl: backend.url });
    await fx.subscribe(app.id, later.id);
    const token = await issuer.sign({ clientId });
    await eventually(async () =>
      expect((await call('/later/1.0.0/x', { headers: bearer(token) })).status).toBe(200),
    );
    await fx.undeployApi(later.id);
    await eventually(async () =>
      expect((await call('/later/1.0.0/x', { headers: bearer(token) })).status).toBe(404),
    );
  });

  it('rejects a revoked token (900904) and every token of a revoked client', async () => {
    const token = await issuer.sign({ clientId, jti: 'revoke-me' });
    expect((await call('/pizza/1.0.0/menu', { headers: bearer(token) })).status).toBe(200);
    await fx.revokeToken('revoke-me', new Date(Date.now() + 3_600_000));
    await eventually(async () =>
      expect((await call('/pizza/1.0.0/menu', { headers: bearer(token) })).json.code).toBe('900904'),
    );
    const other = await issuer.sign({ clientId });
    await fx.revokeClientTokens(clientId, new Date(Date.now() + 1000));
    await eventually(async () =>
      expect((await call('/pizza/1.0.0/menu', { headers: bearer(other) })).json.code).toBe('900904'),
    );
  });

  it('answers 503 700700 for a blocked API', async () => {
    const blocked = await fx.deployApi({ backendUrl: backend.url });
    await fx.setApiStatus(blocked.id, 'BLOCKED');
    await eventually(async () => {
      const r = await call(`${blocked.context}/1.0.0/x`);
      expect(r.status).toBe(503);
      expect(r.json.code).toBe('700700');
    });
  });

  it('serves a prototyped API without credentials', async () => {
    const proto = await fx.deployApi({ backendUrl: backend.url, lifecycleStatus: 'PROTOTYPED' });
    await eventually(async () => expect((await call(`${proto.context}/1.0.0/try`)).status).toBe(200));
  });

  it('answers /healthz and /readyz on the main port, never routing them', async () => {
    const health = await call('/healthz');
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok' });
    const ready = await call('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({
      status: 'ok',
      checks: { snapshot: { status: 'ok' }, database: { status: 'ok' }, redis: { status: 'ok' } },
    });
  });
});
