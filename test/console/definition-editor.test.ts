/**
 * The publisher's definition editor and the OpenAPI linter (issue 13), in headless Chromium against
 * the real apps: the import's check lists Spectral's warnings and the import goes ahead; in the
 * Definition tab an invalid edit is marked at its line and listed, then a valid edit is reviewed as
 * a diff and saved, and the API's operations follow it. Screenshots in test-artifacts/console/.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { TEST_ADMIN_PASSWORD } from '@apim/testing';
import { signIn } from './session.js';
import { ARTIFACTS, startStack, type Stack } from './stack.js';

/** Valid, with a tag its operations use but the document does not declare: a linter warning. */
const DEFINITION = `openapi: 3.0.3
info:
  title: Kennel
  version: 1.0.0
paths:
  /dogs:
    get:
      tags: [dogs]
      operationId: listDogs
      responses:
        '200':
          description: OK
`;

let stack: Stack;
let page: Page;

const shot = (name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `definition-${name}.png`), fullPage: true });
const shown = (locator: Locator) => locator.first().waitFor({ state: 'visible' });

/** The API's saved definition, as the Definition tab loads it. */
async function savedYaml(): Promise<string> {
  const { id } = await stack.prisma.api.findFirstOrThrow();
  const res = await fetch(`${stack.consoleUrl}/api/am/publisher/v4/apis/${id}/swagger?format=yaml`, {
    headers: { authorization: `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}` },
  });
  expect(res.status).toBe(200);
  return res.text();
}

/** Replaces the editor's whole text as a paste would (no auto-indentation). */
async function replaceText(editor: Locator, text: string) {
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

beforeAll(async () => {
  stack = await startStack();
  page = stack.page;
  page.setDefaultTimeout(15_000);
  await stack.createUser('publisher1', 'publisher1-password', ['publisher']);
}, 180_000);

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page)
    await shot(`failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 40)}`);
});

afterAll(async () => stack?.close());

describe.sequential('definition editor', { timeout: 60_000 }, () => {
  it("lists the linter's warnings when a definition is checked, and imports it", async () => {
    await page.goto(stack.consoleUrl);
    await signIn(page, stack.consoleUrl, 'publisher1', 'publisher1-password');
    await page.goto(`${stack.consoleUrl}/publisher/apis/import`);
    await page.getByLabel('Paste the definition').check();
    await page.getByRole('textbox', { name: 'OpenAPI definition' }).fill(DEFINITION);
    await page.getByRole('button', { name: 'Check definition' }).click();
    const findings = page.getByRole('region', { name: /Linter findings/ });
    await shown(findings);
    await shown(findings.getByText('Operation tags must be defined in global tags.'));
    await shown(findings.getByRole('cell', { name: 'operation-tag-defined' }));
    // line 8, column 14 of the pasted text: where the undeclared tag is
    await shown(findings.getByRole('cell', { name: '8:14' }));
    await page.getByLabel('Context').fill('/kennel');
    await page.getByLabel('Backend endpoint').fill(stack.backend.url);
    await shot('import-lint');
    await page.getByRole('button', { name: 'Import' }).click();
    await page.waitForURL(/\/publisher\/apis\/[0-9a-f-]+\/overview$/, { waitUntil: 'commit' });
    expect(await stack.prisma.api.count()).toBe(1);
  });

  it('marks an invalid edit at its line and lists it', async () => {
    await page.getByRole('link', { name: 'Definition', exact: true }).click();
    const editor = page.getByRole('textbox', { name: 'OpenAPI definition' });
    await shown(editor);
    const saved = await savedYaml();
    expect(saved).toContain('/dogs');
    await replaceText(editor, saved.replace('description: OK', 'descriptio: OK'));
    await shown(page.getByText(/The definition is invalid/));
    // the marker in the text, and the finding in the list with its position
    await shown(page.locator('.cm-lintRange-error'));
    const findings = page.getByRole('region', { name: /Linter findings/ });
    await shown(findings.getByRole('cell', { name: 'oas3-schema' }));
    await shown(findings.getByRole('button', { name: /^Go to line \d+/ }));
    await shot('editor-invalid');
  });

  it('saves a valid edit after a diff, and the operations follow it', async () => {
    const editor = page.getByRole('textbox', { name: 'OpenAPI definition' });
    const text = await savedYaml();
    const owners = `  /owners:
    get:
      operationId: listOwners
      responses:
        '200':
          description: OK
`;
    await replaceText(editor, text.replace('paths:\n', `paths:\n${owners}`));
    await shown(page.getByText('Valid definition.'));
    await page.getByRole('button', { name: 'Review changes' }).click();
    const diff = page.getByRole('textbox', { name: 'Changes to the OpenAPI definition' });
    await shown(diff);
    await shown(diff.getByText('/owners:'));
    await shown(page.getByText('(1 changed place)'));
    await shot('editor-diff');
    await page.getByRole('button', { name: 'Save definition' }).click();
    await shown(page.getByText(/Definition saved/));
    // back in the editor, now on the saved definition
    await shown(page.getByRole('button', { name: 'Review changes', disabled: true }));
    const api = await stack.prisma.api.findFirstOrThrow({ include: { operations: true } });
    expect(api.operations.map((o) => `${o.verb} ${o.target}`).sort()).toEqual(['GET /dogs', 'GET /owners']);
    expect(stack.consoleErrors).toEqual([]);
  });

  it('shows why a save is refused', async () => {
    const editor = page.getByRole('textbox', { name: 'OpenAPI definition' });
    const text = await savedYaml();
    await replaceText(editor, text.replace('description: OK', 'descriptio: OK'));
    await shown(page.getByText(/The definition is invalid/));
    await page.getByRole('button', { name: 'Review changes' }).click();
    await shown(page.getByText('The definition has errors: the control plane will refuse it.'));
    await page.getByRole('button', { name: 'Save definition' }).click();
    await shown(page.getByRole('alert').filter({ hasText: 'The definition was not saved.' }));
    await shown(page.getByText(/The OpenAPI document is invalid/));
    await shot('editor-refused');
    const api = await stack.prisma.api.findFirstOrThrow({ include: { operations: true } });
    expect(api.operations).toHaveLength(2);
  });
});
