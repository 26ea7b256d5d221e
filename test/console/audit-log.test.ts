/**
 * The admin's Audit log page in headless Chromium against the real apps: changes made through the
 * admin REST API are listed with who made them, filtered by entity and user, and an entry opens to
 * the row's fields before and after: an update's changed field only, marked; a creation's whole row.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TEST_ADMIN_PASSWORD } from '@apim/testing';
import { signIn } from './session.js';
import { ARTIFACTS, startStack, type Stack } from './stack.js';

let stack: Stack;
let page: Page;

beforeAll(async () => {
  stack = await startStack();
  page = stack.page;
  page.setDefaultTimeout(15_000);
}, 180_000);

afterAll(async () => stack?.close());

/** The admin REST API with the admin's Basic credentials, as a script would call it. */
async function admin(method: string, p: string, json?: unknown) {
  const res = await fetch(`${stack.consoleUrl}/api/am/admin/v4${p}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`,
      ...(json ? { 'content-type': 'application/json' } : {}),
    },
    body: json ? JSON.stringify(json) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

describe.sequential('admin audit log page', { timeout: 90_000 }, () => {
  it('lists changes by entity and user, and shows an entry before and after', async () => {
    const created = await admin('POST', '/throttling/deny-policies', {
      conditionType: 'IP',
      conditionValue: '192.0.2.200',
    });
    expect(created.status).toBe(201);
    const id = created.body.conditionId as string;
    expect((await admin('PATCH', `/throttling/deny-policy/${id}`, { conditionStatus: false })).status).toBe(
      200,
    );

    await page.goto(stack.consoleUrl);
    await signIn(page, stack.consoleUrl, 'admin', TEST_ADMIN_PASSWORD);
    await page.goto(`${stack.consoleUrl}/admin`);
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();

    await page.getByLabel('Entity', { exact: true }).selectOption({ label: 'Deny policies' });
    await page.getByLabel('User').fill('admin');
    await page.getByRole('button', { name: 'Filter' }).click();
    const table = page.getByRole('table', { name: 'Audit log entries' });
    const rows = table.getByRole('row').filter({ hasText: id });
    await expect.poll(() => rows.count()).toBe(2);
    // newest first: the change, then the creation
    expect(await rows.nth(0).getByRole('cell').nth(3).textContent()).toBe('Changed');
    expect(await rows.nth(1).getByRole('cell').nth(3).textContent()).toBe('Created');
    expect(await rows.nth(0).getByRole('cell').nth(1).textContent()).toBe('admin');
    expect(await rows.nth(0).getByRole('cell').nth(2).textContent()).toBe('updateDenyPolicy');

    await rows.nth(0).getByRole('button', { name: 'Show change' }).click();
    const diff = page.getByRole('table', { name: /before and after/ });
    const enabled = diff.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^enabled/ }) });
    expect(await enabled.getByRole('rowheader').textContent()).toBe('enabled (changed)');
    expect(await enabled.getByRole('cell').nth(0).textContent()).toBe('true');
    expect(await enabled.getByRole('cell').nth(1).textContent()).toBe('false');
    // an update lists only what it changed
    const valueRow = (table: typeof diff) =>
      table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^condition_value/ }) });
    expect(await valueRow(diff).count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'audit-log-change.png'), fullPage: true });

    // the creation shows the whole new row, nothing marked
    await rows.nth(1).getByRole('button', { name: 'Show change' }).click();
    const creation = page.getByRole('table', { name: /before and after/ });
    await expect.poll(() => valueRow(creation).count()).toBe(1);
    expect(await valueRow(creation).getByRole('rowheader').textContent()).toBe('condition_value');
    expect(await valueRow(creation).getByRole('cell').nth(1).textContent()).toBe('"192.0.2.200"');

    await page.getByLabel('User').fill('nobody-at-all');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No change matches these filters.').waitFor();
    expect(stack.consoleErrors).toEqual([]);
  });
});
