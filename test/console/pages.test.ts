/**
 * Every main page of the console (and the key manager's sign-in page) in headless Chromium at 1440
 * and 768 px: axe-core finds no serious or critical accessibility violation, nothing overflows the
 * page sideways, and a full-page screenshot of each is kept under test-artifacts/console/pages/.
 */
import { readFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TEST_ADMIN_PASSWORD } from '@apim/testing';
import { ARTIFACTS, PETSTORE, startStack, type Stack } from './stack.js';
import { signIn } from './session.js';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';
const WIDTHS = [1440, 768] as const;
const SHOTS = path.join(ARTIFACTS, 'pages');
const basic = `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let stack: Stack;
let page: Page;
let apiId = '';
let applicationId = '';

async function rest<T = Record<string, unknown>>(method: string, p: string, body?: unknown): Promise<T> {
  const form = body instanceof FormData;
  const res = await fetch(`${stack.consoleUrl}${p}`, {
    method,
    headers: { authorization: basic, ...(body && !form ? { 'content-type': 'application/json' } : {}) },
    body: form ? body : body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.ok, `${method} ${p}: ${res.status} ${text}`).toBe(true);
  return (text ? JSON.parse(text) : {}) as T;
}

/** Petstore imported, deployed and published, and an application subscribed to it: pages with content. */
async function seed(): Promise<void> {
  const form = new FormData();
  form.set('file', new Blob([readFileSync(PETSTORE, 'utf8')]), 'petstore.yaml');
  form.set(
    'additionalProperties',
    JSON.stringify({
      name: 'Petstore',
      context: '/petstore',
      version: '1.0.0',
      policies: ['Gold', 'Unlimited'],
      endpointConfig: {
        endpoint_type: 'http',
        production_endpoints: { url: stack.backend.url },
        sandbox_endpoints: { url: stack.backend.url },
      },
    }),
  );
  apiId = (await rest<{ id: string }>('POST', `${PUB}/apis/import-openapi`, form)).id;
  const revision = await rest<{ id: string }>('POST', `${PUB}/apis/${apiId}/revisions`, {
    description: 'v1',
  });
  await rest('POST', `${PUB}/apis/${apiId}/deploy-revision?revisionId=${revision.id}`, [
    { name: 'Default', vhost: '127.0.0.1', displayOnDevportal: true },
  ]);
  await rest('POST', `${PUB}/apis/change-lifecycle?apiId=${apiId}&action=Publish`);
  applicationId = (
    await rest<{ applicationId: string }>('POST', `${DEV}/applications`, {
      name: 'PetApp',
      throttlingPolicy: 'Unlimited',
      tokenType: 'JWT',
    })
  ).applicationId;
  await rest('POST', `${DEV}/subscriptions`, { applicationId, apiId, throttlingPolicy: 'Gold' });
}

interface Violation {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** axe-core's serious and critical violations on the page as it is (injected through the debugger, past the CSP). */
async function violations(): Promise<Violation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    interface AxeResult {
      violations: { id: string; impact?: string; help: string; nodes: { target: unknown[] }[] }[];
    }
    const axe = (globalThis as unknown as { axe: { run(o: object): Promise<AxeResult> } }).axe;
    const result = await axe.run({ resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        rule: v.id,
        impact: v.impact ?? '',
        help: v.help,
        targets: v.nodes.map((n) => n.target.join(' ')),
      }));
  });
}

/** How far the page is wider than the window (0: no sideways scrolling of the whole page). */
function overflow(): Promise<number> {
  return page.evaluate(() => {
    const doc = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return doc.scrollWidth - doc.clientWidth;
  });
}

/** Waits until the page has its heading and nothing is loading any more. */
async function settled(): Promise<void> {
  await page.locator('h1').first().waitFor({ state: 'visible' });
  await page.waitForLoadState('networkidle');
  await page.locator('.loading').first().waitFor({ state: 'detached' });
}

/**
 * The page at each width: its screenshot, axe's verdict and the sideways overflow. Opened once at
 * the first width, then the window is narrowed, as a user resizing it would: the layout is CSS
 * media queries (the charts follow a ResizeObserver), so no reload is needed.
 */
async function check(name: string, open: () => Promise<void>): Promise<void> {
  const found: string[] = [];
  for (const [i, width] of WIDTHS.entries()) {
    await page.setViewportSize({ width, height: 900 });
    if (i === 0) {
      await open();
      await settled();
    } else {
      // a frame for the re-layout and the charts' ResizeObserver
      await page.evaluate(() => {
        const w = globalThis as unknown as { requestAnimationFrame(cb: () => void): void };
        return new Promise<void>((resolve) => w.requestAnimationFrame(() => resolve()));
      });
    }
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
    for (const v of await violations())
      found.push(`${width}px ${v.impact} ${v.rule} (${v.help}): ${v.targets.slice(0, 5).join(', ')}`);
    const wider = await overflow();
    if (wider > 0) found.push(`${width}px: the page is ${wider}px wider than the window`);
  }
  expect(found, name).toEqual([]);
}

const go = (p: string) => async () => {
  await page.goto(`${stack.consoleUrl}${p}`);
};

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack();
  page = stack.page;
  page.setDefaultTimeout(20_000);
  await seed();
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

describe.sequential('every main page: accessibility, layout, screenshots', { timeout: 90_000 }, () => {
  it('the sign-up page', () => check('sign-up', go('/devportal/sign-up')));

  it("the key manager's sign-in page", async () => {
    await check('sign-in', async () => {
      await page.goto(stack.consoleUrl);
      await page.getByRole('button', { name: 'Sign in' }).first().click();
      await page.getByLabel('Username').waitFor();
    });
    await page.goto(stack.consoleUrl);
    await signIn(page, stack.consoleUrl, 'admin', TEST_ADMIN_PASSWORD);
  });

  const pages: [string, () => string][] = [
    ['publisher-apis', () => '/publisher/apis'],
    ['publisher-create', () => '/publisher/apis/create'],
    ['publisher-import', () => '/publisher/apis/import'],
    ['publisher-api-overview', () => `/publisher/apis/${apiId}/overview`],
    ['publisher-api-resources', () => `/publisher/apis/${apiId}/resources`],
    ['publisher-api-security', () => `/publisher/apis/${apiId}/security`],
    ['publisher-api-lifecycle', () => `/publisher/apis/${apiId}/lifecycle`],
    ['publisher-api-deployments', () => `/publisher/apis/${apiId}/deployments`],
    ['publisher-api-definition', () => `/publisher/apis/${apiId}/definition`],
    ['publisher-api-documents', () => `/publisher/apis/${apiId}/documents`],
    ['devportal-catalog', () => '/devportal/apis'],
    ['devportal-api', () => `/devportal/apis/${apiId}/overview`],
    ['devportal-api-documentation', () => `/devportal/apis/${apiId}/documentation`],
    ['devportal-api-try-it', () => `/devportal/apis/${apiId}/try-it`],
    ['devportal-applications', () => '/devportal/applications'],
    ['devportal-application', () => `/devportal/applications/${applicationId}/overview`],
    ['devportal-application-keys', () => `/devportal/applications/${applicationId}/production-keys`],
    ['devportal-application-subscriptions', () => `/devportal/applications/${applicationId}/subscriptions`],
    ['admin-subscription-policies', () => '/admin/policies/subscription'],
    ['admin-advanced-policies', () => '/admin/policies/advanced'],
    ['admin-deny-policies', () => '/admin/deny-policies'],
    ['admin-users', () => '/admin/users'],
    ['admin-environments', () => '/admin/environments'],
    ['admin-key-managers', () => '/admin/key-managers'],
    ['admin-workflows', () => '/admin/workflows'],
    ['admin-settings', () => '/admin/settings'],
    ['analytics', () => '/analytics'],
  ];
  for (const [name, address] of pages) it(name, () => check(name, () => go(address())()));
});
