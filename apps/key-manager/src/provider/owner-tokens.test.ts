/**
 * POST /internal/v1/clients/{clientId}/tokens: a client's token without its secret, for the
 * application's owner (the control plane checks the owner), from the real token endpoint.
 */
import { describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { CONSOLE_CLIENT_ID } from '../models/builtin-clients.js';
import { basicAuth, createApplicationFor, postForm, useKeyManager } from '../test-helpers/index.js';

const f = useKeyManager();

async function newClient(grantTypes = ['client_credentials']) {
  const res = await f.internal('POST', '/clients', {
    clientName: 'owner token',
    grantTypes,
    callbackUrl: 'https://app.example.com/cb',
    accessTokenTtl: 900,
  });
  expect(res.status).toBe(201);
  return res.body as { clientId: string; clientSecret: string };
}

describe('owner tokens (no consumer secret)', () => {
  it("issues the client's token with the requested scopes and validity, the application's claims in it", async () => {
    const { clientId } = await newClient();
    const app = await createApplicationFor(f.prisma, clientId, { keyType: 'SANDBOX' });
    const res = await f.internal('POST', `/clients/${clientId}/tokens`, {
      scopes: ['apim:subscribe'],
      validityPeriod: 120,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 120, scope: 'apim:subscribe' });
    const { payload } = await jwtVerify(res.body.access_token, createRemoteJWKSet(new URL(f.km.jwksUri)), {
      issuer: f.km.issuer,
      audience: 'apim-gateway',
    });
    expect(payload).toMatchObject({
      client_id: clientId,
      aut: 'APPLICATION',
      keytype: 'SANDBOX',
      scope: 'apim:subscribe',
      application: { id: app.id, owner: 'admin' },
    });
    expect(payload.exp! - payload.iat!).toBe(120);

    // no validity period: the client's own; a longer one than the client's: the client's
    expect((await f.internal('POST', `/clients/${clientId}/tokens`, {})).body.expires_in).toBe(900);
    expect(
      (await f.internal('POST', `/clients/${clientId}/tokens`, { validityPeriod: 99_999 })).body.expires_in,
    ).toBe(900);
  });

  it('leaves the one-time credential unusable afterwards and the real secret working', async () => {
    const { clientId, clientSecret } = await newClient();
    await createApplicationFor(f.prisma, clientId);
    expect((await f.internal('POST', `/clients/${clientId}/tokens`, {})).status).toBe(200);
    const withSecret = await postForm(
      f.km.tokenEndpoint,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth(clientId, clientSecret) },
    );
    expect(withSecret.status).toBe(200);
  });

  it('refuses bad requests, unknown and built-in clients, and a client without client_credentials', async () => {
    const { clientId } = await newClient();
    await createApplicationFor(f.prisma, clientId);
    const bad = await f.internal('POST', `/clients/${clientId}/tokens`, { scopes: 'apim:subscribe' });
    expect(bad.status).toBe(400);
    expect(bad.body.description).toMatch(/scopes must be an array/);
    expect((await f.internal('POST', `/clients/${clientId}/tokens`, { validityPeriod: 0 })).status).toBe(400);
    expect((await f.internal('POST', '/clients/no-such-client/tokens', {})).status).toBe(404);
    expect((await f.internal('POST', `/clients/${CONSOLE_CLIENT_ID}/tokens`, {})).status).toBe(409);

    const codeOnly = await newClient(['authorization_code']);
    const refused = await f.internal('POST', `/clients/${codeOnly.clientId}/tokens`, {});
    expect(refused.status).toBe(400);
    expect(refused.body.description).toMatch(/client_credentials|grant/i);

    const unauthenticated = await fetch(`${f.km.url}/internal/v1/clients/${clientId}/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unauthenticated.status).toBe(401);
  });
});
