/**
 * WebSub through the gateway: a subscriber registers at the gateway URL of a WEBSUB API (the real
 * gateway, control plane and its hub, key manager and Redis); the hub verifies intent at the
 * subscriber's callback and delivers a published event signed with the subscriber's secret.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApi } from '@apim/contracts';
import { startControlPlane, type RunningControlPlane } from '@apim/control-plane/testing';
import { eventually, TEST_ADMIN_PASSWORD, testRedisUrl } from '@apim/testing';
import { startStack, type Stack } from '../test-support/stack.js';
import { startGateway, type StartedGateway } from '../testing.js';

const SECRET = 'subscriber-secret-16';
const ADMIN = `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`;

interface Received {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A subscriber's callback: echoes the hub's challenges, takes every delivery. */
async function startSubscriber() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://subscriber');
      received.push({ method: req.method!, url, headers: req.headers, body });
      if (req.method === 'GET') return res.end(url.searchParams.get('hub.challenge') ?? '');
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    received,
    callback: `http://127.0.0.1:${port}/hooks/orders`,
    close: () => new Promise((r) => server.close(r)),
  };
}

let s: Stack;
let cp: RunningControlPlane;
/** the gateway that forwards hub requests to this control plane */
let gw: StartedGateway;
let api: GatewayApi;
/** a WEBSUB API whose callers send their token in a header of its own */
let stock: GatewayApi;
let subscriber: Awaited<ReturnType<typeof startSubscriber>>;
let token: string;
let unsubscribedToken: string;

/** A hub request (a form) at the API's gateway URL. */
const hubRequest = (
  fields: Record<string, string>,
  headers: Record<string, string> = {},
  path = '/order-events/1.0.0',
) =>
  fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const verifications = (mode: string) =>
  subscriber.received.filter((r) => r.method === 'GET' && r.url.searchParams.get('hub.mode') === mode);

beforeAll(async () => {
  s = await startStack();
  const options = {
    databaseUrl: s.db.url,
    keyManagerUrl: s.km.url,
    internalSecret: s.km.internalSecret,
    redisUrl: testRedisUrl(),
    redisPrefix: s.redisPrefix,
  };
  cp = await startControlPlane(options);
  subscriber = await startSubscriber();
  api = await s.fx.deployApi({
    type: 'WEBSUB',
    context: '/order-events',
    operations: [
      { verb: 'SUBSCRIBE', target: '/orders/created' },
      { verb: 'SUBSCRIBE', target: '/orders/shipped' },
    ],
  });
  stock = await s.fx.deployApi({
    type: 'WEBSUB',
    context: '/stock-events',
    authorizationHeader: 'X-Stock-Auth',
    operations: [{ verb: 'SUBSCRIBE', target: '/stock/low' }],
  });
  const app = await s.fx.createApplication();
  await s.fx.subscribe(app.id, api.id, 'Unlimited');
  await s.fx.subscribe(app.id, stock.id, 'Unlimited');
  token = await s.token(await s.newKey(app.id));
  const stranger = await s.fx.createApplication();
  unsubscribedToken = await s.token(await s.newKey(stranger.id));
  // started once the model is written: its snapshot holds the API, the applications and their keys
  gw = await startGateway({ ...options, env: { APIM_CONTROL_PLANE_URL: cp.url } });
});

afterAll(async () => {
  await gw?.close();
  await cp?.close();
  await subscriber?.close();
  await s?.close();
});

describe('WebSub through the gateway', () => {
  it("registers a subscriber at the API's gateway URL: intent verified at the callback, a published event delivered signed", async () => {
    const accepted = await hubRequest(
      {
        'hub.mode': 'subscribe',
        'hub.topic': '/orders/created',
        'hub.callback': subscriber.callback,
        'hub.secret': SECRET,
        'hub.lease_seconds': '3600',
      },
      bearer(token),
    );
    expect(accepted.status, await accepted.text()).toBe(202);
    const row = await eventually(async () => {
      const r = await s.fx.prisma.websubSubscription.findFirst({ where: { apiId: api.id } });
      expect(r).not.toBeNull();
      return r!;
    });
    expect(row).toMatchObject({ topic: '/orders/created', callback: subscriber.callback });
    const [verification] = verifications('subscribe');
    expect(Object.fromEntries(verification!.url.searchParams)).toMatchObject({
      'hub.topic': '/orders/created',
      'hub.lease_seconds': '3600',
    });

    const event = JSON.stringify({ orderId: 'o-16', total: 16.5 });
    const posted = await fetch(
      `${cp.url}/websub/${api.id}/webhooks_events_receiver_resource?topic=/orders/created`,
      { method: 'POST', headers: { authorization: ADMIN, 'content-type': 'application/json' }, body: event },
    );
    expect(posted.status).toBe(202);
    const delivery = await eventually(() => {
      const d = subscriber.received.find((r) => r.method === 'POST');
      expect(d).toBeDefined();
      return d!;
    });
    expect(delivery.body).toBe(event);
    expect(delivery.headers['x-hub-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET).update(event).digest('hex')}`,
    );
  });

  it('refuses at the gateway, before the hub, a caller without credentials (401 900902) or not subscribed (403 900908)', async () => {
    const form = {
      'hub.mode': 'subscribe',
      'hub.topic': '/orders/shipped',
      'hub.callback': subscriber.callback,
    };
    const missing = await hubRequest(form);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: '900902' });
    const stranger = await hubRequest(form, bearer(unsubscribedToken));
    expect(stranger.status).toBe(403);
    expect(await stranger.json()).toMatchObject({ code: '900908' });
    expect(await s.fx.prisma.websubSubscription.count({ where: { topic: '/orders/shipped' } })).toBe(0);
  });

  it("relays the hub's own refusal: a topic the API does not have (400 naming its topics)", async () => {
    const res = await hubRequest(
      { 'hub.mode': 'subscribe', 'hub.topic': '/refunds', 'hub.callback': subscriber.callback },
      bearer(token),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { description: string }).description).toContain(
      '/orders/created, /orders/shipped',
    );
  });

  it('hands the hub the token an API takes in a header of its own, as the standard Authorization', async () => {
    const res = await hubRequest(
      { 'hub.mode': 'subscribe', 'hub.topic': '/stock/low', 'hub.callback': subscriber.callback },
      { 'x-stock-auth': `Bearer ${token}` },
      '/stock-events/1.0.0',
    );
    expect(res.status, await res.text()).toBe(202);
    await eventually(async () =>
      expect(await s.fx.prisma.websubSubscription.count({ where: { apiId: stock.id } })).toBe(1),
    );
  });

  it('unsubscribes through the gateway after verifying intent', async () => {
    const res = await hubRequest(
      { 'hub.mode': 'unsubscribe', 'hub.topic': '/orders/created', 'hub.callback': subscriber.callback },
      bearer(token),
    );
    expect(res.status).toBe(202);
    await eventually(async () =>
      expect(await s.fx.prisma.websubSubscription.count({ where: { apiId: api.id } })).toBe(0),
    );
    expect(verifications('unsubscribe')).toHaveLength(1);
  });
});
