import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { useKeyManager } from '../test-helpers/index.js';
import { tokenRequests } from '../test-helpers/token-requests.js';

const f = useKeyManager();
const { client, token, passwordGrant } = tokenRequests(f);

describe('password grant', () => {
  it('issues user tokens to a client allowed it', async () => {
    const c = await client();
    const res = await passwordGrant(c, 'apim:subscribe apim:admin');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const claims = decodeJwt(res.body.access_token);
    expect(claims).toMatchObject({ sub: 'admin', client_id: c.clientId, aut: 'APPLICATION_USER' });
    expect(res.body.refresh_token).toBeTruthy();
  });

  it('is refused to a client not allowed it, even with the grant type listed', async () => {
    const c = await client({ allowPasswordGrant: false });
    const res = await passwordGrant(c);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('refuses wrong user credentials with invalid_grant', async () => {
    const c = await client();
    const res = await token(c, { grant_type: 'password', username: 'admin', password: 'nope' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('drops scopes wider than the user may have', async () => {
    await f.prisma.user.create({
      data: {
        username: 'creator1',
        passwordHash: await (await import('@apim/service')).hashPassword('creator-pass'),
        roles: { create: [{ roleName: 'creator' }] },
      },
    });
    const c = await client();
    const res = await token(c, {
      grant_type: 'password',
      username: 'creator1',
      password: 'creator-pass',
      scope: 'apim:api_create apim:api_publish apim:admin',
    });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('apim:api_create');
    expect(decodeJwt(res.body.access_token).scope).toBe('apim:api_create');
  });
});
