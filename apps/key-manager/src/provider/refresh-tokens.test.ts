import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { useKeyManager } from '../test-helpers/index.js';
import { tokenRequests } from '../test-helpers/token-requests.js';

const f = useKeyManager();
const { client, token, passwordGrant, introspect } = tokenRequests(f);

describe('refresh tokens', () => {
  it('rotates refresh tokens, and a reused one revokes the whole grant', async () => {
    const c = await client();
    const first = await passwordGrant(c);
    const second = await token(c, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).toBeTruthy();
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(decodeJwt(second.body.access_token).sub).toBe('admin');

    const reuse = await token(c, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    // reuse detected: the newest refresh token is dead too, and the access tokens are revoked
    const third = await token(c, { grant_type: 'refresh_token', refresh_token: second.body.refresh_token });
    expect(third.body.error).toBe('invalid_grant');
    for (const at of [first.body.access_token, second.body.access_token]) {
      const jti = decodeJwt(at).jti!;
      expect(await f.prisma.revokedToken.findUnique({ where: { jti } })).not.toBeNull();
      expect((await introspect(at)).body).toEqual({ active: false });
    }
  });

  it('refuses a refresh token of another client', async () => {
    const a = await client();
    const b = await client();
    const issued = await passwordGrant(a);
    const res = await token(b, { grant_type: 'refresh_token', refresh_token: issued.body.refresh_token });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });
});
