/**
 * The devportal's API reference and try-it (Swagger UI) in headless Chromium against the real apps:
 * a developer subscribed to the sample API and to a freshly imported Petstore (no publisher change
 * to CORS) sees each operation's required scopes, generates a test token without the consumer
 * secret with those scopes preselected, calls both APIs through the gateway from try-it (200), and
 * after a reload the token is still there and still calls. Screenshots in test-artifacts/console/.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { createPizzaShackBackend, publishSampleApi } from '@apim/stack';
import { TEST_ADMIN_PASSWORD } from '@apim/testing';
import { signIn } from './session.js';
import { ARTIFACTS, PETSTORE, startStack, type Stack } from './stack.js';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';
const admin = { username: 'admin', password: TEST_ADMIN_PASSWORD };
const dev = { username: 'trudy', password: 'trudy-password-1' };

let stack: Stack;
const pizzaBackend = createPizzaShackBackend();

async function rest<T = Record<string, unknown>>(
  as: { username: string; password: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const form = body instanceof FormData;
  const res = await fetch(`${stack.consoleUrl}${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${as.username}:${as.password}`).toString('base64')}`,
      ...(body && !form ? { 'content-type': 'application/json' } : {}),
    },
    body: form ? body : body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.ok, `${method} ${path}: ${res.status} ${text}`).toBe(true);
  return (text ? JSON.parse(text) : {}) as T;
}

/** Petstore imported, revised, deployed and published as it comes (CORS as created). */
async function importPetstore(): Promise<string> {
  const form = new FormData();
  form.set('file', new Blob([readFileSync(PETSTORE, 'utf8')]), 'petstore.yaml');
  form.set(
    'additionalProperties',
    JSON.stringify({
      name: 'RefPetstore',
      context: '/refpets',
      version: '1.0.0',
      policies: ['Gold'],
      endpointConfig: {
        endpoint_type: 'http',
        production_endpoints: { url: stack.backend.url },
        sandbox_endpoints: { url: stack.backend.url },
      },
    }),
  );
  const api = await rest<{ id: string }>(admin, 'POST', `${PUB}/apis/import-openapi`, form);
  const revision = await rest<{ id: string }>(admin, 'POST', `${PUB}/apis/${api.id}/revisions`, {});
  await rest(admin, 'POST', `${PUB}/apis/${api.id}/deploy-revision?revisionId=${revision.id}`, [
    { name: 'Default', vhost: '127.0.0.1', displayOnDevportal: true },
  ]);
  await rest(admin, 'POST', `${PUB}/apis/change-lifecycle?apiId=${api.id}&action=Publish`);
  return api.id;
}

let shot = 0;
async function screenshot(name: string): Promise<void> {
  shot++;
  await stack.page.screenshot({
    path: path.join(ARTIFACTS, `reference-${String(shot).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

const shown = (l: Locator) => l.first().waitFor({ state: 'visible', timeout: 20_000 });

/** The Swagger UI block of one operation. */
function operation(verb: string, target: string): Locator {
  return stack.page
    .locator(`.opblock-${verb}`)
    .filter({ has: stack.page.locator(`[data-path="${target}"]`) })
    .first();
}

/** Opens an operation, fills its parameters, executes it; the status code Swagger UI shows. */
async function execute(block: Locator, params: Record<string, string> = {}): Promise<string> {
  if (!(await block.locator('.opblock-body').count())) await block.locator('.opblock-summary').click();
  for (const [name, value] of Object.entries(params))
    await block.locator(`input[placeholder="${name}"]`).fill(value);
  await block.getByRole('button', { name: 'Execute' }).click();
  const status = block.locator('.live-responses-table tbody .response-col_status').first();
  await shown(status);
  return (await status.textContent())?.trim() ?? '';
}

let sampleId = '';
let petstoreId = '';
let appId = '';

beforeAll(async () => {
  await new Promise<void>((r) => pizzaBackend.listen(0, '127.0.0.1', r));
  stack = await startStack();
  // the sample API is deployed on the vhost `localhost`, as `npm start` has it
  const gw = new URL(stack.gateway.url);
  await stack.prisma.gatewayEnvironment.update({
    where: { name: 'Default' },
    data: {
      vhosts: ['127.0.0.1', 'localhost'].map((host) => ({
        host,
        httpContext: '',
        httpPort: Number(gw.port),
      })),
    },
  });
  const backendUrl = `http://127.0.0.1:${(pizzaBackend.address() as AddressInfo).port}`;
  expect(await publishSampleApi({ controlPlaneUrl: stack.consoleUrl, backendUrl, ...admin })).toBe(
    'published',
  );
  sampleId = (
    await rest<{ list: Array<{ id: string }> }>(admin, 'GET', `${DEV}/apis?query=context:/pizzashack`)
  ).list[0]!.id;
  petstoreId = await importPetstore();

  // a developer's application, keys (the secret is not kept) and subscriptions
  await stack.createUser(dev.username, dev.password, ['subscriber']);
  const app = await rest<{ applicationId: string }>(dev, 'POST', `${DEV}/applications`, {
    name: 'RefApp',
    throttlingPolicy: 'Unlimited',
  });
  appId = app.applicationId;
  await rest(dev, 'POST', `${DEV}/applications/${appId}/generate-keys`, {
    keyType: 'PRODUCTION',
    grantTypesToBeSupported: ['client_credentials'],
  });
  for (const apiId of [sampleId, petstoreId])
    await rest(dev, 'POST', `${DEV}/subscriptions`, {
      applicationId: appId,
      apiId,
      throttlingPolicy: 'Gold',
    });
}, 180_000);

afterAll(async () => {
  await stack?.close();
  await new Promise<void>((r) => pizzaBackend.close(() => r()));
});

describe('API reference and try-it', () => {
  it('shows the required scopes, generates a token with them without the secret, and calls a fresh import (200)', async () => {
    const { page } = stack;
    await page.goto(stack.consoleUrl);
    await signIn(page, stack.consoleUrl, dev.username, dev.password);

    // the reference: each operation names its scopes
    await page.goto(`${stack.consoleUrl}/devportal/apis/${petstoreId}/documentation`);
    const getPet = operation('get', '/pet/{petId}');
    await shown(getPet);
    await getPet.locator('.opblock-summary').click();
    await shown(getPet.getByText('Required scopes:'));
    expect(await getPet.locator('.opblock-description-wrapper').textContent()).toMatch(/read:pets/);
    await screenshot('documentation');

    await page.getByRole('link', { name: 'Try it' }).click();
    const scopes = page.getByRole('group', { name: 'Scopes' });
    await shown(scopes);
    for (const scope of ['read:pets', 'write:pets'])
      expect(await scopes.getByLabel(scope).isChecked()).toBe(true);
    // no secret asked: the token is the signed-in owner's
    expect(await page.getByLabel('Consumer secret', { exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Generate test token' }).click();
    const credential = page.getByLabel('Credential');
    await shown(credential);
    expect(await credential.locator('option:checked').textContent()).toMatch(
      /RefApp — production access token \((read:pets write:pets|write:pets read:pets)\)/,
    );

    const before = stack.backend.calls();
    expect(await execute(operation('get', '/pet/{petId}'), { petId: '1' })).toBe('200');
    expect(
      await operation('get', '/pet/{petId}')
        .locator('.live-responses-table tbody .response-col_description')
        .first()
        .textContent(),
    ).toContain('doggie');
    expect(stack.backend.calls()).toBe(before + 1);
    // the request went to the gateway with the token, as the curl shows
    const curl = await operation('get', '/pet/{petId}').locator('.curl-command').first().textContent();
    expect(curl).toContain(`${stack.gateway.url}/refpets/1.0.0/pet/1`);
    expect(curl).toMatch(/Authorization: Bearer ey/);
    await screenshot('try-it-200');
  }, 120_000);

  it('keeps the token for the tab across a reload, and calls the sample API with it (200)', async () => {
    const { page } = stack;
    await page.reload();
    const credential = page.getByLabel('Credential');
    await shown(credential);
    expect(await credential.locator('option:checked').textContent()).toMatch(
      /RefApp — production access token/,
    );
    expect(await execute(operation('get', '/pet/{petId}'), { petId: '2' })).toBe('200');

    await page.goto(`${stack.consoleUrl}/devportal/apis/${sampleId}/try-it`);
    await shown(page.getByLabel('Credential'));
    expect(await execute(operation('get', '/menu'))).toBe('200');
    await screenshot('sample-try-it-200');
    expect(stack.consoleErrors).toEqual([]);
  }, 120_000);
});
