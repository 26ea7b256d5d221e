import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../test-support/stack.js';

let s: Stack;

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
