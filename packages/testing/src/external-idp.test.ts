import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExternalIdp, type ExternalIdp } from './external-idp.js';

describe('external OpenID provider fixture (Keycloak-like)', () => {
  let idp: ExternalIdp;
  beforeAll(async () => {
    idp = await startExternalIdp({ audience: 'orders-api' });
  });
  afterAll(() => idp.close());

  it('publishes discovery with its own endpoints', async () => {
    const doc = (await (await fetch(idp.discoveryUrl)).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: idp.issuer,
      jwks_uri: idp.jwksUri,
      token_endpoint: idp.tokenEndpoint,
      introspection_endpoint: idp.introspectionEndpoint,
      registration_endpoint: idp.registrationEndpoint,
    });
  });

  it('registers clients only with the initial access token', async () => {
    const res = await fetch(idp.registrationEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }),
    });
    expect(res.status).toBe(401);
  });

  it('issues JWT access tokens naming the client in azp, and opaque ones it introspects', async () => {
    const client = await idp.registerClient();
    const claims = decodeJwt(await idp.token(client, { scope: 'read' }));
    expect(claims).toMatchObject({ iss: idp.issuer, aud: 'orders-api', azp: client.clientId, scope: 'read' });
    expect(claims.client_id).toBeUndefined();

    const opaque = await idp.token(client, { opaque: true });
    expect(opaque.split('.')).toHaveLength(1);
    const { clientId, clientSecret } = idp.introspectionClient;
    const res = await fetch(idp.introspectionEndpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: opaque }),
    });
    expect(await res.json()).toMatchObject({ active: true, client_id: client.clientId, aud: 'orders-api' });
  });
});
