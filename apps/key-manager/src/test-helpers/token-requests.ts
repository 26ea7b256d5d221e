/** Token requests of this app's tests: clients from the internal API, the token endpoint, introspection. */
import { expect } from 'vitest';
import { TEST_ADMIN_PASSWORD } from '@apim/testing';
import { basicAuth, postForm, type KeyManagerFixture } from './index.js';

export interface TestClient {
  clientId: string;
  clientSecret: string;
}

/** Requests against the fixture's key manager (read when called, so after its beforeAll). */
export function tokenRequests(f: KeyManagerFixture) {
  async function client(options: Record<string, unknown> = {}) {
    const res = await f.internal('POST', '/clients', {
      clientName: 'tokens',
      grantTypes: ['password', 'refresh_token', 'client_credentials'],
      allowPasswordGrant: true,
      ...options,
    });
    expect(res.status).toBe(201);
    return res.body as TestClient;
  }

  function token(c: TestClient, form: Record<string, string>) {
    return postForm(f.km.tokenEndpoint, form, { authorization: basicAuth(c.clientId, c.clientSecret) });
  }

  function passwordGrant(c: TestClient, scope = 'apim:subscribe') {
    return token(c, { grant_type: 'password', username: 'admin', password: TEST_ADMIN_PASSWORD, scope });
  }

  /** Introspection as the gateways' client, or as `as` (a client asking about its own tokens). */
  function introspect(tokenValue: string, as?: TestClient) {
    return postForm(
      `${f.km.url}/oauth2/introspect`,
      { token: tokenValue },
      {
        authorization: as
          ? basicAuth(as.clientId, as.clientSecret)
          : basicAuth('apim-gateway', f.km.internalSecret),
      },
    );
  }

  return { client, token, passwordGrant, introspect };
}
