/**
 * A first call that works: a page on the console's origin (the control plane's, which serves the
 * console and its devportal try-it) calls APIs through the gateway with fetch in real Chromium,
 * preflights included, on the sample API and on a freshly imported one, with no publisher action on
 * CORS: the gateway's default CORS (APIM_CORS_*, the console's origin allowed) answers for every
 * API. A page of another origin is refused by the browser.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPizzaShackBackend, publishSampleApi } from '@apim/stack';
import { eventually } from '@apim/testing';
import { admin, startProduct, type Product } from '../support/product.js';
import { launchChromium, PETSTORE, startPetBackend } from './stack.js';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';

let product: Product;
let gatewayUrl = '';
let browser: Browser;
let page: Page;
let petBackend: Awaited<ReturnType<typeof startPetBackend>>;
const pizzaBackend = createPizzaShackBackend();

async function rest<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await product.rest<T>(method, path, admin, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

/** Petstore imported, revised, deployed and published as it comes: CORS left as created (off). */
async function importPetstore(): Promise<string> {
  const form = new FormData();
  form.set('file', new Blob([readFileSync(PETSTORE, 'utf8')]), 'petstore.yaml');
  form.set(
    'additionalProperties',
    JSON.stringify({
      name: 'TryPetstore',
      context: '/trypets',
      version: '1.0.0',
      policies: ['Gold'],
      endpointConfig: {
        endpoint_type: 'http',
        production_endpoints: { url: petBackend.url },
        sandbox_endpoints: { url: petBackend.url },
      },
    }),
  );
  const api = await rest<{ id: string; corsConfiguration?: { corsConfigurationEnabled: boolean } }>(
    'POST',
    `${PUB}/apis/import-openapi`,
    form,
  );
  expect(api.corsConfiguration?.corsConfigurationEnabled ?? false).toBe(false);
  const revision = await rest<{ id: string }>('POST', `${PUB}/apis/${api.id}/revisions`, {
    description: 'v1',
  });
  await rest('POST', `${PUB}/apis/${api.id}/deploy-revision?revisionId=${revision.id}`, [
    { name: 'Default', vhost: 'localhost', displayOnDevportal: true },
  ]);
  await rest('POST', `${PUB}/apis/change-lifecycle?apiId=${api.id}&action=Publish`);
  return api.id;
}

/** A token of an application subscribed to both APIs, with Petstore's scopes, as try-it gets one. */
async function token(apiIds: string[]): Promise<string> {
  const app = await rest<{ applicationId: string }>('POST', `${DEV}/applications`, {
    name: 'TryItApp',
    throttlingPolicy: 'Unlimited',
    tokenType: 'JWT',
  });
  const keys = await rest<{ keyMappingId: string; consumerSecret: string }>(
    'POST',
    `${DEV}/applications/${app.applicationId}/generate-keys`,
    { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] },
  );
  for (const apiId of apiIds)
    await rest('POST', `${DEV}/subscriptions`, {
      applicationId: app.applicationId,
      apiId,
      throttlingPolicy: 'Gold',
    });
  const issued = await rest<{ accessToken: string }>(
    'POST',
    `${DEV}/applications/${app.applicationId}/oauth-keys/${keys.keyMappingId}/generate-token`,
    { consumerSecret: keys.consumerSecret, scopes: ['read:pets', 'write:pets'] },
  );
  return issued.accessToken;
}

interface BrowserCall {
  url: string;
  method?: string;
  headers: Record<string, string>;
  body?: string;
}

/** fetch from the page as it is (its origin), as try-it does: the status, or the browser's refusal. */
function fromPage(call: BrowserCall) {
  return page.evaluate(async ({ url, method, headers, body }) => {
    try {
      const res = await fetch(url, { method, headers, body });
      return { status: res.status, body: await res.text() };
    } catch (e) {
      return { refused: (e as Error).message };
    }
  }, call);
}

let bearer = '';

beforeAll(async () => {
  await new Promise<void>((r) => pizzaBackend.listen(0, '127.0.0.1', r));
  petBackend = await startPetBackend();
  product = await startProduct();
  // a gateway told where the console is, as npm start tells it (APIM_CONSOLE_URL)
  const gateway = await product.addGateway({ APIM_CONSOLE_URL: product.cp.url });
  // the APIs are deployed on the seeded vhost, localhost
  gatewayUrl = gateway.url.replace('127.0.0.1', 'localhost');
  const backendUrl = `http://127.0.0.1:${(pizzaBackend.address() as AddressInfo).port}`;
  expect(await publishSampleApi({ controlPlaneUrl: product.cp.url, backendUrl, ...admin })).toBe('published');
  const found = await rest<{ list: Array<{ id: string }> }>('GET', `${DEV}/apis?query=context:/pizzashack`);
  const petstoreId = await importPetstore();
  bearer = await token([found.list[0]!.id, petstoreId]);
  browser = await launchChromium();
  page = await browser.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await product?.close();
  await petBackend?.close();
  await new Promise<void>((r) => pizzaBackend.close(() => r()));
});

describe("try-it from the console's origin, CORS as the APIs were created", () => {
  it('calls the sample API: a GET with a token, and a JSON POST', async () => {
    await page.goto(`${product.cp.url}/healthz`);
    const auth = { authorization: `Bearer ${bearer}` };
    await eventually(async () => {
      const menu = await fromPage({ url: `${gatewayUrl}/pizzashack/1.0.0/menu`, headers: auth });
      expect(menu).toMatchObject({ status: 200 });
      expect((menu as { body: string }).body).toContain('Garden Fresh');
    }, 5000);
    // application/json is no simple content type: the browser asks first
    const order = await fromPage({
      url: `${gatewayUrl}/pizzashack/1.0.0/order`,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ pizzaType: 'Garden Fresh', quantity: 1, customerName: 'Try' }),
    });
    expect(order).toMatchObject({ status: 201 });
  });

  it('calls a freshly imported API, and reads its refusals too', async () => {
    await page.goto(`${product.cp.url}/healthz`);
    await eventually(async () => {
      const pet = await fromPage({
        url: `${gatewayUrl}/trypets/1.0.0/pet/1`,
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(pet).toMatchObject({ status: 200 });
      expect(JSON.parse((pet as { body: string }).body)).toMatchObject({ id: 1, name: 'doggie' });
    }, 5000);
    const noToken = await fromPage({ url: `${gatewayUrl}/trypets/1.0.0/pet/1`, headers: {} });
    expect(noToken).toMatchObject({ status: 401 });
  });

  it("refuses a page of another origin (the browser's CORS check)", async () => {
    // the Petstore backend's origin: a page the default CORS does not allow
    await page.goto(`${petBackend.url}/pet/1`);
    const foreign = await fromPage({
      url: `${gatewayUrl}/trypets/1.0.0/pet/1`,
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect(foreign).toMatchObject({ refused: expect.stringMatching(/fetch/i) });
  });
});
