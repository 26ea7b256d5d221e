/** Authentication with credentials from the real key manager: JWTs, opaque tokens, API keys. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@apim/testing';
import { Client, request } from 'undici';
import type { GatewayApi, GatewayApplication } from '@apim/contracts';
import { startStack, type Stack } from '../../test-support/stack.js';
import { startTokenIssuer } from '../../test-support/token-issuer.js';

let s: Stack;
let oauthApi: GatewayApi;
let keyApi: GatewayApi;
let app: GatewayApplication;

beforeAll(async () => {
  s = await startStack();
  oauthApi = await s.fx.deployApi({
    context: '/oauth',
    endpointConfig: {
      endpoint_type: 'http',
      production_endpoints: { url: `${s.backend.url}/prod` },
      sandbox_endpoints: { url: `${s.backend.url}/sandbox` },
    },
  });
  keyApi = await s.fx.deployApi({
    context: '/keyed',
    backendUrl: s.backend.url,
    securitySchemes: ['api_key'],
    apiKeyHeader: 'X-Key',
  });
  app = await s.fx.createApplication();
  await s.fx.subscribe(app.id, oauthApi.id);
  await s.fx.subscribe(app.id, keyApi.id);
  await s.synced();
});

afterAll(async () => {
  await s?.close();
});

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('authentication handler', () => {
  it('admits a key manager JWT and routes by its key type', async () => {
    const prod = await s.newKey(app.id, 'PRODUCTION');
    const sandbox = await s.newKey(app.id, 'SANDBOX');
    await s.synced();
    const p = await s.call('/oauth/1.0.0/a', { headers: bearer(await s.token(prod)) });
    expect(p.status).toBe(200);
    expect(p.json.url).toBe('/prod/a');
    const sb = await s.call('/oauth/1.0.0/a', { headers: bearer(await s.token(sandbox)) });
    expect(sb.status).toBe(200);
    expect(sb.json.url).toBe('/sandbox/a');
  });

  it('checks every request of a keep-alive connection: a token revoked, another token, a tampered one', async () => {
    const caller = await s.fx.createApplication();
    await s.fx.subscribe(caller.id, oauthApi.id);
    const key = await s.newKey(caller.id);
    await s.synced();
    const [first, second] = [await s.token(key), await s.token(key)];
    const client = new Client(s.gw.url, { pipelining: 1, connections: 1 } as Client.Options);
    const call = async (authorization: string) => {
      const r = await client.request({ path: '/oauth/1.0.0/a', method: 'GET', headers: { authorization } });
      const body = (await r.body.json()) as { code?: string };
      return { status: r.statusCode, code: body.code };
    };
    try {
      expect((await call(`Bearer ${first}`)).status).toBe(200);
      expect((await call(`Bearer ${first}`)).status).toBe(200);
      const tampered = `${first.slice(0, -4)}${first.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
      expect(await call(`Bearer ${tampered}`)).toEqual({ status: 401, code: '900901' });
      expect((await call(`Bearer ${second}`)).status).toBe(200);
      const jti = JSON.parse(Buffer.from(first.split('.')[1]!, 'base64url').toString()).jti as string;
      expect((await call(`Bearer ${first}`)).status).toBe(200);
      await s.fx.revokeToken(jti, new Date(Date.now() + 3_600_000));
      // the same header again on the same connection is refused once the revocation arrives
      await eventually(async () => expect((await call(`Bearer ${first}`)).code).toBe('900904'));
      expect((await call(`Bearer ${second}`)).status).toBe(200);
    } finally {
      await client.close();
    }
  });

  it('refuses a sandbox credential on an API without sandbox endpoints (900905)', async () => {
    const other = await s.fx.createApplication();
    await s.fx.subscribe(other.id, keyApi.id);
    const k = await s.apiKey(other.id, { keyType: 'SANDBOX' });
    await s.synced();
    const r = await s.call('/keyed/1.0.0/a', { headers: { 'x-key': k } });
    expect(r.status).toBe(401);
    expect(r.json.code).toBe('900905');
  });

  it('verifies opaque tokens by introspection and rejects them once revoked', async () => {
    const opaqueApp = await s.fx.createApplication({ tokenType: 'OPAQUE' });
    await s.fx.subscribe(opaqueApp.id, oauthApi.id);
    const key = await s.newKey(opaqueApp.id);
    await s.synced();
    const token = await s.token(key);
    expect(token.split('.')).toHaveLength(1);
    expect((await s.call('/oauth/1.0.0/a', { headers: bearer(token) })).status).toBe(200);
    const basic = Buffer.from(`${key.clientId}:${key.clientSecret}`).toString('base64');
    const revoked = await request(`${s.km.url}/oauth2/revoke`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    await revoked.body.dump();
    expect(revoked.statusCode).toBe(200);
    await eventually(async () =>
      expect((await s.call('/oauth/1.0.0/a', { headers: bearer(token) })).json.code).toBe('900904'),
    );
    // not even shaped like a key manager token: refused without asking the key manager (WSO2: 900901)
    expect((await s.call('/oauth/1.0.0/a', { headers: bearer('not-a-token') })).json).toMatchObject({
      code: '900901',
      description: 'The bearer token is not a token this gateway accepts',
    });
  });

  it('admits API keys in the API key header only, with their IP and referer restrictions', async () => {
    const k = await s.apiKey(app.id);
    const ok = await s.call('/keyed/1.0.0/a', { headers: { 'x-key': k } });
    expect(ok.status).toBe(200);
    expect((ok.json.headers as Record<string, string>)['x-key']).toBeUndefined();
    expect((await s.call('/keyed/1.0.0/a')).json.code).toBe('900902');
    // WSO2 answers 900901 to an API key sent as a Bearer token; the caller learns where it goes
    expect((await s.call('/oauth/1.0.0/a', { headers: bearer(k) })).json).toMatchObject({
      code: '900901',
      description: 'An API key is not an access token, and this API does not take API keys',
    });
    const elsewhere = await s.apiKey(app.id, { permittedIps: ['10.1.2.0/24'] });
    expect((await s.call('/keyed/1.0.0/a', { headers: { 'x-key': elsewhere } })).json.code).toBe('900901');
    const here = await s.apiKey(app.id, {
      permittedIps: ['127.0.0.0/8'],
      permittedReferers: ['https://*.example.com/*'],
    });
    expect((await s.call('/keyed/1.0.0/a', { headers: { 'x-key': here } })).json.code).toBe('900901');
    const withReferer = await s.call('/keyed/1.0.0/a', {
      headers: { 'x-key': here, referer: 'https://shop.example.com/page' },
    });
    expect(withReferer.status).toBe(200);
  });

  it('accepts tokens signed with a newly rotated key (JWKS refetched on an unknown kid)', async () => {
    const rotated = await s.fx.createApplication();
    await s.fx.subscribe(rotated.id, oauthApi.id);
    const key = await s.newKey(rotated.id);
    await s.synced();
    const rotate = await request(`${s.km.url}/internal/v1/signing-keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.km.internalSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ leadSeconds: 0 }),
    });
    expect(rotate.statusCode).toBe(201);
    const { kid } = (await rotate.body.json()) as { kid: string };
    const token = await s.token(key);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid).toBe(kid);
    await eventually(async () =>
      expect((await s.call('/oauth/1.0.0/a', { headers: bearer(token) })).status).toBe(200),
    );
  });

  it('refuses a token whose client is no application key of this gateway (900908)', async () => {
    const created = await request(`${s.km.url}/internal/v1/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.km.internalSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientName: 'loose', grantTypes: ['client_credentials'] }),
    });
    const c = (await created.body.json()) as { clientId: string; clientSecret: string };
    const r = await s.call('/oauth/1.0.0/a', { headers: bearer(await s.token(c)) });
    expect(r.status).toBe(403);
    expect(r.json.code).toBe('900908');
  });

  it('accepts JWTs from a trusted external issuer once it is registered, for keys mapped at it only', async () => {
    const idp = await startTokenIssuer('external-audience');
    try {
      // the same consumer key at the resident key manager (another application) and at the issuer
      const resident = await s.fx.createApplication();
      await s.fx.subscribe(resident.id, oauthApi.id);
      await s.fx.addKey(resident.id, 'PRODUCTION', 'idp-client-1');
      const external = await s.fx.createApplication();
      await s.synced();
      const token = await idp.sign({ clientId: 'idp-client-1', extraClaims: { cid: 'idp-client-1' } });
      expect((await s.call('/oauth/1.0.0/a', { headers: bearer(token) })).json.code).toBe('900901');
      await s.fx.addIssuer({
        name: 'External IdP',
        issuer: idp.url,
        jwksUrl: `${idp.url}/oauth2/jwks`,
        audience: 'external-audience',
        claimMappings: { consumerKeyClaim: 'cid' },
      });
      await s.synced();
      // trusted now, but its client is no key of an application there: the resident application's
      // subscription is not lent to it
      expect((await s.call('/oauth/1.0.0/a', { headers: bearer(token) })).json.code).toBe('900908');
      await s.fx.mapKey(external.id, 'PRODUCTION', 'idp-client-1', 'External IdP');
      await s.fx.subscribe(external.id, oauthApi.id);
      await s.synced();
      const ok = await s.call('/oauth/1.0.0/a', { headers: bearer(token) });
      expect(ok.status).toBe(200);
      const wrongAudience = await idp.sign({ clientId: 'idp-client-1', audience: 'someone-else' });
      expect((await s.call('/oauth/1.0.0/a', { headers: bearer(wrongAudience) })).json.code).toBe('900901');
    } finally {
      await idp.close();
    }
  });

  it('refuses every token of an issuer registered without an audience', async () => {
    const idp = await startTokenIssuer('any-audience');
    try {
      const app = await s.fx.createApplication();
      await s.fx.subscribe(app.id, oauthApi.id);
      await s.fx.addIssuer({ name: 'No Audience IdP', issuer: idp.url, jwksUrl: `${idp.url}/oauth2/jwks` });
      await s.fx.mapKey(app.id, 'PRODUCTION', 'no-aud-client', 'No Audience IdP');
      await s.synced();
      const res = await s.call('/oauth/1.0.0/a', {
        headers: bearer(await idp.sign({ clientId: 'no-aud-client' })),
      });
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({
        code: '900901',
        description: expect.stringMatching(/trusted issuer/),
      });
    } finally {
      await idp.close();
    }
  });
});
