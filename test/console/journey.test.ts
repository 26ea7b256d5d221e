/**
 * The console's whole journey in headless Chromium against the real apps: a publisher imports,
 * deploys and publishes Swagger Petstore v3; a subscriber signs up, creates an application, gets
 * keys, subscribes on Gold, gets a token and calls the API with try-it through the gateway; an
 * admin approves the subscription; analytics shows the calls. A screenshot of each page is kept
 * under test-artifacts/console/.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { selfSignedCertificate, TEST_ADMIN_PASSWORD } from '@apim/testing';
import { ARTIFACTS, PETSTORE, startStack, type Stack } from './stack.js';
import { signOut as signOutOf } from './session.js';

let stack: Stack;
let page: Page;
let shot = 0;

/**
 * Controls on the page without an accessible name, or taken out of the keyboard order: every
 * page the journey visits is checked (the console's pages only; the key manager's are its own).
 */
async function unlabelledControls(): Promise<string[]> {
  return page.evaluate(() => {
    // This runs in the page; the test's own type-check has no DOM library, hence the narrow types.
    interface Control {
      tagName: string;
      tabIndex: number;
      type?: string;
      textContent: string | null;
      outerHTML: string;
      labels?: { length: number } | null;
      getAttribute(name: string): string | null;
      hasAttribute(name: string): boolean;
      closest(selector: string): unknown;
    }
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<Control> } })
      .document;
    const bad: string[] = [];
    for (const el of doc.querySelectorAll('input, select, textarea, button, a[href], [role="tab"]')) {
      // Swagger UI's markup is axe's to judge (pages.test.ts): its arrow buttons are unfocusable on
      // purpose, duplicates of each operation's focusable summary, and it names buttons by title
      if (el.closest('[hidden], .swagger-ui') || el.type === 'hidden') continue;
      const named = el.tagName === 'BUTTON' || el.tagName === 'A' || el.getAttribute('role') === 'tab';
      const labelled =
        el.labels?.length ||
        el.getAttribute('aria-label') ||
        el.getAttribute('aria-labelledby') ||
        (named && el.textContent?.trim());
      if (!labelled) bad.push(el.outerHTML.slice(0, 120));
      if (el.tabIndex < 0 && !el.hasAttribute('disabled'))
        bad.push(`not keyboard reachable: ${el.outerHTML.slice(0, 120)}`);
    }
    return bad;
  });
}

async function screenshot(name: string): Promise<void> {
  if (new URL(page.url()).origin === stack.consoleUrl) expect(await unlabelledControls(), name).toEqual([]);
  shot++;
  await page.screenshot({
    path: path.join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

/** Waits until the locator's first match is visible (Playwright's own waiting, vitest's verdict). */
async function shown(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible' });
}

/** Signs in through the key manager's login page (and its consent page, when it shows one). */
async function signIn(username: string, password: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign in' }).first().click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await screenshot(`key-manager-login-${username}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.origin === stack.consoleUrl || u.pathname.includes('interaction'));
  const allow = page.getByRole('button', { name: 'Allow' });
  if (new URL(page.url()).origin !== stack.consoleUrl && (await allow.count())) await allow.click();
  await page.waitForURL((u) => u.origin === stack.consoleUrl && u.pathname !== '/callback', {
    waitUntil: 'commit',
  });
  expect((await page.getByLabel('Signed in as').textContent())?.trim()).toBe(username);
}

async function signOut(): Promise<void> {
  await signOutOf(page, stack.consoleUrl);
}

beforeAll(async () => {
  if (!existsSync(PETSTORE)) return;
  stack = await startStack();
  page = stack.page;
  page.setDefaultTimeout(15_000);
  await stack.createUser('publisher1', 'publisher1-password', ['publisher']);
}, 180_000);

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page)
    await screenshot(`failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 40)}`);
});

afterAll(async () => {
  await stack?.close();
});

// The journey imports the real Swagger Petstore v3 from the shared corpora; a clone without them
// beside it reports the journey skipped.
describe.skipIf(!existsSync(PETSTORE)).sequential('console journey', { timeout: 60_000 }, () => {
  it('a publisher signs in through the key manager with PKCE', async () => {
    await page.goto(stack.consoleUrl);
    await screenshot('start');
    await signIn('publisher1', 'publisher1-password');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publisher' }).click();
    await page.waitForURL(/\/publisher\/apis$/, { waitUntil: 'commit' });
    await shown(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publisher' }));
    expect(
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count(),
    ).toBe(0);
    await shown(page.getByText('No APIs yet'));
    await screenshot('publisher-apis-empty');
  });

  it('an invalid OpenAPI file shows its error and creates nothing', async () => {
    await page.getByRole('link', { name: 'Import OpenAPI' }).first().click();
    await page.getByLabel('OpenAPI file (JSON or YAML)').setInputFiles({
      name: 'broken.yaml',
      mimeType: 'application/yaml',
      buffer: Buffer.from('openapi: 3.0.0\ninfo:\n  title: Broken\n'),
    });
    await page.getByRole('button', { name: 'Check definition' }).click();
    await shown(page.getByRole('alert').filter({ hasText: 'cannot be imported' }));
    expect(await page.getByRole('button', { name: 'Import' }).count()).toBe(0);
    await screenshot('import-invalid');
    expect(await stack.prisma.api.count()).toBe(0);
  });

  it('imports Swagger Petstore v3 after a preview of its operations', async () => {
    await page.getByLabel('OpenAPI file (JSON or YAML)').setInputFiles(PETSTORE);
    await page.getByRole('button', { name: 'Check definition' }).click();
    const preview = page.getByRole('table', { name: 'Operations to be created' });
    await shown(preview);
    await shown(preview.getByText('/pet/{petId}').first());
    await page.getByLabel('Context').fill('/petstore');
    await page.getByLabel('Version').fill('1.0.0');
    await page.getByLabel('Backend endpoint').fill(stack.backend.url);
    await page.getByLabel(/^Gold/).check();
    await screenshot('import-preview');
    await page.getByRole('button', { name: 'Import' }).click();
    await page.waitForURL(/\/publisher\/apis\/[0-9a-f-]+\/overview$/, { waitUntil: 'commit' });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Swagger Petstore');
    await screenshot('api-overview');
    await page.getByRole('link', { name: 'Resources' }).click();
    await shown(page.getByRole('textbox', { name: 'URI template of GET /pet/{petId}' }));
    await screenshot('api-resources');
  });

  it('a duplicate context is shown on its field', async () => {
    await page.getByRole('link', { name: 'Create API' }).first().click();
    await page.getByLabel('Name', { exact: true }).fill('Another Petstore');
    await page.getByLabel('Context').fill('/petstore');
    await page.getByLabel('Version').fill('1.0.0');
    await page.getByLabel('Backend endpoint').fill(stack.backend.url);
    await page.getByRole('button', { name: 'Create' }).click();
    await shown(page.getByText('The context /petstore is already used by an API in version 1.0.0'));
    expect(await page.getByLabel('Context').getAttribute('aria-invalid')).toBe('true');
    await screenshot('create-duplicate-context');
    expect(await stack.prisma.api.count()).toBe(1);
  });

  it('deploys a revision to the gateway and publishes the API', async () => {
    await page.getByRole('link', { name: 'APIs', exact: true }).click();
    await page.getByRole('link', { name: 'Swagger Petstore - OpenAPI 3.0' }).click();
    // Petstore's operations name the OAuth scopes read:pets and write:pets: define them on the API
    // (open to every role) so that tokens can carry them.
    await page.getByRole('link', { name: 'Scopes', exact: true }).click();
    for (const scope of ['read:pets', 'write:pets']) {
      await page.getByLabel('Scope name').fill(scope);
      await page.getByRole('button', { name: 'Add scope' }).click();
    }
    await page.getByRole('button', { name: 'Save' }).click();
    await shown(page.getByText('Saved.'));
    await shown(page.getByRole('cell', { name: 'write:pets' }));
    await screenshot('api-scopes');
    // The developer portal's try-it calls the gateway from the console's origin.
    await page.getByRole('link', { name: 'Security & CORS' }).click();
    await page.getByLabel('Enable CORS').check();
    // Mutual TLS as well (optional: the OAuth2 token stays mandatory), with a partner's certificate.
    await page.getByLabel('Mutual TLS', { exact: true }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await shown(page.getByText('Saved.'));
    await page.getByLabel('Alias').fill('partner');
    await page.getByLabel('Key type').selectOption('SANDBOX');
    await page.getByLabel('Certificate file').setInputFiles({
      name: 'partner.crt',
      mimeType: 'application/x-x509-ca-cert',
      buffer: Buffer.from(selfSignedCertificate('partner').cert),
    });
    await page.getByRole('button', { name: 'Upload certificate' }).click();
    await shown(page.getByRole('cell', { name: 'CN=partner' }));
    await shown(page.getByRole('cell', { name: 'Sandbox' }));
    await screenshot('api-security-cors');
    // Response caching, with a timeout the REST API refuses first (shown on its field).
    await page.getByRole('link', { name: 'Runtime' }).click();
    await page.getByLabel('Response caching').check();
    await page.getByLabel('Cache timeout (seconds)').fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    await shown(page.getByText('Cache timeout must be at least 1'));
    await page.getByLabel('Cache timeout (seconds)').fill('60');
    await page.getByRole('button', { name: 'Save' }).click();
    await shown(page.getByText('Saved.'));
    await screenshot('api-runtime');
    await page.getByRole('link', { name: 'Revisions & deployments' }).click();
    await page.getByLabel('Revision description').fill('First cut');
    await page.getByRole('button', { name: 'Create revision' }).click();
    await page.getByRole('button', { name: 'Deploy Revision 1' }).click();
    await shown(page.getByRole('button', { name: 'Undeploy from Default' }));
    // a notification says what happened and what comes next
    const notifications = page.getByRole('status', { name: 'Notifications' });
    await shown(notifications.getByText('Revision 1 deployed to Default.'));
    await shown(notifications.getByRole('link', { name: 'Next: publish' }));
    await screenshot('api-deployments');
    expect(await page.title()).toBe('Swagger Petstore - OpenAPI 3.0 1.0.0 · Publisher · APIM');
    await notifications.getByRole('link', { name: 'Next: publish' }).click();
    await page.waitForURL(/\/lifecycle$/, { waitUntil: 'commit' });
    await page.getByRole('button', { name: 'Publish' }).click();
    await shown(page.getByText('Published', { exact: true }).first());
    await shown(page.getByRole('button', { name: 'Deprecate' }));
    await shown(notifications.getByRole('link', { name: 'Open in the developer portal' }));
    await screenshot('api-lifecycle-published');
    const published = { lifecycleStatus: 'PUBLISHED' as const };
    expect(await stack.prisma.api.count({ where: published })).toBe(1);

    // Block asks first, saying what it does; cancelling (Escape, or Cancel) leaves the API published.
    const block = page.getByRole('button', { name: 'Block' });
    await block.click();
    const dialog = page.getByRole('alertdialog', { name: /Block: Swagger Petstore/ });
    await shown(dialog);
    await shown(dialog.getByText('Every subscriber’s calls get 503 until the API is re-published.'));
    // focus starts on the safe button
    const focused = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } })
          .document.activeElement?.textContent,
    );
    expect(focused).toBe('Cancel');
    await screenshot('api-lifecycle-block-confirmation');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await block.click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await stack.prisma.api.count({ where: published })).toBe(1);
    // Confirming blocks it; Re-Publish (not disruptive: no question) opens it again.
    await block.click();
    await dialog.getByRole('button', { name: 'Block' }).click();
    await shown(page.getByText('Blocked', { exact: true }).first());
    expect(await stack.prisma.api.count({ where: { lifecycleStatus: 'BLOCKED' } })).toBe(1);
    await page.getByRole('button', { name: 'Re-Publish' }).click();
    await shown(page.getByText('Published', { exact: true }).first());
    expect(await stack.prisma.api.count({ where: published })).toBe(1);
    await signOut();
  });

  it('an admin makes new subscriptions wait for approval', async () => {
    await signIn('admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await shown(page.getByRole('heading', { name: 'Workflow approvals' }));
    await page.getByRole('link', { name: 'Subscription policies' }).click();
    await shown(page.getByRole('cell', { name: 'Gold' }));
    await screenshot('admin-subscription-policies');
    await page.getByRole('link', { name: 'Sign-up and approvals' }).click();
    await page.getByLabel('New subscriptions need approval').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await shown(page.getByText('Settings saved.'));
    await screenshot('admin-settings');
    await signOut();
  });

  it('a subscriber signs up, signs in, creates an application and subscribes on Gold', async () => {
    await page.getByRole('link', { name: 'Sign up' }).click();
    // Cancel on the key manager's sign-in page comes back where the user was, saying nothing went wrong
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Username').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL((u) => u.origin === stack.consoleUrl && u.pathname === '/devportal/sign-up');
    await shown(page.getByRole('heading', { name: 'Create an account' }));
    expect(await page.getByText('aborted').count()).toBe(0);

    await page.getByLabel('Username').fill('subscriber1');
    await page.getByLabel('E-mail').fill('subscriber1@example.com');
    await page.getByLabel('Password', { exact: true }).fill('subscriber1-password');
    await page.getByLabel('Repeat the password').fill('subscriber1-password');
    await screenshot('sign-up');
    await page.getByRole('button', { name: 'Create account' }).click();
    await shown(page.getByText('Welcome, subscriber1'));
    // the welcome's Sign in lands on the catalogue, not back on the sign-up form
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Username').fill('subscriber1');
    await page.getByLabel('Password').fill('subscriber1-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.origin === stack.consoleUrl && u.pathname === '/devportal/apis');
    expect((await page.getByLabel('Signed in as').textContent())?.trim()).toBe('subscriber1');
    await shown(page.getByRole('heading', { name: 'APIs' }));
    expect(
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publisher' }).count(),
    ).toBe(0);

    await page.getByRole('link', { name: 'Applications' }).click();
    await shown(page.getByText('You have no applications yet'));
    await page.getByLabel('Application name').fill('PetApp');
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.waitForURL(/\/devportal\/applications\/[0-9a-f-]+\/overview$/, { waitUntil: 'commit' });
    await screenshot('application-overview');

    await page.getByRole('link', { name: 'APIs', exact: true }).click();
    await page.getByRole('link', { name: /Swagger Petstore/ }).click();
    await page.getByLabel('Tier').selectOption('Gold');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await shown(page.getByText('waiting for an administrator’s approval'));
    await screenshot('devportal-api-subscribe');
    await page.getByRole('link', { name: 'Documentation' }).click();
    await shown(page.getByText('/pet/{petId}'));
    await screenshot('devportal-api-documentation');
    await signOut();
  });

  it('an admin approves the subscription', async () => {
    await signIn('admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await shown(page.getByRole('cell', { name: 'Subscription creation' }));
    await screenshot('admin-workflows');
    await page.getByRole('button', { name: 'Approve' }).click();
    await shown(page.getByText('The request was approved.'));
    await shown(page.getByText('No requests are waiting for approval.'));
    await signOut();
  });

  it('the subscriber generates keys and a token and calls the API with try-it through the gateway', async () => {
    await signIn('subscriber1', 'subscriber1-password');
    await page.getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('link', { name: 'PetApp' }).click();
    await page.getByRole('link', { name: 'Subscriptions' }).click();
    await shown(page.getByRole('cell', { name: 'Active', exact: true }));
    expect(await page.title()).toBe('PetApp · Developer portal · APIM');
    expect(await page.getByText('UNBLOCKED').count()).toBe(0);
    await page.getByRole('link', { name: 'Production keys' }).click();
    await page.getByRole('button', { name: 'Generate keys' }).click();
    await shown(page.getByLabel('Consumer secret', { exact: true }));
    await screenshot('application-keys');
    // Petstore's operations require its OAuth scopes (imported from the document's security).
    await page.getByLabel('Scopes').fill('read:pets write:pets');
    await page.getByRole('button', { name: 'Generate access token' }).click();
    await shown(page.getByLabel('Access token', { exact: true }));
    await screenshot('application-token');
    // An API key too (a validity the REST API would refuse is caught on the form, on its field);
    // try-it leaves it out, Petstore taking OAuth2 tokens only.
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Validity (seconds, -1: no expiry)').fill('0');
    await page.getByRole('button', { name: 'Generate API key' }).click();
    await shown(page.getByText('must be a whole number of seconds, or -1 for no expiry'));
    await page.getByLabel('Validity (seconds, -1: no expiry)').fill('3600');
    await page.getByRole('button', { name: 'Generate API key' }).click();
    await shown(page.getByLabel('API key', { exact: true }));
    await screenshot('application-api-key');

    await page.getByRole('link', { name: 'APIs', exact: true }).click();
    await page.getByRole('link', { name: /Swagger Petstore/ }).click();
    // try-it (Swagger UI) sends the token generated above, kept for this tab
    await page.getByRole('link', { name: 'Try it' }).click();
    await shown(page.getByLabel('Credential'));
    const getPet = page
      .locator('.opblock-get')
      .filter({ has: page.locator('[data-path="/pet/{petId}"]') })
      .first();
    await getPet.locator('.opblock-summary').click();
    await getPet.locator('input[placeholder="petId"]').fill('1');
    const callsBefore = stack.backend.calls();
    await getPet.getByRole('button', { name: 'Execute' }).click();
    const status = getPet.locator('.live-responses-table tbody .response-col_status').first();
    await shown(status);
    expect((await status.textContent())?.trim()).toBe('200');
    expect(
      await getPet.locator('.live-responses-table tbody .response-col_description').first().textContent(),
    ).toContain('doggie');
    expect(stack.backend.calls()).toBe(callsBefore + 1);
    expect(await getPet.locator('.curl-command').first().textContent()).toContain('Authorization: Bearer');
    await screenshot('devportal-try-it');
  });

  it('analytics shows those calls', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Developer portal' })
      .click();
    await signOut();
    await signIn('admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();
    // The page refreshes itself every few seconds: the gateways ship their counts in batches.
    const byApplication = page.getByRole('table', { name: 'By application: numbers' });
    await byApplication.getByRole('row', { name: /PetApp/ }).waitFor({ state: 'visible', timeout: 30_000 });
    // the try-it call succeeded: counted, and among the raw events only if sampled, which the page says
    expect(
      await byApplication
        .getByRole('row', { name: /PetApp/ })
        .getByRole('cell')
        .first()
        .textContent(),
    ).toBe('1');
    await shown(page.getByText(/successful ones are sampled \(1 % kept\)/));
    await screenshot('analytics');
  });

  it('shows no errors in the browser console', () => {
    expect(stack.consoleErrors).toEqual([]);
  });
});
