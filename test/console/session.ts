/** Signing in and out of the console in the browser tests, through the key manager's own pages. */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** Signs in through the key manager's login page (and its consent page, when it shows one). */
export async function signIn(page: Page, consoleUrl: string, username: string, password: string) {
  await page.getByRole('button', { name: 'Sign in' }).first().click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.origin === consoleUrl || u.pathname.includes('interaction'));
  const allow = page.getByRole('button', { name: 'Allow' });
  if (new URL(page.url()).origin !== consoleUrl && (await allow.count())) await allow.click();
  await page.waitForURL((u) => u.origin === consoleUrl && u.pathname !== '/callback', {
    waitUntil: 'commit',
  });
  expect((await page.getByLabel('Signed in as').textContent())?.trim()).toBe(username);
}

/** Signs out, answering the key manager when it asks to confirm. */
export async function signOut(page: Page, consoleUrl: string) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  // the console sends the browser to the key manager's end-session page: wait until it is there, or
  // the console's own page would be taken for the way back
  await page.waitForURL((u) => u.origin !== consoleUrl);
  const confirm = page.getByRole('button', { name: /yes|sign out|log ?out/i });
  await page.waitForLoadState('networkidle');
  if (new URL(page.url()).origin !== consoleUrl && (await confirm.count())) await confirm.first().click();
  await page.waitForURL((u) => u.origin === consoleUrl);
  await page.getByRole('button', { name: 'Sign in' }).first().waitFor({ state: 'visible' });
}
