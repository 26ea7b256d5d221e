import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorsConfig, OperationRule } from '@apim/contracts';
import { deployExposedApi } from '../../routing/exposure-fixture.js';
import { startStack, type Stack } from '../../test-support/stack.js';

let s: Stack;
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
  s = await startStack();
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
});

afterAll(async () => {
  await s?.close();
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

  it('without a CORS policy: no preflight answer and no Access-Control-* header from the backend', async () => {
    const r = await s.call(backendCors, {
      headers: { host: 'nocors.example.com', origin: 'https://app.example.org' },
    });
    expect(r.status).toBe(200);
    expect(r.json.backend).toBe('backend');
    expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const options = await s.call('/items/1', {
      method: 'OPTIONS',
      headers: {
        host: 'nocors.example.com',
        origin: 'https://app.example.org',
        'access-control-request-method': 'GET',
      },
    });
    expect(options.status).toBe(405);
  });
});
