/**
 * Basic auth (APIs whose security schemes include basic_auth): user credentials are checked at the
 * real key manager's /internal/v1/users/verify, never in the database by the gateway, and a success
 * is reused briefly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApi } from '@apim/contracts';
import { hashPassword } from '@apim/service';
import { startStack, type Stack } from '../../test-support/stack.js';

let s: Stack;
let basicApi: GatewayApi;
let mixedApi: GatewayApi;
let scopedApi: GatewayApi;

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

async function createUser(username: string, password: string, role = 'subscriber') {
  await s.fx.prisma.user.create({
    data: {
      username,
      passwordHash: await hashPassword(password),
      roles: { create: [{ roleName: role }] },
    },
  });
}

beforeAll(async () => {
  s = await startStack();
  basicApi = await s.fx.deployApi({
    context: '/basic',
    backendUrl: s.backend.url,
    securitySchemes: ['basic_auth'],
  });
  mixedApi = await s.fx.deployApi({
    context: '/mixed',
    backendUrl: s.backend.url,
    securitySchemes: ['oauth2', 'basic_auth'],
  });
  scopedApi = await s.fx.deployApi({
    context: '/basicscoped',
    backendUrl: s.backend.url,
    securitySchemes: ['basic_auth'],
    operations: [
      { verb: 'GET', target: '/open', scopes: ['basicscoped:read'] },
      { verb: 'POST', target: '/write', scopes: ['basicscoped:write'] },
    ],
    scopes: [
      { name: 'basicscoped:read', roles: [] },
      { name: 'basicscoped:write', roles: ['creator', 'publisher'] },
    ],
  });
  await createUser('carol', 'carol-password-1');
  await createUser('dave', 'dave-password-1');
  await createUser('erin', 'erin-password-1', 'creator');
  await s.synced();
});

afterAll(async () => {
  await s?.close();
});

describe('Basic auth', () => {
  it('admits a user with the right password, without a subscription, and never forwards the credentials', async () => {
    const r = await s.call(`${basicApi.context}/1.0.0/things`, {
      headers: basic('carol', 'carol-password-1'),
    });
    expect(r.status).toBe(200);
    const seen = r.json.headers as Record<string, string>;
    expect(seen.authorization).toBeUndefined();
    expect(r.text).not.toContain('carol-password-1');
  });

  it('refuses a wrong password, an unknown user and malformed credentials with 900901', async () => {
    for (const headers of [
      basic('carol', 'wrong-password'),
      basic('nobody', 'carol-password-1'),
      basic('', 'x'),
      { authorization: 'Basic !!!' },
      { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` },
      { authorization: 'Bearer abc.def.ghi' },
    ]) {
      const r = await s.call(`${basicApi.context}/1.0.0/things`, { headers });
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.json.code).toBe('900901');
      expect(r.text).not.toContain('carol-password-1');
    }
    const none = await s.call(`${basicApi.context}/1.0.0/things`);
    expect(none.status).toBe(401);
    expect(none.json.code).toBe('900902');
  });

  it('reuses a successful check instead of asking the key manager on every request', async () => {
    const headers = basic('dave', 'dave-password-1');
    expect((await s.call(`${basicApi.context}/1.0.0/a`, { headers })).status).toBe(200);
    // the key manager would now refuse it: the gateway's cached success still admits it
    await s.fx.prisma.user.update({
      where: { username: 'dave' },
      data: { passwordHash: await hashPassword('dave-password-2') },
    });
    expect((await s.call(`${basicApi.context}/1.0.0/a`, { headers })).status).toBe(200);
    // other credentials are checked afresh
    expect(
      (await s.call(`${basicApi.context}/1.0.0/a`, { headers: basic('dave', 'dave-password-2') })).status,
    ).toBe(200);
    expect(
      (await s.call(`${basicApi.context}/1.0.0/a`, { headers: basic('dave', 'dave-password-3') })).status,
    ).toBe(401);
  });

  it('takes a bearer token or Basic credentials on an API that allows both', async () => {
    expect(
      (await s.call(`${mixedApi.context}/1.0.0/a`, { headers: basic('carol', 'carol-password-1') })).status,
    ).toBe(200);
    const app = await s.fx.createApplication();
    await s.fx.subscribe(app.id, mixedApi.id);
    const key = await s.newKey(app.id);
    await s.synced();
    const token = await s.token(key);
    expect(
      (await s.call(`${mixedApi.context}/1.0.0/a`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    const wrong = await s.call(`${mixedApi.context}/1.0.0/a`, { headers: { authorization: 'Digest x' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json.description).toContain('"Basic <credentials>"');
  });

  it('gives a Basic caller the scopes bound to one of its roles, and those bound to none', async () => {
    const write = (user: string, password: string) =>
      s.call(`${scopedApi.context}/1.0.0/write`, { method: 'POST', headers: basic(user, password) });
    expect((await write('erin', 'erin-password-1')).status).toBe(200);
    const refused = await write('carol', 'carol-password-1');
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe('900910');
    expect(refused.json.description).toMatch(/no role bound to a scope/);
    expect(
      (await s.call(`${scopedApi.context}/1.0.0/open`, { headers: basic('carol', 'carol-password-1') }))
        .status,
    ).toBe(200);
  });
});
