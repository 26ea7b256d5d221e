import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHstsMaxAge, requestProtocol, strictTransportSecurity } from './https.js';
import { readShutdownTimeout } from './main.js';
import { parseTrustedProxies } from './trusted-proxy.js';

describe('settings', () => {
  it('APIM_HSTS_MAX_AGE: a year by default, 0 for none, a bad value refused', () => {
    expect(readHstsMaxAge({})).toBe(31_536_000);
    expect(readHstsMaxAge({ APIM_HSTS_MAX_AGE: '0' })).toBe(0);
    expect(() => readHstsMaxAge({ APIM_HSTS_MAX_AGE: 'a year' })).toThrow(
      'Invalid configuration: APIM_HSTS_MAX_AGE must be a whole number, got "a year"',
    );
    expect(() => readHstsMaxAge({ APIM_HSTS_MAX_AGE: '-1' })).toThrow(/APIM_HSTS_MAX_AGE must be between 0/);
  });

  it('APIM_SHUTDOWN_TIMEOUT_MS: 10 s by default, a bad value refused', () => {
    expect(readShutdownTimeout({})).toBe(10_000);
    expect(readShutdownTimeout({ APIM_SHUTDOWN_TIMEOUT_MS: '30000' })).toBe(30_000);
    expect(() => readShutdownTimeout({ APIM_SHUTDOWN_TIMEOUT_MS: '10s' })).toThrow(
      /APIM_SHUTDOWN_TIMEOUT_MS must be a whole number/,
    );
  });
});

// A real server that trusts 127.0.0.2 only; requests come from there (a proxy) or from 127.0.0.1.
describe('HTTPS behind a trusted proxy', () => {
  const proxies = parseTrustedProxies('127.0.0.2');
  const hsts = strictTransportSecurity(proxies, 600);
  const off = strictTransportSecurity(proxies, 0);
  const server = http.createServer((req, res) => {
    (req.url === '/off' ? off : hsts)(req, res);
    res.end(requestProtocol(req, proxies));
  });
  beforeAll(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', r)));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const get = (localAddress: string, headers: Record<string, string>, path = '/') =>
    new Promise<{ protocol: string; hsts: string | undefined }>((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      http
        .get({ host: '127.0.0.1', port, path, localAddress, headers, agent: false }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () =>
            resolve({ protocol: body, hsts: res.headers['strict-transport-security'] as string | undefined }),
          );
        })
        .once('error', reject);
    });

  it('believes X-Forwarded-Proto from a trusted proxy only, and sends HSTS on HTTPS only', async () => {
    expect(await get('127.0.0.2', { 'x-forwarded-proto': 'https' })).toEqual({
      protocol: 'https',
      hsts: 'max-age=600',
    });
    // the first value: the scheme at the proxy the client reached
    expect((await get('127.0.0.2', { 'x-forwarded-proto': 'https, http' })).protocol).toBe('https');
    expect(await get('127.0.0.2', { 'x-forwarded-proto': 'http' })).toEqual({
      protocol: 'http',
      hsts: undefined,
    });
    expect(await get('127.0.0.2', {})).toEqual({ protocol: 'http', hsts: undefined });
    expect(await get('127.0.0.1', { 'x-forwarded-proto': 'https' })).toEqual({
      protocol: 'http',
      hsts: undefined,
    });
    // max-age 0: no header at all
    expect(await get('127.0.0.2', { 'x-forwarded-proto': 'https' }, '/off')).toEqual({
      protocol: 'https',
      hsts: undefined,
    });
  });
});
