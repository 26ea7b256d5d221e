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
  ])('refuses %o naming the variable', (env, variable) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(variable);
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
