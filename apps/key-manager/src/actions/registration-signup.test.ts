import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { verifyPassword } from '@apim/service';
import { discover, postForm, useKeyManager, type Json } from '../test-helpers/index.js';

const f = useKeyManager();

function register(body: unknown, initialAccessToken?: string) {
  return fetch(`${f.km.url}/oauth2/register`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(initialAccessToken ? { authorization: `Bearer ${initialAccessToken}` } : {}),
    },
    body: JSON.stringify(body),
  });
}

describe('dynamic client registration (RFC 7591)', () => {
  it('needs an initial access token', async () => {
    const res = await register({ redirect_uris: ['https://dcr.example.com/cb'] });
    expect(res.status).toBe(401);
  });

  it('registers a client whose secret is stored hashed and works at once', async () => {
    const iat = await f.internal('POST', '/initial-access-tokens');
    expect(iat.status).toBe(201);
    const res = await register(
      {
        client_name: 'DCR app',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        apim_password_grant: true,
      },
      iat.body.initialAccessToken,
    );
    expect(res.status).toBe(201);
    const client: Json = await res.json();
    expect(client.client_secret).toBeTruthy();
    const row = await f.prisma.oAuthClient.findUniqueOrThrow({ where: { clientId: client.client_id } });
    expect(row.clientSecretHash).not.toBe(client.client_secret);
    expect(JSON.stringify(row.metadata)).not.toContain(client.client_secret);
    expect(row.allowPasswordGrant).toBe(false);
    const tokens = await oidc.clientCredentialsGrant(
      await discover(f.km, client.client_id, client.client_secret),
    );
    expect(tokens.access_token).toBeTruthy();
  });
});

describe('self sign-up', () => {
  it('creates a subscriber account with a hashed password', async () => {
    const page = await fetch(`${f.km.url}/signup`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<label for="username">');
    const res = await postForm(`${f.km.url}/signup`, {
      username: 'newdev',
      password: 'a-long-password',
      email: 'newdev@example.com',
      displayName: 'New Dev',
    });
    expect(res.status).toBe(201);
    const user = await f.prisma.user.findUniqueOrThrow({
      where: { username: 'newdev' },
      include: { roles: true },
    });
    expect(user.roles.map((r) => r.roleName)).toEqual(['subscriber']);
    expect(await verifyPassword('a-long-password', user.passwordHash)).toBe(true);
    // the audit log has the account and its role, as the key manager's sign-up from the caller
    const audited = await f.prisma.auditLog.findMany({
      where: { entityId: { in: [user.id, `${user.id}:subscriber`] } },
      orderBy: { id: 'asc' },
    });
    expect(audited.map((e) => [e.entityType, e.actorName, e.action, e.sourceIp])).toEqual([
      ['user_account', 'system:key-manager', 'signUp', '127.0.0.1'],
      ['user_role', 'system:key-manager', 'signUp', '127.0.0.1'],
    ]);
    expect(audited[0]!.details).toMatchObject({
      operation: 'INSERT',
      method: 'POST',
      path: '/signup',
      after: { username: 'newdev', password_hash: '[hidden]' },
    });

    const again = await postForm(`${f.km.url}/signup`, { username: 'newdev', password: 'another-password' });
    expect(again.status).toBe(409);
    const bad = await postForm(`${f.km.url}/signup`, { username: 'x', password: 'short' });
    expect(bad.status).toBe(400);
    expect(await f.prisma.user.count({ where: { username: 'x' } })).toBe(0);
  });

  it('is refused when switched off', async () => {
    await f.prisma.systemSetting.update({
      where: { key: 'selfSignUp' },
      data: { value: { enabled: false, roles: ['subscriber'] } },
    });
    const res = await postForm(`${f.km.url}/signup`, { username: 'late', password: 'a-long-password' });
    expect(res.status).toBe(403);
    expect((await fetch(`${f.km.url}/signup`)).status).toBe(403);
    expect(await f.prisma.user.count({ where: { username: 'late' } })).toBe(0);
  });
});
