import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../test-support/stack.js';

let s: Stack;
let key: { clientId: string; clientSecret: string };

beforeAll(async () => {
  s = await startStack();
  const api = await s.fx.deployApi({
    context: '/scoped',
    backendUrl: s.backend.url,
    operations: [
      { verb: 'GET', target: '/read' },
      { verb: 'POST', target: '/write', scopes: ['apim:subscribe', 'apim:api_create'] },
    ],
  });
  const app = await s.fx.createApplication();
  await s.fx.subscribe(app.id, api.id);
  key = await s.newKey(app.id);
  await s.synced();
});

afterAll(async () => {
  await s?.close();
});

describe('scopes handler', () => {
  it('refuses a token without any of the resource scopes (403 900910)', async () => {
    const r = await s.call('/scoped/1.0.0/write', {
      method: 'POST',
      headers: { authorization: `Bearer ${await s.token(key)}` },
    });
    expect(r.status).toBe(403);
    expect(r.json.code).toBe('900910');
  });

  it('admits a token with one of them, and resources without scopes to any token', async () => {
    const scoped = await s.token(key, 'apim:subscribe');
    expect(
      (
        await s.call('/scoped/1.0.0/write', {
          method: 'POST',
          headers: { authorization: `Bearer ${scoped}` },
        })
      ).status,
    ).toBe(200);
    expect(
      (await s.call('/scoped/1.0.0/read', { headers: { authorization: `Bearer ${await s.token(key)}` } }))
        .status,
    ).toBe(200);
  });
});
