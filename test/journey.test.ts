/**
 * The product end to end, as its users meet it: a publisher publishes the PizzaShack API through the
 * publisher REST API; a developer signs up, creates an application, gets keys, subscribes and calls
 * the API through the gateway; then the changes they and the publisher make (unsubscribe, revoke,
 * block) are enforced by the gateway, which learns of them only through the event log.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPizzaShackBackend, publishSampleApi } from '@apim/stack';
import { eventually } from '@apim/testing';
import { admin, startProduct, type Product } from './support/product.js';

const DEV = '/api/am/devportal/v3';
const PUB = '/api/am/publisher/v4';
const dev = { username: 'journey-dev', password: 'journey-password-1' };

let product: Product;
const backend = createPizzaShackBackend();
const rest: Product['rest'] = (...args) => product.rest(...args);

beforeAll(async () => {
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  product = await startProduct();
});

afterAll(async () => {
  await product?.close();
  await new Promise<void>((r) => backend.close(() => r()));
});

describe('publish, subscribe, call through the gateway, then change things', () => {
  let token = '';
  let subscriptionId = '';
  let apiId = '';
  const menu = () =>
    fetch(`${product.gw.url}/pizzashack/1.0.0/menu`, { headers: { authorization: `Bearer ${token}` } });

  it('a developer gets a token and calls the published API', async () => {
    const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    expect(await publishSampleApi({ controlPlaneUrl: product.cp.url, backendUrl, ...admin })).toBe(
      'published',
    );
    const found = await rest<{ list: Array<{ id: string }> }>(
      'GET',
      `${DEV}/apis?query=context:/pizzashack`,
      null,
    );
    apiId = found.body.list[0]!.id;

    expect((await rest('POST', `${DEV}/me/sign-up`, null, { ...dev, email: 'dev@example.com' })).status).toBe(
      201,
    );
    const app = await rest<{ applicationId: string }>('POST', `${DEV}/applications`, dev, {
      name: 'PizzaApp',
      throttlingPolicy: 'Unlimited',
      tokenType: 'JWT',
    });
    expect(app.status).toBe(201);
    const appId = app.body.applicationId;
    const keys = await rest<{ keyMappingId: string; consumerSecret: string }>(
      'POST',
      `${DEV}/applications/${appId}/generate-keys`,
      dev,
      { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] },
    );
    expect(keys.status).toBe(200);
    const sub = await rest<{ subscriptionId: string }>('POST', `${DEV}/subscriptions`, dev, {
      applicationId: appId,
      apiId,
      throttlingPolicy: 'Gold',
    });
    expect(sub.status).toBe(201);
    subscriptionId = sub.body.subscriptionId;
    const issued = await rest<{ accessToken: string }>(
      'POST',
      `${DEV}/applications/${appId}/oauth-keys/${keys.body.keyMappingId}/generate-token`,
      dev,
      { consumerSecret: keys.body.consumerSecret },
    );
    expect(issued.status).toBe(200);
    token = issued.body.accessToken;

    await eventually(async () => {
      const res = await menu();
      expect(res.status).toBe(200);
      const items = (await res.json()) as Array<{ name: string }>;
      expect(items.map((p) => p.name)).toContain('Garden Fresh');
    }, 1000);
    const order = await fetch(`${product.gw.url}/pizzashack/1.0.0/order`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ pizzaType: 'Garden Fresh', quantity: 1, customerName: 'Dev' }),
    });
    expect(order.status).toBe(201);
    // the default version answers without the version segment
    expect(
      (await fetch(`${product.gw.url}/pizzashack/menu`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(200);
  });

  it('unsubscribing is enforced within a second (900908), subscribing again restores access', async () => {
    expect((await rest('DELETE', `${DEV}/subscriptions/${subscriptionId}`, dev)).status).toBe(200);
    await eventually(async () => {
      const res = await menu();
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: '900908' });
    }, 1000);
    const again = await rest<{ subscriptionId: string }>('POST', `${DEV}/subscriptions`, dev, {
      applicationId: (
        await rest<{ list: Array<{ applicationId: string }> }>('GET', `${DEV}/applications`, dev)
      ).body.list[0]!.applicationId,
      apiId,
      throttlingPolicy: 'Bronze',
    });
    expect(again.status).toBe(201);
    await eventually(async () => expect((await menu()).status).toBe(200), 1000);
  });

  it('a blocked API answers 503 (700700) and comes back when republished', async () => {
    expect(
      (await rest('POST', `${PUB}/apis/change-lifecycle?apiId=${apiId}&action=Block`, admin)).status,
    ).toBe(200);
    await eventually(async () => {
      const res = await menu();
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ code: '700700' });
    }, 1000);
    expect(
      (await rest('POST', `${PUB}/apis/change-lifecycle?apiId=${apiId}&action=Re-Publish`, admin)).status,
    ).toBe(200);
    await eventually(async () => expect((await menu()).status).toBe(200), 1000);
  });

  it('a revoked token is refused within a second', async () => {
    const clientId = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
      .client_id as string;
    const revoked = await fetch(`${product.km.url}/internal/v1/clients/${clientId}/revoke-tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${product.km.internalSecret}` },
    });
    expect(revoked.status).toBe(204);
    await eventually(async () => {
      const res = await menu();
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: expect.stringMatching(/^90090[14]$/) });
    }, 1000);
  });
});
