import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorsConfig, OperationRule } from '@apim/contracts';
import { testRedisUrl } from '@apim/testing';
import { deployExposedApi } from '../../routing/exposure-fixture.js';
import { startStack, type Stack } from '../../test-support/stack.js';
import { startGateway, type StartedGateway } from '../../testing.js';

const CONSOLE = 'https://console.example.com';
let s: Stack;
/** a second gateway of the same environment with the default CORS turned off */
let off: StartedGateway;
const noAuth: OperationRule = { access: { strategy: 'noAuth' } };
const kyma: CorsConfig = {
  corsConfigurationEnabled: true,
  accessControlAllowOrigins: [],
  accessControlAllowOriginMatchers: [{ regex: 'https://[a-z]+\\.example\\.org' }],
  accessControlAllowCredentials: false,
  accessControlAllowHeaders: ['content-type'],
  accessControlAllowMethods: ['GET'],
  accessControlMaxAge: 3600,
  removeBackendCorsHeaders: true,
};
/** a backend answer carrying CORS headers of its own */
const backendCors =
  '/items/1?set-header=access-control-allow-origin:*&set-header=access-control-allow-methods:PUT';

beforeAll(async () => {
  s = await startStack({ gatewayEnv: { APIM_CONSOLE_URL: `${CONSOLE}/console` } });
  // created as publishers create APIs: CORS off on the API; API keys in a header of its own
  await s.fx.deployApi({ context: '/plain', backendUrl: s.backend.url, apiKeyHeader: 'X-Pet-Key' });
  await s.fx.deployApi({
    context: '/cors',
    backendUrl: s.backend.url,
    corsConfig: {
      corsConfigurationEnabled: true,
      accessControlAllowOrigins: ['https://app.example.com'],
      accessControlAllowCredentials: true,
      accessControlAllowHeaders: ['authorization', 'content-type'],
      accessControlAllowMethods: ['GET', 'POST'],
      accessControlExposeHeaders: ['x-backend'],
    },
  });
  await deployExposedApi(s.fx, {
    context: '/kyma-cors',
    backendUrl: s.backend.url,
    corsConfig: kyma,
    hosts: ['cors.example.com'],
    operations: [{ verb: 'GET', target: '/items/{*}', authEnabled: false, rule: noAuth }],
  });
  await deployExposedApi(s.fx, {
    context: '/kyma-no-cors',
    backendUrl: s.backend.url,
    // an APIRule without corsPolicy: nothing but the removal, no lists
    corsConfig: { corsConfigurationEnabled: false, removeBackendCorsHeaders: true } as CorsConfig,
    hosts: ['nocors.example.com'],
    operations: [{ verb: 'GET', target: '/items/{*}', authEnabled: false, rule: noAuth }],
  });
  await s.synced();
  off = await startGateway({
    databaseUrl: s.db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: s.redisPrefix,
    keyManagerUrl: s.km.url,
    internalSecret: s.km.internalSecret,
    env: { APIM_CORS_ENABLED: 'false' },
  });
});

afterAll(async () => {
  await off?.close();
  await s?.close();
});

const corsHeaders = (headers: Record<string, unknown>) =>
  Object.keys(headers).filter((h) => h.startsWith('access-control-'));

describe("the environment's default CORS", () => {
  const preflight = (origin: string) => ({
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'x-pet-key',
    },
  });

  it("answers the console's preflight for an API without CORS of its own, at the gateway", async () => {
    const before = s.backend.received.length;
    const r = await s.call('/plain/1.0.0/items', preflight(CONSOLE));
    expect(r.status).toBe(204);
    expect(r.headers).toMatchObject({
      'access-control-allow-origin': CONSOLE,
      'access-control-allow-methods': 'GET, PUT, POST, DELETE, PATCH, OPTIONS',
      'access-control-allow-headers':
        'authorization, Access-Control-Allow-Origin, Content-Type, SOAPAction, apikey, Internal-Key, X-Pet-Key',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    // WSO2's default: no credentials
    expect(r.headers['access-control-allow-credentials']).toBeUndefined();
    expect(s.backend.received.length).toBe(before);
  });

  it("adds the console's origin to the API's answers, its refusals included", async () => {
    const r = await s.call('/plain/1.0.0/items', { headers: { origin: CONSOLE } });
    expect(r.status).toBe(401);
    expect(r.headers['access-control-allow-origin']).toBe(CONSOLE);
  });

  it('gives another origin no CORS headers', async () => {
    const r = await s.call('/plain/1.0.0/items', preflight('https://evil.example'));
    expect(r.status).toBe(204);
    expect(corsHeaders(r.headers)).toEqual([]);
  });

  it("is overridden by an API's own CORS configuration", async () => {
    const r = await s.call('/cors/1.0.0/items', preflight(CONSOLE));
    expect(r.status).toBe(204);
    expect(corsHeaders(r.headers)).toEqual([]);
  });

  it('turned off (APIM_CORS_ENABLED=false): a preflight is a method the API does not take', async () => {
    const r = await request(`${off.url}/plain/1.0.0/items`, preflight(CONSOLE));
    await r.body.dump();
    expect(r.statusCode).toBe(405);
    expect(corsHeaders(r.headers)).toEqual([]);
    const own = await request(`${off.url}/cors/1.0.0/items`, preflight('https://app.example.com'));
    await own.body.dump();
    expect(own.statusCode).toBe(204);
    expect(own.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });
});

describe('cors handler', () => {
  it('answers a preflight at the gateway, without credentials and without the backend', async () => {
    const before = s.backend.received.length;
    const r = await s.call('/cors/1.0.0/items', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(r.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(r.headers['access-control-allow-credentials']).toBe('true');
    expect(s.backend.received.length).toBe(before);
  });

  it('gives no CORS headers to an origin that is not allowed', async () => {
    const r = await s.call('/cors/1.0.0/items', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds CORS headers to gateway errors too, so browsers can read them', async () => {
    const r = await s.call('/cors/1.0.0/items', { headers: { origin: 'https://app.example.com' } });
    expect(r.status).toBe(401);
    expect(r.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(r.headers['access-control-expose-headers']).toBe('x-backend');
  });
});

describe('cors of an API exposed Kyma-style', () => {
  const preflight = (origin: string) => ({
    method: 'OPTIONS',
    headers: { host: 'cors.example.com', origin, 'access-control-request-method': 'GET' },
  });

  it('answers a preflight on any rule path (OPTIONS is no rule method) for a regex-matched origin', async () => {
    const r = await s.call('/items/1', preflight('https://app.example.org'));
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe('https://app.example.org');
    expect(r.headers['access-control-max-age']).toBe('3600');
    const elsewhere = await s.call('/other', preflight('https://app.example.org'));
    expect(elsewhere.status).toBe(404);
  });

  it('matches the regex against the whole origin', async () => {
    const r = await s.call('/items/1', preflight('https://app.example.org.evil.com'));
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  it("answers with the gateway's CORS headers only, the backend's removed", async () => {
    const r = await s.call(backendCors, {
      headers: { host: 'cors.example.com', origin: 'https://app.example.org' },
    });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('https://app.example.org');
    expect(r.headers['access-control-allow-methods']).toBeUndefined();
  });

  it("without a CORS policy: the environment's default answers, the backend's headers removed", async () => {
    const foreign = await s.call(backendCors, {
      headers: { host: 'nocors.example.com', origin: 'https://app.example.org' },
    });
    expect(foreign.status).toBe(200);
    expect(foreign.json.backend).toBe('backend');
    expect(corsHeaders(foreign.headers)).toEqual([]);
    const fromConsole = await s.call(backendCors, {
      headers: { host: 'nocors.example.com', origin: CONSOLE },
    });
    expect(fromConsole.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(fromConsole.headers['access-control-allow-methods']).toBeUndefined();
    const options = await s.call('/items/1', {
      method: 'OPTIONS',
      headers: { host: 'nocors.example.com', origin: CONSOLE, 'access-control-request-method': 'GET' },
    });
    expect(options.status).toBe(204);
    expect(options.headers['access-control-allow-origin']).toBe(CONSOLE);
  });

  it('without a CORS policy and the default turned off: no preflight answer', async () => {
    const r = await request(`${off.url}/items/1`, {
      method: 'OPTIONS',
      headers: { host: 'nocors.example.com', origin: CONSOLE, 'access-control-request-method': 'GET' },
    });
    await r.body.dump();
    expect(r.statusCode).toBe(405);
  });
});
