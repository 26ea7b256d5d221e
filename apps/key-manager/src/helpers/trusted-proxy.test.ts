/**
 * The key manager believes forwarding headers from its trusted proxies only. Here the proxy is
 * 127.0.0.2 (APIM_TRUST_PROXY) and requests come either through it (sent from 127.0.0.2) or
 * straight from a caller (127.0.0.1), who may write any header it likes.
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { basicAuth, useKeyManager, type Json } from '../test-helpers/index.js';

const PROXY = '127.0.0.2';
const f = useKeyManager({
  env: { APIM_BRUTE_FORCE_MAX_FAILURES: '3', APIM_TRUST_PROXY: PROXY, APIM_HSTS_MAX_AGE: '600' },
});

/** A request from `from` (a local address of this machine), with these headers. */
function send(
  from: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: Json; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${f.km.url}${path}`, { method, headers, localAddress: from }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {}, headers: res.headers }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function newClient() {
  const res = await f.internal('POST', '/clients', {
    clientName: 'proxied',
    grantTypes: ['client_credentials'],
  });
  return res.body as { clientId: string; clientSecret: string };
}

const token = (from: string, c: { clientId: string }, secret: string, headers: Record<string, string> = {}) =>
  send(
    from,
    'POST',
    '/oauth2/token',
    {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(c.clientId, secret),
      ...headers,
    },
    'grant_type=client_credentials',
  );

describe('trusted proxies', () => {
  it('ignores X-Forwarded-For written by a caller that is not a trusted proxy', async () => {
    const c = await newClient();
    for (let i = 0; i < 3; i++)
      expect((await token('127.0.0.1', c, 'wrong', { 'x-forwarded-for': `10.70.0.${i}` })).status).toBe(401);
    // every "address" it made up was 127.0.0.1 all along, now locked for this client
    expect((await token('127.0.0.1', c, c.clientSecret, { 'x-forwarded-for': '10.70.1.1' })).status).toBe(
      429,
    );
  });

  it('takes the address the trusted proxy appended', async () => {
    const c = await newClient();
    for (let i = 0; i < 3; i++)
      expect((await token(PROXY, c, 'wrong', { 'x-forwarded-for': '10.71.0.1' })).status).toBe(401);
    expect((await token(PROXY, c, c.clientSecret, { 'x-forwarded-for': '10.71.0.1' })).status).toBe(429);
    // another caller behind the same proxy, and the caller spoofing a hop in front of its own
    expect((await token(PROXY, c, c.clientSecret, { 'x-forwarded-for': '10.71.0.2' })).status).toBe(200);
    expect(
      (await token(PROXY, c, c.clientSecret, { 'x-forwarded-for': '10.71.0.2, 10.71.0.1' })).status,
    ).toBe(429);
  });

  it('builds URLs from X-Forwarded-Host/Proto only when a trusted proxy sent them', async () => {
    const forwarded = { 'x-forwarded-host': 'id.example.test', 'x-forwarded-proto': 'https' };
    const path = '/.well-known/openid-configuration';
    const direct = await send('127.0.0.1', 'GET', path, forwarded);
    expect(direct.body.token_endpoint).toBe(`${f.km.url}/oauth2/token`);
    const proxied = await send(PROXY, 'GET', path, forwarded);
    expect(proxied.body.token_endpoint).toBe('https://id.example.test/oauth2/token');
  });

  it('sends Strict-Transport-Security only on what a trusted proxy received over HTTPS', async () => {
    const path = '/.well-known/openid-configuration';
    const https = { 'x-forwarded-proto': 'https' };
    expect((await send(PROXY, 'GET', path, https)).headers['strict-transport-security']).toBe('max-age=600');
    expect((await send(PROXY, 'GET', path, {})).headers['strict-transport-security']).toBeUndefined();
    // a caller saying https itself is not believed (its connection is plain HTTP)
    expect(
      (await send('127.0.0.1', 'GET', path, https)).headers['strict-transport-security'],
    ).toBeUndefined();
  });
});
