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
  ])('refuses %o naming the variable', (env, variable) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(variable);
  });
});
