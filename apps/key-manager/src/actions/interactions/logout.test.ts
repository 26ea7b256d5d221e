import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { TEST_ADMIN_PASSWORD } from '@apim/testing';
import { ScriptedBrowser } from '../../test-helpers/browser.js';
import { discover, useKeyManager } from '../../test-helpers/index.js';

const CONSOLE = 'http://127.0.0.1:9443';
const f = useKeyManager({ consoleUrl: CONSOLE });

describe('logout', () => {
  const redirectUri = `${CONSOLE}/console/callback`;

  async function consoleAuthorization(config: oidc.Configuration) {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'st',
    });
    return { url: url.href, verifier };
  }

  /**
   * The sign-out page's form (oidc-provider's, with its anti-forgery field), submitted: by the user
   * when it asks, by itself (a script) when the application sent the user's ID token.
   */
  async function confirmLogout(browser: ScriptedBrowser, logoutUrl: string, asks: boolean) {
    const page = await browser.follow(logoutUrl);
    expect(page.status).toBe(200);
    expect(page.html.includes('Do you want to sign out?')).toBe(asks);
    expect(page.html.includes("document.getElementById('op.logoutForm').submit()")).toBe(!asks);
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(page.html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.html)?.[1];
    expect(action && xsrf).toBeTruthy();
    return browser.follow(new URL(action!, logoutUrl).toString(), { form: { xsrf: xsrf!, logout: 'yes' } });
  }

  it('ends the session: the next authorization asks for the password again', async () => {
    const config = await discover(f.km, 'apim-console');
    const browser = new ScriptedBrowser(redirectUri);
    expect(
      (await browser.login((await consoleAuthorization(config)).url, 'admin', TEST_ADMIN_PASSWORD)).callback,
    ).toBeDefined();
    // signed in: another authorization comes straight back with a code
    const again = await browser.follow((await consoleAuthorization(config)).url);
    expect(again.callback?.searchParams.get('code')).toBeTruthy();

    const done = await confirmLogout(browser, `${f.km.url}/oauth2/logout`, true);
    expect(done.status).toBe(200);
    expect(done.html).toContain('You have been signed out.');

    const after = await browser.follow((await consoleAuthorization(config)).url);
    expect(after.callback).toBeUndefined();
    expect(after.html).toContain('<h1>Sign in</h1>');
  });

  it('signs out without asking and returns to the registered post-logout URI with the state, given an ID token hint', async () => {
    const config = await discover(f.km, 'apim-console');
    const browser = new ScriptedBrowser(CONSOLE);
    const { url, verifier } = await consoleAuthorization(config);
    const { callback } = await browser.login(url, 'admin', TEST_ADMIN_PASSWORD);
    const tokens = await oidc.authorizationCodeGrant(config, callback!, {
      pkceCodeVerifier: verifier,
      expectedState: 'st',
    });
    const logoutUrl = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: `${CONSOLE}/console`,
      state: 'bye',
    });
    const done = await confirmLogout(browser, logoutUrl.href, false);
    expect(done.callback?.origin + done.callback!.pathname).toBe(`${CONSOLE}/console`);
    expect(done.callback?.searchParams.get('state')).toBe('bye');
    // an unregistered return address is refused, not followed
    const evil = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'https://evil.example.com/',
    });
    const refused = await browser.follow(evil.href);
    expect(refused.status).toBe(400);
    expect(refused.callback).toBeUndefined();
  });
});
