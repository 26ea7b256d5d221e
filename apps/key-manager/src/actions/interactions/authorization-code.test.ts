import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { TEST_ADMIN_PASSWORD } from '@apim/testing';
import { ScriptedBrowser } from '../../test-helpers/browser.js';
import { basicAuth, discover, postForm, useKeyManager } from '../../test-helpers/index.js';

const CONSOLE = 'http://127.0.0.1:9443';
const f = useKeyManager({ consoleUrl: CONSOLE });
const CALLBACK = 'https://app.example.com/callback';

async function confidentialClient(grantTypes = ['authorization_code', 'refresh_token']) {
  const res = await f.internal('POST', '/clients', {
    clientName: 'Web App',
    grantTypes,
    callbackUrl: CALLBACK,
  });
  return res.body as { clientId: string; clientSecret: string };
}

async function authorize(
  config: oidc.Configuration,
  params: Record<string, string>,
  login: { username?: string; password?: string } = {},
) {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: 's1',
    ...params,
  });
  const browser = new ScriptedBrowser(params.redirect_uri ?? CALLBACK);
  const result = await browser.login(
    url.href,
    login.username ?? 'admin',
    login.password ?? TEST_ADMIN_PASSWORD,
  );
  return { callback: result.callback, verifier, result, browser };
}

describe('authorization code + PKCE', () => {
  it('logs a user in through the console (public client), with gateway JWT and ID token', async () => {
    const config = await discover(f.km, 'apim-console');
    const verifier = oidc.randomPKCECodeVerifier();
    const redirectUri = `${CONSOLE}/console/callback`;
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid apim:api_create apim:admin',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'xyz',
    });
    const browser = new ScriptedBrowser(redirectUri);
    const { callback } = await browser.login(url.href, 'admin', TEST_ADMIN_PASSWORD);
    expect(callback).toBeDefined();
    const tokens = await oidc.authorizationCodeGrant(config, callback!, {
      pkceCodeVerifier: verifier,
      expectedState: 'xyz',
    });
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(f.km.jwksUri)), {
      issuer: f.km.issuer,
      audience: 'apim-gateway',
    });
    expect(payload).toMatchObject({ sub: 'admin', client_id: 'apim-console', aut: 'APPLICATION_USER' });
    expect((payload.scope as string).split(' ').sort()).toEqual(['apim:admin', 'apim:api_create']);
    expect(tokens.claims()?.sub).toBe('admin');
    expect(tokens.refresh_token).toBeTruthy();

    // refresh with rotation: a new refresh token each time, the old one no longer accepted
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const again = await jwtVerify(refreshed.access_token, createRemoteJWKSet(new URL(f.km.jwksUri)), {
      issuer: f.km.issuer,
      audience: 'apim-gateway',
    });
    expect(again.payload).toMatchObject({ sub: 'admin', client_id: 'apim-console' });
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('shows the consent page to a third-party client and grants only the user’s scopes', async () => {
    await f.prisma.user.create({
      data: {
        username: 'dev1',
        passwordHash: await (await import('@apim/service')).hashPassword('dev1-password'),
        roles: { create: [{ roleName: 'subscriber' }] },
      },
    });
    const { clientId, clientSecret } = await confidentialClient();
    const config = await discover(f.km, clientId, clientSecret);
    const { callback, verifier, result } = await authorize(
      config,
      { scope: 'openid apim:subscribe apim:api_publish' },
      { username: 'dev1', password: 'dev1-password' },
    );
    expect(result.callback).toBeDefined();
    const tokens = await oidc.authorizationCodeGrant(config, callback!, {
      pkceCodeVerifier: verifier,
      expectedState: 's1',
    });
    const claims = decodeJwt(tokens.access_token);
    expect(claims.scope).toBe('apim:subscribe');
    expect(claims.sub).toBe('dev1');
  });

  it('refuses a public client without PKCE', async () => {
    const url = new URL(`${f.km.url}/oauth2/authorize`);
    url.search = new URLSearchParams({
      client_id: 'apim-console',
      response_type: 'code',
      redirect_uri: `${CONSOLE}/callback`,
      scope: 'openid',
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${CONSOLE}/callback`);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/i);
  });

  it('refuses a redirect_uri that is not an exact match, without redirecting', async () => {
    const { clientId } = await confidentialClient();
    for (const redirect of [`${CALLBACK}/x`, `${CALLBACK}?a=1`, 'https://evil.example.com/callback']) {
      const url = new URL(`${f.km.url}/oauth2/authorize`);
      url.search = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: redirect,
        scope: 'openid',
      }).toString();
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('invalid_redirect_uri');
    }
  });

  it('revokes the tokens of a grant whose code is used twice', async () => {
    const { clientId, clientSecret } = await confidentialClient();
    const config = await discover(f.km, clientId, clientSecret);
    const { callback, verifier } = await authorize(config, { scope: 'openid apim:subscribe' });
    const code = callback!.searchParams.get('code')!;
    const first = await postForm(
      f.km.tokenEndpoint,
      { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier },
      { authorization: basicAuth(clientId, clientSecret) },
    );
    expect(first.status).toBe(200);
    const again = await postForm(
      f.km.tokenEndpoint,
      { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier },
      { authorization: basicAuth(clientId, clientSecret) },
    );
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    // the first exchange's tokens are revoked: the JWT's id reaches the gateways, the refresh token is gone
    const jti = decodeJwt(first.body.access_token).jti!;
    expect(await f.prisma.revokedToken.findUnique({ where: { jti } })).not.toBeNull();
    const refresh = await postForm(
      f.km.tokenEndpoint,
      { grant_type: 'refresh_token', refresh_token: first.body.refresh_token },
      { authorization: basicAuth(clientId, clientSecret) },
    );
    expect(refresh.body.error).toBe('invalid_grant');
  });

  it('gets an opaque userinfo token for an OpenID-only login, and userinfo answers', async () => {
    const { clientId, clientSecret } = await confidentialClient();
    const config = await discover(f.km, clientId, clientSecret);
    const { callback, verifier } = await authorize(config, { scope: 'openid profile' });
    const tokens = await oidc.authorizationCodeGrant(config, callback!, {
      pkceCodeVerifier: verifier,
      expectedState: 's1',
    });
    expect(tokens.access_token.split('.').length).not.toBe(3);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, 'admin');
    expect(info).toMatchObject({ sub: 'admin', preferred_username: 'admin', name: 'Administrator' });
  });

  it('answers a wrong password with the login page again and 401', async () => {
    const { clientId, clientSecret } = await confidentialClient();
    const config = await discover(f.km, clientId, clientSecret);
    const { result } = await authorize(config, { scope: 'openid' }, { password: 'wrong-password' });
    expect(result.callback).toBeUndefined();
    expect(result.status).toBe(401);
    expect(result.html).toContain('Invalid username or password');
  });
});
