/**
 * The admin's Key Managers page in headless Chromium against the real apps and a real second
 * OpenID provider: a key manager without an audience is refused at the field, then added from its
 * discovery document with an introspection client, a registration token and a claim mapping; an
 * edit that leaves the secrets blank keeps them; deleting asks first and says what goes with it.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { KEY_MANAGER_SECRETS_PURPOSE } from '@apim/contracts';
import { decryptSecret, derivedKey } from '@apim/service';
import { startExternalIdp, TEST_ADMIN_PASSWORD, type ExternalIdp } from '@apim/testing';
import { ARTIFACTS, startStack, type Stack } from './stack.js';

let stack: Stack;
let idp: ExternalIdp;
let page: Page;

beforeAll(async () => {
  [stack, idp] = await Promise.all([startStack(), startExternalIdp({ audience: 'apim-gateways' })]);
  page = stack.page;
  page.setDefaultTimeout(15_000);
}, 180_000);

afterAll(async () => {
  await Promise.all([stack?.close(), idp?.close()]);
});

/** The admin REST API as the signed-in console calls it (the session's own token). */
async function admin(method: string, p: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = await page.evaluate(() => {
    const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } })
      .sessionStorage;
    return (JSON.parse(storage.getItem('apim.console.session') ?? '{}') as { accessToken?: string })
      .accessToken;
  });
  const res = await fetch(`${stack.consoleUrl}/api/am/admin/v4${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `key-managers-${name}.png`), fullPage: true });
}

describe.sequential('admin key managers page', { timeout: 60_000 }, () => {
  it('refuses a key manager without an audience at the field, then adds it from discovery', async () => {
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
    await page.goto(`${stack.consoleUrl}/admin/key-managers`);
    await page.getByText('No external key managers yet').waitFor();
    await page.getByRole('button', { name: 'Add key manager' }).click();

    await page.getByLabel('Name', { exact: true }).fill('partner-idp');
    await page.getByLabel('Display name').fill('Partner IdP');
    // the type's preset claims fill the claim fields
    await page.getByLabel('Type').selectOption({ label: 'Okta' });
    expect(await page.getByLabel('Consumer key claim').inputValue()).toBe('cid');
    expect(await page.getByLabel('Scopes claim').inputValue()).toBe('scp');
    await page.getByLabel('Type').selectOption({ label: 'Keycloak' });
    expect(await page.getByLabel('Consumer key claim').inputValue()).toBe('azp');
    expect(await page.getByLabel('Scopes claim').inputValue()).toBe('scope');
    await page.getByLabel('Discovery URL (well-known)').fill(idp.discoveryUrl);
    await page.getByLabel('Introspection client ID').fill(idp.introspectionClient.clientId);
    await page.getByLabel('Introspection client secret').fill(idp.introspectionClient.clientSecret);
    await page.getByLabel('Registration token (initial access token)').fill(idp.initialAccessToken);
    await page.getByRole('button', { name: 'Add claim mapping' }).click();
    await page.getByLabel('Remote claim 1').fill('email');
    await page.getByLabel('Local claim 1').fill('http://wso2.org/claims/emailaddress');

    await page.getByRole('button', { name: 'Add key manager' }).click();
    const audience = page.getByLabel('Audience', { exact: true });
    await page.locator('.has-error').getByText('is required').waitFor();
    expect(await audience.getAttribute('aria-invalid')).toBe('true');
    expect(await stack.prisma.trustedIssuer.count()).toBe(0);
    await shot('missing-audience');

    await audience.fill('apim-gateways');
    await page.getByRole('button', { name: 'Add key manager' }).click();
    await page.getByText('Key manager Partner IdP added.').waitFor();
    const row = page.getByRole('row').filter({ hasText: 'partner-idp' });
    await row.getByText('Yes (as gateway-introspection)').waitFor();
    await row.getByText('Yes (with a registration token)').waitFor();
    await shot('list');

    const list = await admin('GET', '/key-managers');
    const [km] = list.body.list as Record<string, unknown>[];
    expect(km).toMatchObject({
      name: 'partner-idp',
      type: 'Keycloak',
      issuer: idp.issuer,
      audience: 'apim-gateways',
      introspectionEndpoint: idp.introspectionEndpoint,
      introspectionClientId: idp.introspectionClient.clientId,
      clientRegistrationEndpoint: idp.registrationEndpoint,
      registrationTokenSet: true,
      claimMapping: [{ remoteClaim: 'email', localClaim: 'http://wso2.org/claims/emailaddress' }],
    });
  });

  it('edits it with the secrets left blank, which keeps them', async () => {
    const row = page.getByRole('row').filter({ hasText: 'partner-idp' });
    await row.getByRole('button', { name: 'Edit partner-idp' }).click();
    await page.getByRole('heading', { name: 'Edit Partner IdP' }).waitFor();
    const name = page.getByLabel('Name', { exact: true });
    expect(await name.inputValue()).toBe('partner-idp');
    expect(await name.getAttribute('readonly')).not.toBeNull();
    expect(await page.getByLabel('Introspection client secret').inputValue()).toBe('');
    await page.getByText('leave blank to keep the stored secret').waitFor();
    await page.getByText('leave blank to keep the stored token').waitFor();
    expect(await page.getByLabel('Local claim 1').inputValue()).toBe('http://wso2.org/claims/emailaddress');
    await page.getByLabel('Description').fill('Partners sign in here');
    await page.getByLabel('Scopes claim').fill('scp');
    await shot('edit');
    await page.getByRole('button', { name: 'Save key manager' }).click();
    await page.getByText('Key manager Partner IdP saved.').waitFor();

    const id = (await stack.prisma.trustedIssuer.findFirstOrThrow()).id;
    const { body } = await admin('GET', `/key-managers/${id}`);
    expect(body).toMatchObject({
      name: 'partner-idp',
      description: 'Partners sign in here',
      scopesClaim: 'scp',
      introspectionEndpoint: idp.introspectionEndpoint,
      introspectionClientId: idp.introspectionClient.clientId,
      registrationTokenSet: true,
      claimMapping: [{ remoteClaim: 'email', localClaim: 'http://wso2.org/claims/emailaddress' }],
    });
    // the stored secrets are the ones given at creation
    const stored = await stack.prisma.trustedIssuer.findUniqueOrThrow({ where: { id } });
    const key = derivedKey(stack.km.internalSecret, KEY_MANAGER_SECRETS_PURPOSE);
    expect(decryptSecret(key, stored.introspectionClientSecret!)).toBe(idp.introspectionClient.clientSecret);
    expect(decryptSecret(key, stored.registrationToken!)).toBe(idp.initialAccessToken);
  });

  it('deletes it after a confirmation that says its application keys go too', async () => {
    await page.getByRole('button', { name: 'Delete partner-idp' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    const question = (await dialog.textContent()) ?? '';
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No external key managers yet').waitFor();
    expect(question).toContain('Partner IdP');
    expect(question).toContain('application keys');
    expect(await stack.prisma.trustedIssuer.count()).toBe(0);
    expect((await admin('GET', '/key-managers')).body.count).toBe(0);
    expect(stack.consoleErrors).toEqual([]);
  });
});
