import { describe, expect, it } from 'vitest';
import { decryptSecret, derivedKey, encryptSecret } from './sealed-secrets.js';

describe('sealed secrets', () => {
  const key = derivedKey('an internal secret of at least thirty-two characters', 'issuer-secrets');

  it('open what they sealed, and seal the same text differently each time', () => {
    const a = encryptSecret(key, 's3cret');
    expect(decryptSecret(key, a)).toBe('s3cret');
    expect(encryptSecret(key, 's3cret')).not.toBe(a);
    expect(a).not.toContain('s3cret');
  });

  it('refuse a tampered value, another purpose and another secret', () => {
    const sealed = encryptSecret(key, 's3cret');
    const [v, iv, tag, data] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(data, 'base64url');
    flipped[0]! ^= 1;
    expect(() => decryptSecret(key, [v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
    expect(() =>
      decryptSecret(derivedKey('an internal secret of at least thirty-two characters', 'other'), sealed),
    ).toThrow();
    expect(() =>
      decryptSecret(derivedKey('another internal secret, thirty-two characters', 'issuer-secrets'), sealed),
    ).toThrow();
    expect(() => decryptSecret(key, 'not sealed')).toThrow('unrecognised encrypted value');
  });
});
