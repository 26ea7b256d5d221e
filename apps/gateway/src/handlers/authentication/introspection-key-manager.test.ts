/**
 * Opaque tokens of the real key manager through a real gateway: only access tokens pass (a refresh
 * token has the same shape and is active at the key manager), strings that cannot be its tokens
 * never reach it, and introspection calls beyond the worker's rate are refused without a call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { GatewayApi } from '@apim/contracts';
import { TEST_ADMIN_PASSWORD, testRedisUrl } from '@apim/testing';
import { startStack, type Stack } from '../../test-support/stack.js';
import { startGateway, type StartedGateway } from '../../testing.js';
import { KEY_MANAGER_OPAQUE_TOKEN } from './introspection.js';

let s: Stack;
let api: GatewayApi;
let opaqueAppId: string;

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

/** A client allowed the password and refresh grants, mapped to the application. */
async function userClient(applicationId: string) {
  const res = await request(`${s.km.url}/internal/v1/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.km.internalSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      clientName: `user-${applicationId}`,
      grantTypes: ['password', 'refresh_token'],
      allowPasswordGrant: true,
    }),
  });
  expect(res.statusCode).toBe(201);
  const c = (await res.body.json()) as { clientId: string; clientSecret: string };
  await s.fx.mapKey(applicationId, 'PRODUCTION', c.clientId);
  return c;
}

/** An access token and a refresh token for the seeded admin. */
async function userTokens(c: { clientId: string; clientSecret: string }) {
  const res = await request(s.km.tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'password',
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
    }).toString(),
  });
  const body = (await res.body.json()) as { access_token: string; refresh_token: string };
  expect(res.statusCode).toBe(200);
  return body;
}

function counter(text: string, series: string): number {
  const escaped = series.replace(/[{}"=]/g, (c) => `\\${c}`);
  return Number(new RegExp(`^${escaped} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
}

async function introspectionCounts(gw: StartedGateway) {
  const text = await gw.app.metricsText();
  return {
    active: counter(text, 'apim_gateway_introspection_calls_total{result="active"}'),
    inactive: counter(text, 'apim_gateway_introspection_calls_total{result="inactive"}'),
    error: counter(text, 'apim_gateway_introspection_calls_total{result="error"}'),
    limited: counter(text, 'apim_gateway_introspection_limited_total'),
  };
}

beforeAll(async () => {
  s = await startStack();
  api = await s.fx.deployApi({ context: '/opaque', backendUrl: s.backend.url });
  const app = await s.fx.createApplication({ tokenType: 'OPAQUE' });
  opaqueAppId = app.id;
  await s.fx.subscribe(app.id, api.id);
  await s.synced();
});

afterAll(async () => {
  await s?.close();
});

describe('opaque tokens of the key manager', () => {
  it('admits an access token and refuses the refresh token that came with it (900901)', async () => {
    const c = await userClient(opaqueAppId);
    await s.synced();
    const tokens = await userTokens(c);
    // both have the key manager's opaque shape: only introspection tells them apart
    expect(tokens.access_token).toMatch(KEY_MANAGER_OPAQUE_TOKEN);
    expect(tokens.refresh_token).toMatch(KEY_MANAGER_OPAQUE_TOKEN);
    const ok = await s.call('/opaque/1.0.0/a', { headers: bearer(tokens.access_token) });
    expect(ok.status).toBe(200);
    const refused = await s.call('/opaque/1.0.0/a', { headers: bearer(tokens.refresh_token) });
    expect(refused.status).toBe(401);
    expect(refused.json.code).toBe('900901');
  });

  it('refuses the refresh token of a JWT application too', async () => {
    const app = await s.fx.createApplication();
    await s.fx.subscribe(app.id, api.id);
    const c = await userClient(app.id);
    await s.synced();
    const tokens = await userTokens(c);
    expect(tokens.access_token.split('.')).toHaveLength(3);
    expect((await s.call('/opaque/1.0.0/a', { headers: bearer(tokens.access_token) })).status).toBe(200);
    const refused = await s.call('/opaque/1.0.0/a', { headers: bearer(tokens.refresh_token) });
    expect(refused.json.code).toBe('900901');
  });

  it('refuses strings that cannot be its tokens without asking it', async () => {
    const before = await introspectionCounts(s.gw);
    for (const junk of ['not-a-token', 'x'.repeat(42), 'x'.repeat(44), 'x'.repeat(4000), 'a.b', 'a.b.c.d']) {
      const r = await s.call('/opaque/1.0.0/a', { headers: bearer(junk) });
      expect(r.status).toBe(401);
      expect(r.json.code).toBe('900901');
    }
    expect(await introspectionCounts(s.gw)).toEqual(before);
  });

  it('asks once about an unknown token of the right shape, then remembers the answer', async () => {
    const before = await introspectionCounts(s.gw);
    const madeUp = 'A'.repeat(43);
    for (let i = 0; i < 3; i++)
      expect((await s.call('/opaque/1.0.0/a', { headers: bearer(madeUp) })).json.code).toBe('900901');
    const after = await introspectionCounts(s.gw);
    expect(after.inactive - before.inactive).toBe(1);
  });

  it('tells the sender of an API key as a Bearer token which header takes it (900901)', async () => {
    const both = await s.fx.deployApi({
      context: '/both',
      backendUrl: s.backend.url,
      securitySchemes: ['oauth2', 'api_key'],
      apiKeyHeader: 'X-Key',
    });
    await s.fx.subscribe(opaqueAppId, both.id);
    await s.synced();
    const key = await s.apiKey(opaqueAppId);
    const r = await s.call('/both/1.0.0/a', { headers: bearer(key) });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({
      code: '900901',
      description: 'An API key is not an access token: send it in the "x-key" header',
    });
    expect((await s.call('/both/1.0.0/a', { headers: { 'x-key': key } })).status).toBe(200);
  });

  it('refuses opaque tokens without a call once the introspection rate is used up (503, Retry-After)', async () => {
    const limited = await startGateway({
      databaseUrl: s.db.url,
      redisUrl: testRedisUrl(),
      redisPrefix: s.redisPrefix,
      keyManagerUrl: s.km.url,
      internalSecret: s.km.internalSecret,
      env: { APIM_GATEWAY_INTROSPECTION_RATE: '1', APIM_GATEWAY_INTROSPECTION_BURST: '1' },
    });
    try {
      const app = await s.fx.createApplication({ tokenType: 'OPAQUE' });
      await s.fx.subscribe(app.id, api.id);
      const c = await userClient(app.id);
      await s.synced();
      for (let i = 0; i < 400 && limited.app.state.lastEventId < s.gw.app.state.lastEventId; i++)
        await new Promise((r) => setTimeout(r, 25));
      const { access_token } = await userTokens(c);
      const call = (token: string) =>
        request(`${limited.url}/opaque/1.0.0/a`, { headers: bearer(token) }).then(async (r) => ({
          status: r.statusCode,
          retryAfter: r.headers['retry-after'],
          json: (await r.body.json()) as Record<string, unknown>,
        }));
      // the burst (one call) goes to a good token; the next new token finds the bucket empty
      expect((await call(access_token)).status).toBe(200);
      const refused = await call('B'.repeat(43));
      expect(refused).toMatchObject({ status: 503, retryAfter: '1', json: { code: '900901' } });
      expect(refused.json.description).toBe('The access token cannot be verified now');
      // an answer the gateway has is still used
      expect((await call(access_token)).status).toBe(200);
      expect(await introspectionCounts(limited)).toEqual({ active: 1, inactive: 0, error: 0, limited: 1 });
    } finally {
      await limited.close();
    }
  });
});
