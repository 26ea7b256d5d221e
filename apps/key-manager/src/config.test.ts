import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const base = {
  DATABASE_URL: 'postgresql://u@127.0.0.1:5432/db',
  APIM_INTERNAL_SECRET: 'x'.repeat(32),
  APIM_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64url'),
};

describe('key manager configuration: lock-out and proxies', () => {
  it('limits an address alone at 10x the per-client threshold unless told', () => {
    expect(loadConfig(base)).toMatchObject({
      bruteForceMaxFailures: 10,
      bruteForceMaxFailuresPerAddress: 100,
    });
    expect(loadConfig({ ...base, APIM_BRUTE_FORCE_MAX_FAILURES: '4' }).bruteForceMaxFailuresPerAddress).toBe(
      40,
    );
    expect(
      loadConfig({ ...base, APIM_BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS: '500' })
        .bruteForceMaxFailuresPerAddress,
    ).toBe(500);
  });

  it('refuses a per-address threshold below the per-client one', () => {
    expect(() => loadConfig({ ...base, APIM_BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS: '5' })).toThrow(
      'Invalid configuration: APIM_BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS must be between 10 and 1000000, got 5',
    );
  });

  it('trusts no proxy by default, the listed ones when told, and refuses true', () => {
    expect(loadConfig(base).trustedProxies.enabled).toBe(false);
    const { trustedProxies } = loadConfig({ ...base, APIM_TRUST_PROXY: '10.0.0.0/8, loopback' });
    expect(trustedProxies.trusts('10.2.3.4')).toBe(true);
    expect(trustedProxies.trusts('192.0.2.1')).toBe(false);
    expect(() => loadConfig({ ...base, APIM_TRUST_PROXY: 'true' })).toThrow(
      /^Invalid configuration: APIM_TRUST_PROXY no longer takes true: list the addresses of your proxies/,
    );
  });
});
