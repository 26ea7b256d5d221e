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

/**
 * Signs out in one step: the console sends the browser to the key manager's end-session page with
 * the user's ID token, which ends the session without asking and comes back to the console.
 */
export async function signOut(page: Page, consoleUrl: string) {
  // registered before the click: the key manager's page may be gone again before a later wait
  const left = page.waitForURL((u) => u.origin !== consoleUrl, { waitUntil: 'commit' });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await left;
  await page.waitForURL((u) => u.origin === consoleUrl);
  await page.getByRole('button', { name: 'Sign in' }).first().waitFor({ state: 'visible' });
}
