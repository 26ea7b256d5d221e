/**
 * Issue 13's "every object manageable" in headless Chromium against the real apps: a publisher
 * writes a Markdown document that the developer portal shows rendered and sanitised, deletes an
 * API after a confirmation naming the effect (and is told why a subscribed one cannot go); a
 * developer edits an application, asks for another tier, which waits for an admin's approval, and
 * revokes an API key from the list; the admin finds a user by email and edits a policy. Screenshots go to
 * test-artifacts/console/manage-*.png.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { TEST_ADMIN_PASSWORD } from '@apim/testing';
import { signIn, signOut } from './session.js';
import { ARTIFACTS, startStack, type Stack } from './stack.js';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';
const ADM = '/api/am/admin/v4';
const MARKDOWN = '# Welcome\n\nUse **Gold** in production.\n\n<img src=x onerror="window.__owned=1">\n';

let stack: Stack;
let page: Page;
const ids = { docsApi: '', doomedApi: '', app: '' };

async function rest<T = { id: string }>(
  method: string,
  url: string,
  json: unknown,
  user: string,
  password: string,
) {
  const res = await fetch(`${stack.consoleUrl}${url}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(json),
  });
  expect(res.status, `${method} ${url}`).toBeLessThan(300);
  return (await res.json().catch(() => ({}))) as T;
}
const asAdmin = <T = { id: string }>(method: string, url: string, json?: unknown) =>
  rest<T>(method, url, json, 'admin', TEST_ADMIN_PASSWORD);
const asDev = <T = { id: string }>(method: string, url: string, json?: unknown) =>
  rest<T>(method, url, json, 'dev1', 'dev1-password');

async function shown(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible' });
}
async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `manage-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  stack = await startStack();
  page = stack.page;
  page.setDefaultTimeout(15_000);
  await stack.createUser('dev1', 'dev1-password', ['subscriber']);
  await stack.prisma.user.update({ where: { username: 'dev1' }, data: { email: 'dev.one@example.org' } });
  ids.docsApi = (
    await asAdmin('POST', `${PUB}/apis`, {
      name: 'Docs',
      context: '/docs',
      version: '1',
      policies: ['Gold', 'Silver'],
    })
  ).id;
  ids.doomedApi = (
    await asAdmin('POST', `${PUB}/apis`, { name: 'Doomed', context: '/doomed', version: '1' })
  ).id;
  await asAdmin('POST', `${PUB}/apis/change-lifecycle?apiId=${ids.docsApi}&action=Publish`);
  await asAdmin('PUT', `${ADM}/settings`, { workflows: { SUBSCRIPTION_UPDATE: true } });
  ids.app = (
    await asDev<{ applicationId: string }>('POST', `${DEV}/applications`, {
      name: 'Travel',
      throttlingPolicy: 'Unlimited',
    })
  ).applicationId;
  await asDev('POST', `${DEV}/subscriptions`, {
    applicationId: ids.app,
    apiId: ids.docsApi,
    throttlingPolicy: 'Silver',
  });
}, 180_000);

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page)
    await screenshot(`failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 40)}`);
});
afterAll(async () => {
  await stack?.close();
});

describe.sequential('every object manageable in the console', { timeout: 60_000 }, () => {
  it('a publisher adds a Markdown document and reads it as developers will', async () => {
    await page.goto(stack.consoleUrl);
    await signIn(page, stack.consoleUrl, 'admin', TEST_ADMIN_PASSWORD);
    await page.goto(`${stack.consoleUrl}/publisher/apis/${ids.docsApi}/documents`);
    await shown(page.getByText('No documents yet'));
    await page.getByLabel('Name', { exact: true }).fill('Getting started');
    await page.getByLabel('Markdown').fill(MARKDOWN);
    await page.getByRole('button', { name: 'Add document' }).click();
    await shown(page.getByText('Document Getting started added.'));
    const preview = page.getByRole('region', { name: 'Getting started' });
    await shown(preview.getByRole('heading', { name: 'Welcome' }));
    expect(await preview.locator('strong').textContent()).toBe('Gold');
    await screenshot('publisher-documents');
  });

  it('deleting an API asks first, naming the effect; a subscribed one is refused with the count', async () => {
    await page.goto(`${stack.consoleUrl}/publisher/apis/${ids.doomedApi}/overview`);
    await page.getByRole('button', { name: 'Delete API' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete Doomed 1?' });
    await shown(dialog.getByText('Every gateway stops serving it at once'));
    await screenshot('delete-api-confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await stack.prisma.api.count({ where: { id: ids.doomedApi } })).toBe(1);
    await page.getByRole('button', { name: 'Delete API' }).click();
    await dialog.getByRole('button', { name: 'Delete API' }).click();
    await page.waitForURL(/\/publisher\/apis$/, { waitUntil: 'commit' });
    await shown(page.getByText('Doomed 1 deleted.'));
    expect(await stack.prisma.api.count({ where: { id: ids.doomedApi } })).toBe(0);

    await page.goto(`${stack.consoleUrl}/publisher/apis/${ids.docsApi}/overview`);
    await page.getByRole('button', { name: 'Delete API' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete API' }).click();
    await shown(page.getByRole('alert').filter({ hasText: '1 application is subscribed' }));
    expect(await stack.prisma.api.count({ where: { id: ids.docsApi } })).toBe(1);
    await signOut(page, stack.consoleUrl);
  });

  it('a developer reads the document in the developer portal, rendered and sanitised', async () => {
    await signIn(page, stack.consoleUrl, 'dev1', 'dev1-password');
    await page.goto(`${stack.consoleUrl}/devportal/apis/${ids.docsApi}/overview`);
    const documents = page.getByRole('region', { name: 'Documents' });
    await documents.getByText('Getting started').click();
    await shown(documents.getByRole('heading', { name: 'Welcome' }));
    expect(await documents.locator('.markdown strong').textContent()).toBe('Gold');
    // the HTML in the Markdown is not rendered, so its handler never ran
    expect(await documents.locator('.markdown img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __owned?: number }).__owned)).toBeUndefined();
    await screenshot('devportal-documents');
  });

  it('edits the application and asks for another tier, which waits for approval', async () => {
    await page.goto(`${stack.consoleUrl}/devportal/applications/${ids.app}/overview`);
    await page.getByLabel('Application name').fill('Travel app');
    await page.getByLabel('Application rate limit').selectOption('10PerMin');
    await page.getByRole('button', { name: 'Save application' }).click();
    await shown(page.getByRole('heading', { name: 'Travel app', level: 1 }));
    await shown(page.getByText('10PerMin'));
    await screenshot('application-edit');

    await page.getByRole('link', { name: 'Subscriptions' }).click();
    await page.getByLabel('New tier for Docs 1').selectOption('Gold');
    await page.getByRole('button', { name: 'Change tier' }).click();
    await shown(page.getByText('Gold requested: pending approval'));
    await screenshot('tier-change-pending');
    const sub = await stack.prisma.subscription.findFirstOrThrow({ where: { applicationId: ids.app } });
    expect(sub).toMatchObject({ throttlingPolicy: 'Silver', requestedThrottlingPolicy: 'Gold' });
  });

  it('lists the issued API keys and revokes one', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'Generate API key' }).click();
    const key = (await page.getByLabel('API key', { exact: true }).textContent())?.trim() ?? '';
    const issued = page.getByRole('table', { name: 'Issued production API keys' });
    await shown(issued.getByText(`…${key.slice(-4)}`));
    await screenshot('api-keys');
    await issued.getByRole('button', { name: `Revoke the key ending ${key.slice(-4)}` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
    await shown(page.getByText('No production API keys in use.'));
    expect(await stack.prisma.apiKey.count({ where: { applicationId: ids.app, revokedAt: null } })).toBe(0);
    await signOut(page, stack.consoleUrl);
  });

  it('the admin approves the tier change and finds the developer by email', async () => {
    await signIn(page, stack.consoleUrl, 'admin', TEST_ADMIN_PASSWORD);
    await page.goto(`${stack.consoleUrl}/admin/workflows`);
    await shown(page.getByRole('cell', { name: 'Subscription update' }));
    await page.getByRole('button', { name: 'Approve' }).click();
    await shown(page.getByText('The request was approved.'));
    const sub = await stack.prisma.subscription.findFirstOrThrow({ where: { applicationId: ids.app } });
    expect(sub).toMatchObject({ throttlingPolicy: 'Gold', requestedThrottlingPolicy: null });

    await page.goto(`${stack.consoleUrl}/admin/users`);
    await page.getByLabel('Find users').fill('example.org');
    await page.getByRole('button', { name: 'Search' }).click();
    const users = page.getByRole('table', { name: 'Users' });
    await shown(users.getByText('dev.one@example.org'));
    // the header row and dev1's
    expect(await users.getByRole('row').count()).toBe(2);
    await screenshot('admin-users-search');
  });

  it('the admin edits a subscription policy in place', async () => {
    await page.goto(`${stack.consoleUrl}/admin/policies/subscription`);
    await page.getByRole('button', { name: 'Edit Gold' }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Edit Gold' }) });
    expect(await form.getByLabel('Policy name').getAttribute('readonly')).not.toBeNull();
    await form.getByLabel('Requests', { exact: true }).fill('6000');
    await form.getByRole('button', { name: 'Save policy' }).click();
    await shown(page.getByText('Policy Gold saved'));
    await shown(page.getByRole('cell', { name: '6000 requests per minute' }));
    await screenshot('admin-policy-edit');
  });

  it('shows no errors in the browser console but the refused delete', () => {
    // the browser reports every answer of 400 and above; the refusal above is one, and expected
    const refusal = `status of 409 (Conflict) (${stack.consoleUrl}${PUB}/apis/${ids.docsApi})`;
    expect(stack.consoleErrors.filter((e) => !e.includes(refusal))).toEqual([]);
  });
});
