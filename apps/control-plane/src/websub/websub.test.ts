/**
 * The WebSub hub with the real key manager, Redis (BullMQ) and a real subscriber on port 0: an
 * application subscribes (intent verified at its callback), the publisher posts an event, the
 * subscriber refuses the first delivery and gets the retry, signed with its secret.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, importForm, restClient, startTestBed, type TestBed } from '../test-support.js';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';
const ORDERS = readFileSync(
  new URL('../apis/asyncapi/fixtures/orders-websub-2.6.yaml', import.meta.url),
  'utf8',
);
const SECRET = 'subscriber-secret-42';

interface Received {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A subscriber: echoes challenges, refuses the first delivery (500) and accepts the rest. */
function startSubscriber() {
  const received: Received[] = [];
  let deliveries = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://subscriber');
      received.push({ method: req.method!, url, headers: req.headers, body: Buffer.concat(chunks) });
      if (req.method === 'GET') return res.end(url.searchParams.get('hub.challenge') ?? '');
      res.statusCode = ++deliveries === 1 ? 500 : 204;
      res.end();
    });
  });
  return { server, received };
}

let bed: TestBed;
let call: ReturnType<typeof restClient>;
let subscriber: ReturnType<typeof startSubscriber>;
let callback: string;
let apiId: string;
let token: string;

/** Polls the database until `check` holds (the hub works in jobs); no time is asserted. */
async function until<T>(read: () => Promise<T>, check: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const hubRequest = (fields: Record<string, string>, bearer = token) =>
  fetch(`${bed.cp.url}/websub/${apiId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

beforeAll(async () => {
  bed = await startTestBed({ keyManager: true });
  call = restClient(bed.cp.url, bed.cp.app.documents);
  subscriber = startSubscriber();
  await new Promise<void>((r) => subscriber.server.listen(0, '127.0.0.1', r));
  callback = `http://127.0.0.1:${(subscriber.server.address() as AddressInfo).port}/hooks/orders?client=7`;

  const api = await call<{ id: string; type: string }>('POST', `${PUB}/apis/import-asyncapi`, {
    as: ADMIN,
    form: importForm(
      { additionalProperties: JSON.stringify({ context: '/order-events', policies: ['Gold'] }) },
      [{ name: 'orders.yaml', text: ORDERS }],
    ),
  });
  expect(api.status).toBe(201);
  expect(api.body.type).toBe('WEBSUB');
  apiId = api.body.id;
  const rev = await call<{ id: string }>('POST', `${PUB}/apis/${apiId}/revisions`, { as: ADMIN, json: {} });
  await call('POST', `${PUB}/apis/${apiId}/deploy-revision?revisionId=${rev.body.id}`, {
    as: ADMIN,
    json: [{ name: 'Default' }],
  });
  await call('POST', `${PUB}/apis/change-lifecycle?apiId=${apiId}&action=Publish`, { as: ADMIN });

  const app = await call<{ applicationId: string }>('POST', `${DEV}/applications`, {
    as: ADMIN,
    json: { name: 'OrderWatcher', throttlingPolicy: 'Unlimited' },
  });
  const appId = app.body.applicationId;
  const keys = await call<{ keyMappingId: string; consumerSecret: string }>(
    'POST',
    `${DEV}/applications/${appId}/generate-keys`,
    { as: ADMIN, json: { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] } },
  );
  const sub = await call('POST', `${DEV}/subscriptions`, {
    as: ADMIN,
    json: { applicationId: appId, apiId, throttlingPolicy: 'Gold' },
  });
  expect(sub.status).toBe(201);
  const issued = await call<{ accessToken: string }>(
    'POST',
    `${DEV}/applications/${appId}/oauth-keys/${keys.body.keyMappingId}/generate-token`,
    { as: ADMIN, json: { consumerSecret: keys.body.consumerSecret } },
  );
  token = issued.body.accessToken;
});
afterAll(async () => {
  await bed?.close();
  await new Promise((r) => subscriber?.server.close(r));
});

describe('WebSub hub', () => {
  it('subscribes after verifying intent, then delivers a signed event, retried after the subscriber fails once', async () => {
    const accepted = await hubRequest({
      'hub.mode': 'subscribe',
      'hub.topic': '/orders/created',
      'hub.callback': callback,
      'hub.secret': SECRET,
      'hub.lease_seconds': '3600',
    });
    expect(accepted.status).toBe(202);
    const row = await until(
      () => bed.prisma.websubSubscription.findFirst({ where: { apiId } }),
      (r) => r !== null,
    );
    const verification = subscriber.received.find((r) => r.method === 'GET')!;
    expect(Object.fromEntries(verification.url.searchParams)).toMatchObject({
      client: '7',
      'hub.mode': 'subscribe',
      'hub.topic': '/orders/created',
      'hub.lease_seconds': '3600',
    });
    expect(row).toMatchObject({ topic: '/orders/created', callback });
    expect(row!.secret).not.toContain(SECRET); // sealed at rest

    const event = JSON.stringify({ orderId: 'o-1001', total: 42.5 });
    const posted = await fetch(
      `${bed.cp.url}/websub/${apiId}/webhooks_events_receiver_resource?topic=/orders/created`,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: event,
      },
    );
    expect(posted.status).toBe(202);
    expect(await posted.json()).toEqual({ topic: '/orders/created', subscribers: 1 });

    const stats = await until(
      () => bed.prisma.websubSubscription.findUniqueOrThrow({ where: { id: row!.id } }),
      (r) => r.deliveredCount === 1,
    );
    expect(stats).toMatchObject({ deliveredCount: 1, failedCount: 1, droppedCount: 0, lastError: null });
    const deliveries = subscriber.received.filter((r) => r.method === 'POST');
    expect(deliveries).toHaveLength(2);
    const expected = `sha256=${createHmac('sha256', SECRET).update(event).digest('hex')}`;
    for (const d of deliveries) {
      expect(d.body.toString()).toBe(event);
      expect(d.headers['x-hub-signature']).toBe(expected);
      expect(d.headers['content-type']).toBe('application/json');
      expect(d.headers.link).toContain('/order-events/1.0.0/orders/created>; rel="self"');
    }

    const analytics = await call<{ list: Array<Record<string, unknown>> }>(
      'GET',
      `${PUB}/apis/${apiId}/websub-subscriptions`,
      { as: ADMIN },
    );
    expect(analytics.body.list).toEqual([
      expect.objectContaining({
        applicationName: 'OrderWatcher',
        topic: '/orders/created',
        deliveredCount: 1,
        failedCount: 1,
        droppedCount: 0,
      }),
    ]);
    expect(JSON.stringify(analytics.body)).not.toContain('secret');
  });

  it('refuses a callback at a link-local (cloud metadata) address, and subscribes nobody', async () => {
    const before = await bed.prisma.websubSubscription.count();
    const res = await hubRequest({
      'hub.mode': 'subscribe',
      'hub.topic': '/orders/shipped',
      'hub.callback': 'http://169.254.169.254/latest/meta-data/',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { description: string }).description).toContain(
      '169.254.169.254 is a link-local or cloud metadata address',
    );
    expect(await bed.prisma.websubSubscription.count()).toBe(before);
  });

  it("takes only subscribed applications, and only the API's topics", async () => {
    expect(
      (
        await hubRequest(
          { 'hub.mode': 'subscribe', 'hub.topic': '/orders/created', 'hub.callback': callback },
          'x',
        )
      ).status,
    ).toBe(401);
    const unknown = await hubRequest({
      'hub.mode': 'subscribe',
      'hub.topic': '/refunds',
      'hub.callback': callback,
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { description: string }).description).toContain(
      '/orders/created, /orders/shipped',
    );
  });

  it('unsubscribes after verifying intent', async () => {
    const res = await hubRequest({
      'hub.mode': 'unsubscribe',
      'hub.topic': '/orders/created',
      'hub.callback': callback,
    });
    expect(res.status).toBe(202);
    await until(
      () => bed.prisma.websubSubscription.count({ where: { apiId, topic: '/orders/created' } }),
      (n) => n === 0,
    );
    const last = subscriber.received.filter((r) => r.method === 'GET').at(-1)!;
    expect(last.url.searchParams.get('hub.mode')).toBe('unsubscribe');
  });
});
