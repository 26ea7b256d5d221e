/**
 * The console's sign-in when the key manager locks it out, in headless Chromium against the real
 * apps (low thresholds: 2 per username, 4 per address). What really locks a person out of the
 * console, a public PKCE client with no secret to guess:
 * - wrong passwords for their username on the key manager's login page (the account's lock);
 * - their address locked at the token endpoint (too many failed client authentications from it,
 *   e.g. a misconfigured service behind the same NAT), which refuses the console's code exchange.
 * Both must say how long to wait, not "Failed to fetch".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startStack, type Stack } from './stack.js';

let stack: Stack;
let page: Page;

beforeAll(async () => {
  stack = await startStack({
    keyManagerEnv: {
      APIM_BRUTE_FORCE_MAX_FAILURES: '2',
      APIM_BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS: '4',
    },
  });
  page = stack.page;
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

/** From the console's home page to the key manager's login form, then one attempt. */
async function tryToSignIn(username: string, password: string): Promise<void> {
  if (!page.url().includes('/oauth2/interaction/')) {
    await page.goto(stack.consoleUrl);
    await page.getByRole('button', { name: 'Sign in' }).first().click();
  }
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('domcontentloaded');
}

describe('console sign-in lock-out', () => {
  it('tells a user who keeps mistyping their password how many seconds to wait', async () => {
    await stack.createUser('mistyper', 'the-right-password-1', ['subscriber']);
    for (let i = 0; i < 2; i++) {
      await tryToSignIn('mistyper', `wrong-${i}`);
      await page.getByText('Invalid username or password.').waitFor();
    }
    await tryToSignIn('mistyper', 'the-right-password-1');
    const message = page.getByText(/Too many failed sign-in attempts\. Try again in \d+ seconds\./);
    await message.waitFor();
    const seconds = Number(/in (\d+) seconds/.exec((await message.textContent()) ?? '')?.[1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(300);
    expect(new URL(page.url()).origin).toBe(stack.km.url);
  });

  it("shows the token endpoint's 429 during the code exchange as a wait, not a network error", async () => {
    await stack.createUser('neighbour', 'the-right-password-2', ['subscriber']);
    // Lock the address this browser shares with the test (127.0.0.1) at the token endpoint:
    // failed client authentications from it, as a broken service behind the same NAT would make.
    // The login page counts its own failures, so the sign-in itself still goes through.
    for (let i = 0; i < 4; i++) {
      const res = await fetch(stack.km.tokenEndpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`broken-service-${i}:wrong`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
      });
      expect(res.status).toBe(401);
    }

    await page.goto(stack.consoleUrl);
    await tryToSignIn('neighbour', 'the-right-password-2');
    await page.waitForURL((u) => u.origin === stack.consoleUrl && u.pathname === '/callback');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent())?.trim() ?? '';
    expect(text).toMatch(/^Too many attempts, retry in \d+ s$/);
    const seconds = Number(/in (\d+) s$/.exec(text)?.[1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(300);
    // and offers to start again
    await page.getByRole('region', { name: 'Signing in' }).getByRole('button', { name: 'Sign in' }).waitFor();
    expect(stack.consoleErrors.filter((e) => /Failed to fetch|CORS/i.test(e))).toEqual([]);
  });
});
