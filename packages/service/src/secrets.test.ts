import { describe, expect, it } from 'vitest';
import {
  constantTimeEqual,
  hashPassword,
  hashSecret,
  randomSecret,
  verifyPassword,
  verifySecret,
} from './secrets.js';

describe('secrets', () => {
  it('hashes passwords with scrypt and a salt of their own', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });

  it('stores machine secrets as a hash and compares in constant time', () => {
    const secret = randomSecret();
    expect(secret).toHaveLength(43);
    expect(hashSecret(secret)).not.toContain(secret);
    expect(verifySecret(secret, hashSecret(secret))).toBe(true);
    expect(verifySecret(`${secret}x`, hashSecret(secret))).toBe(false);
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});
