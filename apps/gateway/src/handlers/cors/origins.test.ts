import { describe, expect, it } from 'vitest';
import type { CorsConfig } from '@apim/contracts';
import { DeploymentError } from '../../pipeline/deployment-error.js';
import { originPolicy } from './origins.js';

const config = (more: Partial<CorsConfig>): CorsConfig => ({
  corsConfigurationEnabled: true,
  accessControlAllowOrigins: [],
  accessControlAllowCredentials: false,
  accessControlAllowHeaders: [],
  accessControlAllowMethods: ['GET'],
  ...more,
});

describe('originPolicy', () => {
  it('admits listed origins and those an exact, prefix or regex matcher matches', () => {
    const allow = originPolicy(
      config({
        accessControlAllowOrigins: ['https://listed.example'],
        accessControlAllowOriginMatchers: [
          { exact: 'https://exact.example' },
          { prefix: 'http://localhost:' },
          { regex: 'https://[a-z]+\\.example\\.org' },
        ],
      }),
    );
    expect(allow('https://listed.example')).toBe('https://listed.example');
    expect(allow('https://exact.example')).toBe('https://exact.example');
    expect(allow('https://exact.example.evil')).toBeNull();
    expect(allow('http://localhost:5173')).toBe('http://localhost:5173');
    expect(allow('https://app.example.org')).toBe('https://app.example.org');
    expect(allow(undefined)).toBeNull();
  });

  it('matches a regex against the whole origin, as Istio does, alternatives included', () => {
    const allow = originPolicy(
      config({ accessControlAllowOriginMatchers: [{ regex: 'https://a\\.example|https://b\\.example' }] }),
    );
    expect(allow('https://a.example')).toBe('https://a.example');
    expect(allow('https://b.example')).toBe('https://b.example');
    expect(allow('https://a.example.evil.com')).toBeNull();
    expect(allow('evil-https://b.example')).toBeNull();
  });

  it('answers any origin with * (or the origin itself with credentials)', () => {
    expect(originPolicy(config({ accessControlAllowOrigins: ['*'] }))('https://x.example')).toBe('*');
    const withCredentials = config({ accessControlAllowOrigins: ['*'], accessControlAllowCredentials: true });
    expect(originPolicy(withCredentials)('https://x.example')).toBe('https://x.example');
  });

  it('never runs a regex on an origin longer than any real one', () => {
    const allow = originPolicy(config({ accessControlAllowOriginMatchers: [{ regex: 'https://.*' }] }));
    expect(allow(`https://${'a'.repeat(400)}`)).toBeNull();
  });

  it('refuses the deployment of an invalid regex, naming it', () => {
    expect(() =>
      originPolicy(config({ accessControlAllowOriginMatchers: [{ regex: 'https://(' }] })),
    ).toThrow(DeploymentError);
    expect(() =>
      originPolicy(config({ accessControlAllowOriginMatchers: [{ regex: 'https://(' }] })),
    ).toThrow(/origin regex https:\/\/\( is invalid/);
  });
});
