import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { TEST_ADMIN_PASSWORD } from '@apim/testing';
import { createApplicationFor, useKeyManager } from '../test-helpers/index.js';
import { tokenRequests } from '../test-helpers/token-requests.js';

const f = useKeyManager();
const { client, token, introspect } = tokenRequests(f);

describe('validity_period at the token endpoint', () => {
  const lifetime = (accessToken: string) => {
    const { exp, iat } = decodeJwt(accessToken);
    return exp! - iat!;
  };

  it("shortens a token to the period asked for, never beyond the client's validity time", async () => {
    const c = await client({ accessTokenTtl: 600 });
    const short = await token(c, { grant_type: 'client_credentials', validity_period: '120' });
    expect(short.status, JSON.stringify(short.body)).toBe(200);
    expect(short.body.expires_in).toBe(120);
    expect(lifetime(short.body.access_token)).toBe(120);

    const long = await token(c, { grant_type: 'client_credentials', validity_period: '7200' });
    expect(long.body.expires_in).toBe(600);
    expect(lifetime(long.body.access_token)).toBe(600);

    const byDefault = await token(c, { grant_type: 'client_credentials', validity_period: '-1' });
    expect(byDefault.body.expires_in).toBe(600);
  });

  it('applies to user tokens of the password grant, not to their refresh tokens', async () => {
    const c = await client({ accessTokenTtl: 600 });
    const res = await token(c, {
      grant_type: 'password',
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
      validity_period: '300',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.expires_in).toBe(300);
    expect(lifetime(res.body.access_token)).toBe(300);
    const refreshed = await token(c, { grant_type: 'refresh_token', refresh_token: res.body.refresh_token });
    expect(refreshed.body.expires_in).toBe(600);
  });

  it('applies to opaque tokens: introspection tells the shorter expiry', async () => {
    const c = await client({ accessTokenTtl: 600 });
    await createApplicationFor(f.prisma, c.clientId, { tokenType: 'OPAQUE' });
    const res = await token(c, { grant_type: 'client_credentials', validity_period: '90' });
    expect(res.body.expires_in).toBe(90);
    const info = await introspect(res.body.access_token);
    expect(info.body.exp - info.body.iat).toBe(90);
  });

  it('refuses a period that is not a whole number of seconds above 0, or -1', async () => {
    const c = await client();
    for (const validity_period of ['0', '-5', '1.5', '60s', '']) {
      const res = await token(c, { grant_type: 'client_credentials', validity_period });
      expect(res.status, validity_period).toBe(400);
      expect(res.body).toEqual({
        error: 'invalid_request',
        error_description:
          "validity_period must be a whole number of seconds above 0, or -1 for the client's validity time",
      });
    }
  });
});
