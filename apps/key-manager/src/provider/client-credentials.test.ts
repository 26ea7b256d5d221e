import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  basicAuth,
  createApplicationFor,
  discover,
  getJson,
  postForm,
  useKeyManager,
} from '../test-helpers/index.js';

const f = useKeyManager();

async function newClient(grantTypes = ['client_credentials']) {
  const res = await f.internal('POST', '/clients', {
    clientName: 'cc test',
    grantTypes,
    callbackUrl: 'https://app.example.com/cb',
  });
  expect(res.status).toBe(201);
  return res.body as { clientId: string; clientSecret: string };
}

describe('client_credentials', () => {
  it('publishes discovery at the issuer with WSO2 paths', async () => {
    const doc = await getJson(`${f.km.url}/.well-known/openid-configuration`);
    expect(doc.issuer).toBe(f.km.issuer);
    expect(doc.token_endpoint).toBe(`${f.km.url}/oauth2/token`);
    expect(doc.jwks_uri).toBe(`${f.km.url}/oauth2/jwks`);
    expect(doc.introspection_endpoint).toBe(`${f.km.url}/oauth2/introspect`);
    expect(doc.revocation_endpoint).toBe(`${f.km.url}/oauth2/revoke`);
    expect(doc.userinfo_endpoint).toBe(`${f.km.url}/oauth2/userinfo`);
    expect(doc.end_session_endpoint).toBe(`${f.km.url}/oauth2/logout`);
    expect(doc.authorization_endpoint).toBe(`${f.km.url}/oauth2/authorize`);
  });

  it('issues a JWT that verifies against the JWKS, with the application claims', async () => {
    const { clientId, clientSecret } = await newClient();
    const app = await createApplicationFor(f.prisma, clientId, { tier: '20PerMin', keyType: 'SANDBOX' });
    const config = await discover(f.km, clientId, clientSecret);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'apim:subscribe' });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBe(3600);

    const jwks = createRemoteJWKSet(new URL(f.km.jwksUri));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: f.km.issuer,
      audience: 'apim-gateway',
    });
    expect(protectedHeader.kid).toBeTruthy();
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      sub: clientId,
      client_id: clientId,
      azp: clientId,
      aut: 'APPLICATION',
      keytype: 'SANDBOX',
      scope: 'apim:subscribe',
      application: { id: app.id, name: app.name, owner: 'admin', tier: '20PerMin' },
    });
    expect(typeof payload.jti).toBe('string');
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('leaves out application claims for a client without an application key', async () => {
    const { clientId, clientSecret } = await newClient();
    const tokens = await oidc.clientCredentialsGrant(await discover(f.km, clientId, clientSecret));
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(f.km.jwksUri)));
    expect(payload.client_id).toBe(clientId);
    expect(payload.aut).toBe('APPLICATION');
    expect(payload).not.toHaveProperty('keytype');
    expect(payload).not.toHaveProperty('application');
  });

  it('uses the token validity set on the client', async () => {
    const res = await f.internal('POST', '/clients', {
      clientName: 'short',
      grantTypes: ['client_credentials'],
      accessTokenTtl: 120,
    });
    const tokens = await oidc.clientCredentialsGrant(
      await discover(f.km, res.body.clientId, res.body.clientSecret),
    );
    expect(tokens.expires_in).toBe(120);
  });

  it('drops scopes the application owner may not have', async () => {
    await f.prisma.user.create({
      data: { username: 'sub-only', passwordHash: 'x', roles: { create: [{ roleName: 'subscriber' }] } },
    });
    const { clientId, clientSecret } = await newClient();
    await createApplicationFor(f.prisma, clientId, { owner: 'sub-only' });
    const tokens = await oidc.clientCredentialsGrant(await discover(f.km, clientId, clientSecret), {
      scope: 'apim:subscribe apim:admin',
    });
    expect(tokens.scope).toBe('apim:subscribe');
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(f.km.jwksUri)));
    expect(payload.scope).toBe('apim:subscribe');
  });

  it('answers a wrong secret and an unknown client with the same 401 invalid_client', async () => {
    const { clientId } = await newClient();
    const wrong = await postForm(
      f.km.tokenEndpoint,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth(clientId, 'not-the-secret') },
    );
    const unknown = await postForm(
      f.km.tokenEndpoint,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('no-such-client', 'whatever') },
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error).toBe('invalid_client');
  });

  it('sends Cache-Control: no-store with tokens', async () => {
    const { clientId, clientSecret } = await newClient();
    const res = await postForm(
      f.km.tokenEndpoint,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth(clientId, clientSecret) },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a grant type the client was not given', async () => {
    const { clientId, clientSecret } = await newClient(['authorization_code', 'refresh_token']);
    const res = await postForm(
      f.km.tokenEndpoint,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth(clientId, clientSecret) },
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/invalid_request|unauthorized_client/);
  });

  it('publishes only public keys', async () => {
    const { keys } = await getJson(f.km.jwksUri);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) {
      expect(k).not.toHaveProperty('d');
      expect(k.kid).toBeTruthy();
    }
    const { clientId, clientSecret } = await newClient();
    const tokens = await oidc.clientCredentialsGrant(await discover(f.km, clientId, clientSecret));
    expect(keys.map((k: { kid: string }) => k.kid)).toContain(decodeProtectedHeader(tokens.access_token).kid);
  });
});
