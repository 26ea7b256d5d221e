import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { readGatewayEventsAfter } from '@apim/db';
import pg from 'pg';
import {
  basicAuth,
  createApplicationFor,
  discover,
  getJson,
  postForm,
  useKeyManager,
} from '../test-helpers/index.js';

const f = useKeyManager();

async function events(type: string) {
  const client = new pg.Client({ connectionString: f.db.url });
  await client.connect();
  try {
    return (await readGatewayEventsAfter(client, 0n)).filter((e) => e.type === type);
  } finally {
    await client.end();
  }
}

async function tokenStatus(clientId: string, secret: string) {
  return (
    await postForm(
      f.km.tokenEndpoint,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth(clientId, secret) },
    )
  ).status;
}

describe('internal client API', () => {
  it('refuses callers without the internal secret', async () => {
    const none = await fetch(`${f.km.url}/internal/v1/clients/x`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 401, message: 'Unauthorized' });
    const wrong = await fetch(`${f.km.url}/internal/v1/clients/x`, {
      headers: { authorization: 'Bearer not-the-internal-secret-but-long-enough-1234' },
    });
    expect(wrong.status).toBe(401);
  });

  it('creates, reads, updates and deletes a client', async () => {
    const created = await f.internal('POST', '/clients', {
      clientName: 'PizzaApp PRODUCTION',
      grantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
      callbackUrl: 'https://pizza.example.com/cb',
      accessTokenTtl: 900,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      grantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
      callbackUrl: 'https://pizza.example.com/cb',
      accessTokenTtl: 900,
    });
    const { clientId, clientSecret } = created.body;
    expect(clientId).toMatch(/^[A-Za-z0-9]{28}$/);
    expect(clientSecret.length).toBeGreaterThanOrEqual(43);

    const stored = await f.prisma.oAuthClient.findUniqueOrThrow({ where: { clientId } });
    expect(stored.clientSecretHash).not.toBe(clientSecret);
    expect(JSON.stringify(stored.metadata)).not.toContain(clientSecret);

    const read = await f.internal('GET', `/clients/${clientId}`);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('clientSecret');
    expect(read.body).toMatchObject({ clientId, clientName: 'PizzaApp PRODUCTION', accessTokenTtl: 900 });

    const patched = await f.internal('PATCH', `/clients/${clientId}`, {
      grantTypes: ['client_credentials'],
      accessTokenTtl: 60,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ grantTypes: ['client_credentials'], accessTokenTtl: 60 });
    const tokens = await oidc.clientCredentialsGrant(await discover(f.km, clientId, clientSecret));
    expect(tokens.expires_in).toBe(60);

    const deleted = await f.internal('DELETE', `/clients/${clientId}`);
    expect(deleted.status).toBe(204);
    expect((await f.internal('GET', `/clients/${clientId}`)).status).toBe(404);
    expect(await tokenStatus(clientId, clientSecret)).toBe(401);
    const revoked = await events('CLIENT_TOKENS_REVOKED');
    expect(revoked.map((e) => (e.payload as { clientId: string }).clientId)).toContain(clientId);
  });

  it('answers bad input with a clear 400 and stores nothing', async () => {
    const before = await f.prisma.oAuthClient.count();
    const cases = [
      { clientName: '', grantTypes: ['client_credentials'] },
      { clientName: 'x', grantTypes: ['implicit'] },
      { clientName: 'x', grantTypes: [] },
      { clientName: 'x', grantTypes: ['client_credentials'], accessTokenTtl: -5 },
      { clientName: 'x', grantTypes: ['client_credentials'], callbackUrl: 'not a url' },
      { clientName: 'x', grantTypes: ['authorization_code'] },
      { clientName: 'x', grantTypes: ['client_credentials'], extra: 1 },
      'just a string',
    ];
    for (const body of cases) {
      const res = await f.internal('POST', '/clients', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ code: 400, message: 'Bad Request' });
      expect(res.body.description).toBeTruthy();
    }
    const malformed = await fetch(`${f.km.url}/internal/v1/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.km.internalSecret}`, 'content-type': 'application/json' },
      body: '{"clientName":',
    });
    expect(malformed.status).toBe(400);
    expect(await f.prisma.oAuthClient.count()).toBe(before);
  });

  it('regenerates the secret: the old one stops at once and earlier tokens are revoked', async () => {
    const { body } = await f.internal('POST', '/clients', {
      clientName: 'regen',
      grantTypes: ['client_credentials'],
    });
    const old = body.clientSecret;
    expect(await tokenStatus(body.clientId, old)).toBe(200);
    const regen = await f.internal('POST', `/clients/${body.clientId}/regenerate-secret`);
    expect(regen.status).toBe(200);
    expect(regen.body.clientId).toBe(body.clientId);
    expect(regen.body.clientSecret).not.toBe(old);
    expect(await tokenStatus(body.clientId, old)).toBe(401);
    expect(await tokenStatus(body.clientId, regen.body.clientSecret)).toBe(200);
    const revoked = await events('CLIENT_TOKENS_REVOKED');
    expect(revoked.some((e) => (e.payload as { clientId: string }).clientId === body.clientId)).toBe(true);
  });

  it('revokes all tokens of a client', async () => {
    const { body } = await f.internal('POST', '/clients', {
      clientName: 'rt',
      grantTypes: ['client_credentials'],
    });
    const revokedAt = Date.now();
    const res = await f.internal('POST', `/clients/${body.clientId}/revoke-tokens`);
    expect(res.status).toBe(204);
    const row = await f.prisma.revokedClient.findUniqueOrThrow({ where: { clientId: body.clientId } });
    // iat is whole seconds: the cut-off is the next whole second, so no earlier token survives
    expect(row.revokedBefore.getTime() % 1000).toBe(0);
    expect(row.revokedBefore.getTime()).toBeGreaterThan(revokedAt);
    expect((await f.internal('POST', '/clients/nope/revoke-tokens')).status).toBe(404);
  });

  it('protects the built-in clients', async () => {
    expect((await f.internal('DELETE', '/clients/apim-console')).status).toBe(409);
    expect((await f.internal('POST', '/clients/apim-gateway/regenerate-secret')).status).toBe(409);
  });

  it('issues API keys signed with the token keys, and revokes them', async () => {
    const { body } = await f.internal('POST', '/clients', {
      clientName: 'ak',
      grantTypes: ['client_credentials'],
    });
    const app = await createApplicationFor(f.prisma, body.clientId, { tier: 'Unlimited' });
    const res = await f.internal('POST', '/api-keys', {
      applicationId: app.id,
      keyType: 'PRODUCTION',
      validityPeriod: 3600,
      permittedIps: ['127.0.0.1', '10.0.0.0/8'],
      permittedReferers: ['https://shop.example.com/*'],
    });
    expect(res.status).toBe(201);
    const jwks = createLocalJWKSet(await getJson(f.km.jwksUri));
    const { payload } = await jwtVerify(res.body.apikey, jwks, { issuer: f.km.issuer });
    expect(payload).toMatchObject({
      sub: 'admin',
      jti: res.body.jti,
      keytype: 'PRODUCTION',
      token_type: 'apiKey',
      permittedIP: '127.0.0.1,10.0.0.0/8',
      permittedReferer: 'https://shop.example.com/*',
      application: { id: app.id, name: app.name, owner: 'admin', tier: 'Unlimited' },
    });
    expect(new Date(res.body.expiresAt).getTime()).toBe(payload.exp! * 1000);

    const forever = await f.internal('POST', '/api-keys', {
      applicationId: app.id,
      keyType: 'SANDBOX',
      validityPeriod: -1,
    });
    expect(forever.body.expiresAt).toBeNull();
    expect((await jwtVerify(forever.body.apikey, jwks)).payload).not.toHaveProperty('exp');

    const revoke = await f.internal('POST', '/tokens/revoke', {
      jti: res.body.jti,
      expiresAt: res.body.expiresAt,
    });
    expect(revoke.status).toBe(204);
    const revokedEvents = await events('TOKEN_REVOKED');
    expect(revokedEvents.map((e) => (e.payload as { jti: string }).jti)).toContain(res.body.jti);

    expect(
      (await f.internal('POST', '/api-keys', { applicationId: app.id, keyType: 'X', validityPeriod: 1 }))
        .status,
    ).toBe(400);
    expect(
      (
        await f.internal('POST', '/api-keys', {
          applicationId: '00000000-0000-0000-0000-000000000000',
          keyType: 'PRODUCTION',
          validityPeriod: 1,
        })
      ).status,
    ).toBe(404);
  });
});
