/**
 * Issue 14 in headless Chromium: an API made by a Kyma APIRule whose deployment the gateway
 * refused shows, on its overview, which manifest manages it, the Error badge and the gateway's
 * reason (the same words the manifest status gives).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TEST_ADMIN_PASSWORD } from '@apim/testing';
import { ARTIFACTS, startStack, type Stack } from './stack.js';

let stack: Stack;
let page: Page;

const refusedApiRule = {
  apiVersion: 'gateway.kyma-project.io/v2',
  kind: 'APIRule',
  metadata: { name: 'httpbin', namespace: 'default' },
  spec: {
    hosts: ['httpbin.example.com'],
    service: { name: 'httpbin', port: 8000 },
    // the gateway routes by Host: a rule may not set it, so the gateway refuses the revision
    rules: [{ path: '/headers', methods: ['GET'], noAuth: true, request: { headers: { Host: 'evil' } } }],
  },
};

beforeAll(async () => {
  stack = await startStack();
  page = stack.page;
  page.setDefaultTimeout(15_000);
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

async function signIn(): Promise<void> {
  await page.goto(stack.consoleUrl);
  await page.getByRole('button', { name: 'Sign in' }).first().click();
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(TEST_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.origin === stack.consoleUrl || u.pathname.includes('interaction'));
  const allow = page.getByRole('button', { name: 'Allow' });
  if (new URL(page.url()).origin !== stack.consoleUrl && (await allow.count())) await allow.click();
  await page.waitForURL((u) => u.origin === stack.consoleUrl && u.pathname !== '/callback', {
    waitUntil: 'commit',
  });
}

describe('the API overview of an APIRule-made API', { timeout: 60_000 }, () => {
  it('shows the managing APIRule, the Error badge and the gateway reason', async () => {
    const res = await fetch(`${stack.consoleUrl}/api/am/admin/v4/manifests/apply`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ documents: [{ manifest: refusedApiRule }], waitSeconds: 20 }),
    });
    const applied = (await res.json()) as {
      objects: Array<{ objectId: string; state: string; description: string }>;
    };
    expect(res.status).toBe(200);
    const [object] = applied.objects;
    expect(object).toMatchObject({ state: 'Error' });

    await signIn();
    await page.goto(`${stack.consoleUrl}/publisher/apis/${object!.objectId}/overview`);
    const managedBy = page.locator('dt', { hasText: 'Managed by' }).locator('xpath=following-sibling::dd[1]');
    await managedBy.waitFor();
    expect(await managedBy.locator('code').textContent()).toBe('default/httpbin');
    const badge = managedBy.locator('.badge');
    expect(await badge.textContent()).toBe('Error');
    // red, as a failed deployment is
    const color = await badge.evaluate(
      // runs in the page; the test's own type-check has no DOM library
      (el) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el)
          .color,
    );
    expect(color).toBe('rgb(138, 28, 18)');
    expect(await managedBy.textContent()).toContain(object!.description);
    await page.screenshot({ path: path.join(ARTIFACTS, 'managed-by-error.png'), fullPage: true });
    expect(stack.consoleErrors).toEqual([]);
  });
});
