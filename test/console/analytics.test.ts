/**
 * The analytics page (issue 13), in headless Chromium against the real apps and real traffic: two
 * APIs called through the gateway by two applications' tokens; the admin filters by API and by
 * status class, exports the requests shown as CSV, and drills down from the By application
 * breakdown to one application's requests. Screenshots in test-artifacts/console/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { TEST_ADMIN_PASSWORD } from '@apim/testing';
import { adminRest } from './admin-rest.js';
import { signIn } from './session.js';
import { ARTIFACTS, startStack, type Stack } from './stack.js';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';

const DEFINITION = `openapi: 3.0.3
info: { title: Pets, version: 1.0.0 }
paths:
  /pet/{petId}:
    get:
      parameters: [{ name: petId, in: path, required: true, schema: { type: integer } }]
      responses: { '200': { description: A pet }, '404': { description: No such pet } }
`;

let stack: Stack;
let page: Page;
let rest: ReturnType<typeof adminRest>;

const shot = (name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `analytics-${name}.png`), fullPage: true });
const shown = (locator: Locator) => locator.first().waitFor({ state: 'visible' });

/** An API before the test's pet backend, deployed to the gateway and published; its id. */
async function publishedApi(name: string, context: string): Promise<string> {
  const form = new FormData();
  form.set('inlineAPIDefinition', DEFINITION);
  const endpoint = { url: stack.backend.url };
  form.set(
    'additionalProperties',
    JSON.stringify({
      name,
      context,
      version: '1.0.0',
      policies: ['Unlimited'],
      endpointConfig: { endpoint_type: 'http', production_endpoints: endpoint, sandbox_endpoints: endpoint },
    }),
  );
  const { id } = await rest<{ id: string }>('POST', `${PUB}/apis/import-openapi`, form);
  const revision = await rest<{ id: string }>('POST', `${PUB}/apis/${id}/revisions`, { description: 'v1' });
  await rest('POST', `${PUB}/apis/${id}/deploy-revision?revisionId=${revision.id}`, [
    { name: 'Default', vhost: '127.0.0.1', displayOnDevportal: true },
  ]);
  await rest('POST', `${PUB}/apis/change-lifecycle?apiId=${id}&action=Publish`);
  return id;
}

/** An application subscribed to the API, and a token of it. */
async function tokenOf(name: string, apiId: string): Promise<string> {
  const app = await rest<{ applicationId: string }>('POST', `${DEV}/applications`, {
    name,
    throttlingPolicy: 'Unlimited',
    tokenType: 'JWT',
  });
  const keys = await rest<{ keyMappingId: string; consumerSecret: string }>(
    'POST',
    `${DEV}/applications/${app.applicationId}/generate-keys`,
    { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] },
  );
  await rest('POST', `${DEV}/subscriptions`, {
    applicationId: app.applicationId,
    apiId,
    throttlingPolicy: 'Unlimited',
  });
  const issued = await rest<{ accessToken: string }>(
    'POST',
    `${DEV}/applications/${app.applicationId}/oauth-keys/${keys.keyMappingId}/generate-token`,
    { consumerSecret: keys.consumerSecret },
  );
  return issued.accessToken;
}

async function callGateway(token: string, p: string, times: number, status: number) {
  for (let i = 0; i < times; i++) {
    const res = await fetch(`${stack.gateway.url}${p}`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    expect(res.status, p).toBe(status);
  }
}

const recent = () => page.getByRole('region', { name: 'Most recent requests' });
/** The rows of the most recent requests' table (its header row apart). */
const rows = () => recent().locator('tbody tr');

beforeAll(async () => {
  stack = await startStack();
  page = stack.page;
  rest = adminRest(stack.consoleUrl);
  page.setDefaultTimeout(15_000);
  const pets = await publishedApi('Pets', '/pets');
  const shelter = await publishedApi('Shelter', '/shelter');
  const petApp = await tokenOf('PetApp', pets);
  const shelterApp = await tokenOf('ShelterApp', shelter);
  await callGateway(petApp, '/pets/1.0.0/pet/1', 3, 200);
  await callGateway(petApp, '/pets/1.0.0/pet/99', 1, 404);
  await callGateway(shelterApp, '/shelter/1.0.0/pet/2', 2, 200);
}, 180_000);

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page) {
    await shot(`failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 40)}`);
    console.error('browser console errors:', stack.consoleErrors);
  }
});

afterAll(async () => stack?.close());

describe.sequential('analytics page', { timeout: 60_000 }, () => {
  /** The timeline chart's text alternative: its totals. */
  const timeline = (requests: number, errors: number) =>
    page.getByRole('img', {
      name: new RegExp(`^Requests over time\\. Requests: ${requests} in total; Errors: ${errors} in total`),
    });
  const byApplication = () => page.getByRole('table', { name: 'By application: numbers' });

  it('shows the calls made, in charts and the latest requests', async () => {
    await page.goto(stack.consoleUrl);
    await signIn(page, stack.consoleUrl, 'admin', TEST_ADMIN_PASSWORD);
    await page.goto(`${stack.consoleUrl}/analytics`);
    // The page refreshes itself every few seconds: the gateway ships its events in batches.
    await timeline(6, 1).waitFor({ state: 'visible', timeout: 40_000 });
    await shown(byApplication().getByRole('rowheader', { name: 'PetApp' }));
    await shown(byApplication().getByRole('rowheader', { name: 'ShelterApp' }));
    // every error is kept as a raw event (successful requests may be sampled)
    await shown(recent().getByRole('cell', { name: /^404/ }));
    await page.getByLabel('Refresh every 5 seconds').uncheck();
    await shot('all');
  });

  it('filters by API and status class, and exports the requests shown as CSV', async () => {
    await page.getByLabel('API', { exact: true }).selectOption({ label: 'Pets 1.0.0' });
    await shown(timeline(4, 1));
    expect(await byApplication().getByRole('rowheader').allTextContents()).toEqual(['PetApp']);
    expect(await recent().getByRole('cell', { name: 'ShelterApp' }).count()).toBe(0);
    // the API's resources, with their counts
    const resources = page.getByRole('region', { name: 'Resources of Pets 1.0.0' });
    const resource = resources.getByRole('row', { name: /GET \/pet\/\{petId\}/ });
    expect(await resource.getByRole('cell').allTextContents()).toEqual(
      expect.arrayContaining(['4', '1', '0']),
    );
    await page.getByLabel('Status').selectOption('4xx,5xx');
    await shown(timeline(1, 1));
    await expect.poll(() => rows().count()).toBe(1);
    await shown(recent().getByRole('cell', { name: /^404/ }));
    await shown(recent().getByText(/Showing API Pets 1\.0\.0 · errors/));
    await shot('filtered');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^requests-.+\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe(
      'Time,API,API version,Method,Resource,Application,Status,Error code,Latency (ms),Messages in,Messages out,Correlation ID',
    );
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(',Pets,1.0.0,GET,/pet/{petId},PetApp,404,');
  });

  it("drills down from the breakdown to one application's requests", async () => {
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await shown(timeline(6, 1));
    await page.getByRole('button', { name: 'Requests of ShelterApp' }).click();
    await shown(timeline(2, 0));
    expect(await byApplication().getByRole('rowheader').allTextContents()).toEqual(['ShelterApp']);
    expect(await recent().getByRole('cell', { name: 'PetApp' }).count()).toBe(0);
    await shown(recent().getByText(/Showing application ShelterApp/));
    await shot('drill-down');
    expect(stack.consoleErrors).toEqual([]);
  });
});
