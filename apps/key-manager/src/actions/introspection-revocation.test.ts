import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { opaqueTokenId } from '../models/revocations.js';
import { basicAuth, createApplicationFor, discover, postForm, useKeyManager } from '../test-helpers/index.js';
import { tokenRequests } from '../test-helpers/token-requests.js';

const f = useKeyManager();
const { client, token, passwordGrant, introspect } = tokenRequests(f);

/** A DPoP proof (RFC 9449) for a POST to the token endpoint, and the key's thumbprint. */
async function dpopKey() {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return {
    jkt: await calculateJwkThumbprint(jwk, 'sha256'),
    proof: () =>
      new SignJWT({ htm: 'POST', htu: f.km.tokenEndpoint, jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .setIssuedAt()
        .sign(privateKey),
  };
}

describe('introspection and revocation', () => {
  it('introspects a JWT with its claims, then inactive after revocation (event written)', async () => {
    const c = await client();
    await createApplicationFor(f.prisma, c.clientId, { keyType: 'PRODUCTION' });
    const config = await discover(f.km, c.clientId, c.clientSecret);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'apim:subscribe' });
    const active = await introspect(tokens.access_token);
    const claims = decodeJwt(tokens.access_token);
    expect(active.body).toMatchObject({
      ...claims,
      active: true,
      token_type: 'Bearer',
      token_use: 'access_token',
      aud: 'apim-gateway',
    });

    await oidc.tokenRevocation(config, tokens.access_token);
    expect((await introspect(tokens.access_token)).body).toEqual({ active: false });
    const events = await f.prisma.gatewayEvent.findMany({ where: { type: 'TOKEN_REVOKED' } });
    expect(events.map((e) => (e.payload as { jti: string }).jti)).toContain(claims.jti);
  });

  it('issues opaque tokens to OPAQUE applications; introspection carries the JWT claims', async () => {
    const c = await client();
    const app = await createApplicationFor(f.prisma, c.clientId, { tokenType: 'OPAQUE', keyType: 'SANDBOX' });
    const config = await discover(f.km, c.clientId, c.clientSecret);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'apim:subscribe' });
    expect(tokens.access_token.split('.')).toHaveLength(1);
    const stored = await f.prisma.oidcPayload.findMany({ where: { type: 'ClientCredentials' } });
    expect(JSON.stringify(stored)).not.toContain(tokens.access_token);

    const res = await introspect(tokens.access_token);
    expect(res.body).toMatchObject({
      active: true,
      iss: f.km.issuer,
      sub: c.clientId,
      client_id: c.clientId,
      azp: c.clientId,
      aud: 'apim-gateway',
      scope: 'apim:subscribe',
      aut: 'APPLICATION',
      keytype: 'SANDBOX',
      application: { id: app.id, name: app.name, owner: 'admin', tier: '50PerMin' },
      jti: opaqueTokenId(tokens.access_token),
      token_type: 'Bearer',
      token_use: 'access_token',
    });
    expect(res.body).not.toHaveProperty('cnf');
    expect(res.body.nbf).toBe(res.body.iat);

    await oidc.tokenRevocation(config, tokens.access_token);
    expect((await introspect(tokens.access_token)).body).toEqual({ active: false });
    const revoked = await f.prisma.revokedToken.findUnique({
      where: { jti: opaqueTokenId(tokens.access_token) },
    });
    expect(revoked).not.toBeNull();
  });

  it('lets a client introspect only its own tokens; the gateway client all', async () => {
    const a = await client();
    const b = await client();
    const issued = await token(a, { grant_type: 'client_credentials' });
    const byB = await postForm(
      `${f.km.url}/oauth2/introspect`,
      { token: issued.body.access_token },
      { authorization: basicAuth(b.clientId, b.clientSecret) },
    );
    expect(byB.body).toEqual({ active: false });
    const byA = await postForm(
      `${f.km.url}/oauth2/introspect`,
      { token: issued.body.access_token },
      { authorization: basicAuth(a.clientId, a.clientSecret) },
    );
    expect(byA.body.active).toBe(true);
    const refusedRevoke = await postForm(
      `${f.km.url}/oauth2/revoke`,
      { token: issued.body.access_token },
      { authorization: basicAuth(b.clientId, b.clientSecret) },
    );
    expect(refusedRevoke.status).toBe(400);
    expect((await introspect(issued.body.access_token)).body.active).toBe(true);
  });

  it('makes tokens issued before a client-wide revocation inactive', async () => {
    const c = await client();
    // issued in the same second as the revocation (iat is whole seconds): revoked all the same
    const issued = await token(c, { grant_type: 'client_credentials' });
    expect((await f.internal('POST', `/clients/${c.clientId}/revoke-tokens`)).status).toBe(204);
    expect((await introspect(issued.body.access_token)).body).toEqual({ active: false });
    // the answer comes once the cut-off has passed: a token asked for after it is valid
    const fresh = await token(c, { grant_type: 'client_credentials' });
    expect((await introspect(fresh.body.access_token)).body.active).toBe(true);
  });

  it('answers 200 to revoking an unknown or garbage token', async () => {
    const c = await client();
    for (const t of ['not-a-token', 'eyJhbGciOiJub25lIn0.eyJqdGkiOiJ4In0.']) {
      const res = await postForm(
        `${f.km.url}/oauth2/revoke`,
        { token: t },
        { authorization: basicAuth(c.clientId, c.clientSecret) },
      );
      expect(res.status).toBe(200);
    }
  });
});

describe('introspection tells what the token is', () => {
  it('answers the gateways inactive for a refresh token, and its own client with token_use', async () => {
    const c = await client();
    await createApplicationFor(f.prisma, c.clientId, { tokenType: 'OPAQUE' });
    const issued = await passwordGrant(c);
    expect(issued.body.refresh_token).toBeTruthy();

    // what a gateway would otherwise have let through as an opaque access token
    expect((await introspect(issued.body.refresh_token)).body).toEqual({ active: false });
    const hinted = await postForm(
      `${f.km.url}/oauth2/introspect`,
      { token: issued.body.refresh_token, token_type_hint: 'access_token' },
      { authorization: basicAuth('apim-gateway', f.km.internalSecret) },
    );
    expect(hinted.body).toEqual({ active: false });

    const own = await introspect(issued.body.refresh_token, c);
    expect(own.body).toMatchObject({
      active: true,
      client_id: c.clientId,
      sub: 'admin',
      token_use: 'refresh_token',
      token_type: 'urn:ietf:params:oauth:token-type:refresh_token',
    });

    // the access token of the same grant is one, for the gateways and for its client
    for (const as of [undefined, c]) {
      const access = await introspect(issued.body.access_token, as);
      expect(access.body).toMatchObject({
        active: true,
        token_type: 'Bearer',
        token_use: 'access_token',
        aud: 'apim-gateway',
      });
    }
  });

  it('answers the gateways inactive for an API key, which is not an access token', async () => {
    const c = await client();
    const app = await createApplicationFor(f.prisma, c.clientId);
    const key = await f.internal('POST', '/api-keys', {
      applicationId: app.id,
      keyType: 'PRODUCTION',
      validityPeriod: 3600,
    });
    expect(key.status).toBe(201);
    expect((await introspect(key.body.apikey)).body).toEqual({ active: false });
  });

  it('tells a DPoP-bound opaque access token by token_type DPoP and cnf.jkt', async () => {
    const c = await client();
    await createApplicationFor(f.prisma, c.clientId, { tokenType: 'OPAQUE' });
    const key = await dpopKey();
    const issued = await postForm(
      f.km.tokenEndpoint,
      { grant_type: 'client_credentials', scope: 'apim:subscribe' },
      { authorization: basicAuth(c.clientId, c.clientSecret), dpop: await key.proof() },
    );
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    expect(issued.body.token_type).toBe('DPoP');

    const res = await introspect(issued.body.access_token);
    expect(res.body).toMatchObject({
      active: true,
      token_type: 'DPoP',
      token_use: 'access_token',
      aud: 'apim-gateway',
      cnf: { jkt: key.jkt },
    });
  });

  it('tells a DPoP-bound JWT access token the same way', async () => {
    const c = await client();
    const key = await dpopKey();
    const issued = await postForm(
      f.km.tokenEndpoint,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth(c.clientId, c.clientSecret), dpop: await key.proof() },
    );
    expect(issued.body.token_type).toBe('DPoP');
    expect(decodeJwt(issued.body.access_token).cnf).toEqual({ jkt: key.jkt });

    const res = await introspect(issued.body.access_token);
    expect(res.body).toMatchObject({
      active: true,
      token_type: 'DPoP',
      token_use: 'access_token',
      aud: 'apim-gateway',
      cnf: { jkt: key.jkt },
    });
  });
});
