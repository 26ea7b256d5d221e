import { describe, expect, it } from 'vitest';
import { ConfigError } from '@apim/service';
import { loadConfig } from './config.js';

const base = { DATABASE_URL: 'postgresql://localhost/apim', APIM_INTERNAL_SECRET: 's'.repeat(32) };

describe('gateway configuration', () => {
  it('has WSO2-like defaults', () => {
    const c = loadConfig(base);
    expect(c.port).toBe(8280);
    expect(c.httpsPort).toBe(8243);
    expect(c.environment).toBe('Default');
    expect(c.tls).toBeNull();
    expect(c.backendJwt).toBeNull();
    expect(c.workers).toBeGreaterThanOrEqual(1);
  });

  it.each([
    [{ APIM_GATEWAY_PORT: 'eighty' }, 'APIM_GATEWAY_PORT'],
    [{ APIM_INTERNAL_SECRET: 'short' }, 'APIM_INTERNAL_SECRET'],
    [{ APIM_GATEWAY_TLS_CERT: '/x.crt' }, 'APIM_GATEWAY_TLS_KEY'],
    [{ APIM_GATEWAY_WORKERS: '0' }, 'APIM_GATEWAY_WORKERS'],
    [{ APIM_KEY_MANAGER_URL: 'ftp://km' }, 'APIM_KEY_MANAGER_URL'],
    [
      { APIM_GATEWAY_BACKEND_JWT_KEY: '/k.pem', APIM_GATEWAY_BACKEND_JWT_ALG: 'none' },
      'APIM_GATEWAY_BACKEND_JWT_ALG',
    ],
    [{ APIM_GATEWAY_DPOP_PROOF_MAX_AGE_SEC: '0' }, 'APIM_GATEWAY_DPOP_PROOF_MAX_AGE_SEC'],
    [{ APIM_GATEWAY_DPOP_CLOCK_SKEW_SEC: '3600' }, 'APIM_GATEWAY_DPOP_CLOCK_SKEW_SEC'],
    [{ APIM_GATEWAY_URL: 'gateway:8280' }, 'APIM_GATEWAY_URL'],
    [{ APIM_GATEWAY_PUBLIC_URLS: 'https://a.example, ftp://b.example' }, 'APIM_GATEWAY_PUBLIC_URLS'],
    [{ APIM_GATEWAY_PUBLIC_URLS: 'https://a.example/api' }, 'APIM_GATEWAY_PUBLIC_URLS'],
    [{ APIM_GATEWAY_INTROSPECTION_RATE: '0' }, 'APIM_GATEWAY_INTROSPECTION_RATE'],
    [{ APIM_GATEWAY_INTROSPECTION_BURST: 'lots' }, 'APIM_GATEWAY_INTROSPECTION_BURST'],
    [{ APIM_GATEWAY_MAX_TOKEN_LIFETIME_SECONDS: '10' }, 'APIM_GATEWAY_MAX_TOKEN_LIFETIME_SECONDS'],
    [{ APIM_TRUST_PROXY: 'true' }, 'APIM_TRUST_PROXY'],
    [{ APIM_TRUST_PROXY: '10.0.0.0/33' }, 'APIM_TRUST_PROXY'],
    [{ APIM_TRUST_PROXY_HEADER: 'x-real-ip' }, 'APIM_TRUST_PROXY_HEADER'],
    [{ APIM_ACCESS_LOG_SAMPLE_RATE: '5' }, 'APIM_ACCESS_LOG_SAMPLE_RATE'],
  ])('refuses %o naming the variable', (env, variable) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(variable);
  });

  it('writes no access log unless APIM_ACCESS_LOG names stdout or a file', () => {
    expect(loadConfig(base).accessLog).toEqual({ destination: null, sampleRate: 1 });
    expect(loadConfig({ ...base, APIM_ACCESS_LOG: 'OFF' }).accessLog.destination).toBeNull();
    expect(loadConfig({ ...base, APIM_ACCESS_LOG: 'stdout' }).accessLog.destination).toBe('stdout');
    expect(
      loadConfig({ ...base, APIM_ACCESS_LOG: '/var/log/apim/access.log', APIM_ACCESS_LOG_SAMPLE_RATE: '0.1' })
        .accessLog,
    ).toEqual({ destination: '/var/log/apim/access.log', sampleRate: 0.1 });
  });

  it('limits introspection, bounds token lifetimes and trusts no proxy unless told', () => {
    const c = loadConfig(base);
    expect(c.introspection).toEqual({ rate: 100, burst: 200, negativeCacheSize: 10_000 });
    // the longest validity the key manager gives an application key: legitimate tokens pass
    expect(c.maxTokenLifetimeSec).toBe(10 * 365 * 86_400);
    expect(c.trustedProxies.enabled).toBe(false);
    expect(loadConfig({ ...base, APIM_GATEWAY_INTROSPECTION_RATE: '10' }).introspection.burst).toBe(20);
    const behind = loadConfig({ ...base, APIM_TRUST_PROXY: '10.0.0.0/8, loopback' }).trustedProxies;
    expect([behind.trusts('10.1.2.3'), behind.trusts('127.0.0.1'), behind.trusts('192.0.2.1')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it("reads the hosts rules' JWKS and external authorizers may be on: none listed, any host", () => {
    expect(loadConfig(base).outboundUrlAllowlist).toEqual([]);
    const listed = loadConfig({ ...base, APIM_OUTBOUND_URL_ALLOWLIST: 'idp.example.com, authz.local:9000' });
    expect(listed.outboundUrlAllowlist).toEqual(['idp.example.com', 'authz.local:9000']);
  });

  it('takes the origins DPoP proofs may name from APIM_GATEWAY_URL and APIM_GATEWAY_PUBLIC_URLS', () => {
    expect(loadConfig(base).dpop).toEqual({
      proofMaxAgeSec: 60,
      clockSkewSec: 5,
      replayMemory: 200_000,
      publicOrigins: [],
    });
    const c = loadConfig({
      ...base,
      APIM_GATEWAY_URL: 'https://GW.example.com:443/',
      APIM_GATEWAY_PUBLIC_URLS: 'https://api.example.com, http://api.example.com:8080/',
    });
    expect(c.dpop.publicOrigins).toEqual([
      'https://gw.example.com',
      'https://api.example.com',
      'http://api.example.com:8080',
    ]);
  });
});
