/**
 * Scopes in the publisher, in real Chromium: a pasted definition requiring a scope another API owns
 * is imported with a warning naming that API and the scope this API requires instead; the Scopes
 * tab lists it with the operations requiring it; a pasted definition with a YAML syntax error says
 * where; the Lifecycle tab offers no Publish on a published API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { TEST_ADMIN_PASSWORD } from '@apim/testing';
import { signIn } from './session.js';
import { startStack, type Stack } from './stack.js';

let stack: Stack;
const basic = `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`;

/** A document whose GET /things requires the scope things:read of an OAuth2 scheme, as pasted. */
const requiringThingsRead = (title: string) =>
  [
    'openapi: 3.0.3',
    `info: { title: ${title}, version: 1.0.0 }`,
    'components:',
    '  securitySchemes:',
    '    oauth:',
    '      type: oauth2',
    '      flows:',
    '        clientCredentials:',
    '          tokenUrl: https://idp.example/token',
    "          scopes: { 'things:read': read }",
    'paths:',
    '  /things:',
    '    get:',
    "      security: [{ oauth: ['things:read'] }]",
    "      responses: { '200': { description: ok } }",
    '',
  ].join('\n');

const shown = (l: Locator) => l.waitFor({ state: 'visible', timeout: 15_000 });

beforeAll(async () => {
  stack = await startStack();
  // another API owns things:read
  const form = new FormData();
  form.set('file', new Blob([requiringThingsRead('Things')]), 'things.yaml');
  form.set('additionalProperties', JSON.stringify({ name: 'Things', context: '/things', version: '1.0.0' }));
  const res = await fetch(`${stack.consoleUrl}/api/am/publisher/v4/apis/import-openapi`, {
    method: 'POST',
    headers: { authorization: basic },
    body: form,
  });
  expect(res.status).toBe(201);
  await stack.page.goto(stack.consoleUrl);
  await signIn(stack.page, stack.consoleUrl, 'admin', TEST_ADMIN_PASSWORD);
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

describe('scopes in the publisher', () => {
  it('a pasted definition with a YAML syntax error says where', async () => {
    const { page } = stack;
    await page.goto(`${stack.consoleUrl}/publisher/apis/import`);
    await page.getByLabel('Paste the definition').check();
    await page
      .getByRole('textbox', { name: 'OpenAPI definition' })
      .fill('openapi: 3.0.3\ninfo:\n  title: Bad\n   version: 1\npaths: {}\n');
    await page.getByRole('button', { name: 'Check definition' }).click();
    await shown(page.getByRole('alert').filter({ hasText: /cannot be imported.*\(4:\d+\)/ }));
  });

  it("imports a definition requiring another API's scope, naming that API and the scope required instead", async () => {
    const { page } = stack;
    await page.getByRole('textbox', { name: 'OpenAPI definition' }).fill(requiringThingsRead('Other Things'));
    await page.getByRole('button', { name: 'Check definition' }).click();
    await page.getByLabel('Context').fill('/other-things');
    await page.getByLabel('Backend endpoint').fill(stack.backend.url);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.waitForURL(/\/publisher\/apis\/[0-9a-f-]+\/overview$/, { waitUntil: 'commit' });
    const warning = page.getByRole('alert').filter({ hasText: 'scopes renamed' });
    await shown(warning);
    expect((await warning.textContent())?.replace(/\s+/g, ' ')).toContain(
      'things:read belongs to Things 1.0.0: this API requires other-things:things:read instead.',
    );
    await warning.getByRole('link', { name: 'Review the scopes and their roles' }).click();
    await page.waitForURL(/\/scopes$/, { waitUntil: 'commit' });
    const row = page.getByRole('row').filter({ hasText: 'other-things:things:read' });
    await shown(row);
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      'other-things:things:read',
      'read',
      'any role',
      'GET /things',
      'this API',
    ]);
  });

  it('offers no Publish on a published API', async () => {
    const { page } = stack;
    await page.getByRole('link', { name: 'Lifecycle' }).click();
    const actions = page.getByRole('group', { name: 'Lifecycle actions' });
    await actions.getByRole('button', { name: 'Publish' }).click();
    await shown(actions.getByRole('button', { name: 'Block' }));
    expect(await actions.getByRole('button').allTextContents()).not.toContain('Publish');
  });
});
