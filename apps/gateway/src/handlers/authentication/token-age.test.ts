/**
 * The access-token age policy and ID tokens, through a real gateway whose key manager is the test
 * issuer (so the tests choose iat, exp and the header), and on the policy function itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { GatewayApi } from '@apim/contracts';
import {
  cleanupRedis,
  createTestDatabase,
  testRedisPrefix,
  testRedisUrl,
  type TestDatabase,
} from '@apim/testing';
import { startBackend, type TestBackend } from '../../test-support/backend.js';
import { ControlPlaneFixture } from '../../test-support/control-plane-fixture.js';
import { startTokenIssuer, type TokenIssuer, type TokenSpec } from '../../test-support/token-issuer.js';
import { startGateway, type StartedGateway } from '../../testing.js';
import { CLOCK_TOLERANCE_SEC, tokenAgeProblem } from './token-age.js';

const DAY = 86_400;
const MAX_LIFETIME = 30 * DAY;

let db: TestDatabase;
let prefix: string;
let backend: TestBackend;
let km: TokenIssuer;
let external: TokenIssuer;
let fx: ControlPlaneFixture;
let gw: StartedGateway;
let api: GatewayApi;
let clientId: string;
let appId: string;
let externalClientId: string;

async function call(token: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) {
  const res = await request(`${gw.url}/aged/1.0.0/a`, { headers });
  const body = (await res.body.json()) as { code?: string; description?: string };
  return { status: res.statusCode, ...body };
}

const withKm = (spec: Partial<TokenSpec>) => km.sign({ clientId, ...spec });

beforeAll(async () => {
  db = await createTestDatabase();
  prefix = testRedisPrefix();
  backend = await startBackend();
  km = await startTokenIssuer();
  external = await startTokenIssuer();
  fx = new ControlPlaneFixture(db.url);
  api = await fx.deployApi({
    context: '/aged',
    backendUrl: backend.url,
    securitySchemes: ['oauth2', 'api_key'],
    apiKeyHeader: 'X-Key',
  });
  const app = await fx.createApplication();
  appId = app.id;
  clientId = await fx.addKey(app.id, 'PRODUCTION');
  await fx.subscribe(app.id, api.id);
  const externalApp = await fx.createApplication();
  externalClientId = 'spa-client';
  // an issuer whose access tokens name the client as their audience (as some providers' do): an ID
  // token passes the audience check, and only what an ID token looks like keeps it out
  await fx.addIssuer({
    name: 'Client-audience IdP',
    issuer: external.url,
    jwksUrl: `${external.url}/oauth2/jwks`,
    audience: externalClientId,
  });
  await fx.mapKey(externalApp.id, 'PRODUCTION', externalClientId, 'Client-audience IdP');
  await fx.subscribe(externalApp.id, api.id);
  gw = await startGateway({
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    keyManagerUrl: km.url,
    internalSecret: 'z'.repeat(40),
    env: { APIM_GATEWAY_MAX_TOKEN_LIFETIME_SECONDS: String(MAX_LIFETIME) },
  });
});

afterAll(async () => {
  await gw?.close();
  await fx?.close();
  await backend?.close();
  await km?.close();
  await external?.close();
  await cleanupRedis(prefix);
  await db?.drop();
});

describe('access token age policy', () => {
  it('admits tokens issued now (or within the clock tolerance) and living up to the maximum', async () => {
    expect((await call(await withKm({}))).status).toBe(200);
    expect((await call(await withKm({ issuedAtSec: CLOCK_TOLERANCE_SEC - 1 }))).status).toBe(200);
    expect((await call(await withKm({ expiresInSec: MAX_LIFETIME }))).status).toBe(200);
    // without iat the lifetime counts from now
    expect((await call(await withKm({ issuedAtSec: null, expiresInSec: 3600 }))).status).toBe(200);
  });

  it('refuses a token issued in the future (900901)', async () => {
    const r = await call(await withKm({ issuedAtSec: 120 }));
    expect(r).toMatchObject({ status: 401, code: '900901' });
    expect(r.description).toContain('issued in the future');
  });

  it('refuses a token that lives longer than the maximum, with or without iat (900901)', async () => {
    const long = await call(await withKm({ expiresInSec: MAX_LIFETIME + 3600 }));
    expect(long).toMatchObject({ status: 401, code: '900901' });
    expect(long.description).toContain(`longer than this gateway accepts (${MAX_LIFETIME} seconds)`);
    // an old iat does not make a far exp acceptable: the lifetime is what counts
    const backdated = await call(await withKm({ issuedAtSec: -DAY, expiresInSec: MAX_LIFETIME }));
    expect(backdated.code).toBe('900901');
    const noIat = await call(await withKm({ issuedAtSec: null, expiresInSec: 100 * 365 * DAY }));
    expect(noIat.code).toBe('900901');
  });
});

describe('ID tokens', () => {
  it('are refused from the key manager (audience: the client, not the gateway)', async () => {
    const idToken = await withKm({
      typ: 'JWT',
      audience: clientId,
      extraClaims: { nonce: 'n-1', at_hash: 'x', auth_time: Math.floor(Date.now() / 1000) },
    });
    expect(await call(idToken)).toMatchObject({ status: 401, code: '900901' });
  });

  it('stay refused as Bearer tokens after being presented as API keys (no check skipped by the cache)', async () => {
    const idToken = await withKm({ typ: 'JWT', audience: clientId, extraClaims: { nonce: 'n-3' } });
    // signed by the key manager, and API keys need no audience: it passes an API key's signature
    // checks, then is refused for not being one
    expect(await call(idToken, { 'x-key': idToken })).toMatchObject({ status: 401, code: '900905' });
    expect(await call(idToken)).toMatchObject({ status: 401, code: '900901' });
    // an API key sent as a Bearer token, fresh or verified before, is told where it goes
    const apiKey = await withKm({ tokenType: 'apiKey', applicationId: appId, audience: 'ignored' });
    const asBearer = { status: 401, code: '900901', description: expect.stringContaining('"x-key" header') };
    expect(await call(apiKey)).toMatchObject(asBearer);
    expect((await call(apiKey, { 'x-key': apiKey })).status).toBe(200);
    expect(await call(apiKey)).toMatchObject(asBearer);
  });

  it('are refused from an issuer whose access tokens carry the client as audience, as its ID tokens do', async () => {
    const accessToken = await external.sign({ clientId: externalClientId, audience: externalClientId });
    expect((await call(accessToken)).status).toBe(200);
    for (const claims of [{ nonce: 'n-2' }, { at_hash: 'abc' }, { typ: 'ID' }]) {
      const idToken = await external.sign({
        clientId: externalClientId,
        typ: 'JWT',
        audience: externalClientId,
        extraClaims: claims,
      });
      const r = await call(idToken);
      expect(r).toMatchObject({
        status: 401,
        code: '900901',
        description: 'An ID token is not an access token',
      });
    }
  });
});

describe('tokenAgeProblem', () => {
  const policy = { maxLifetimeSec: 3600 };
  const now = 1_000_000;

  it('passes tokens within the policy, and leaves expiry to the verification', () => {
    expect(tokenAgeProblem({ iat: now, exp: now + 3600 }, policy, now)).toBeNull();
    expect(tokenAgeProblem({ iat: now + CLOCK_TOLERANCE_SEC, exp: now + 3600 }, policy, now)).toBeNull();
    expect(tokenAgeProblem({ exp: now + 3600 }, policy, now)).toBeNull();
    expect(tokenAgeProblem({ iat: now - 7200, exp: now - 3600 }, policy, now)).toBeNull();
    expect(tokenAgeProblem({}, policy, now)).toBeNull();
  });

  it('refuses iat ahead of the clock beyond the tolerance, and lifetimes over the maximum', () => {
    expect(tokenAgeProblem({ iat: now + CLOCK_TOLERANCE_SEC + 1 }, policy, now)).toContain('future');
    expect(tokenAgeProblem({ iat: now, exp: now + 3600 + CLOCK_TOLERANCE_SEC + 1 }, policy, now)).toContain(
      'longer',
    );
    expect(tokenAgeProblem({ exp: now + 7200 }, policy, now)).toContain('longer');
  });
});
