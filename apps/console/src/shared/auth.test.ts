import { describe, expect, it } from 'vitest';
import { retryAfterSeconds, tooManyAttemptsMessage } from './auth';

describe('the lock-out message of the sign-in', () => {
  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds(' 7 ', now)).toBe(7);
    expect(retryAfterSeconds('Wed, 02 Dec 2026 10:01:30 GMT', now)).toBe(90);
    expect(retryAfterSeconds('Wed, 02 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds(null, now)).toBeUndefined();
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
  });

  it('tells how long to wait when the key manager says', () => {
    expect(tooManyAttemptsMessage('42')).toBe('Too many attempts, retry in 42 s');
    expect(tooManyAttemptsMessage(null)).toBe('Too many attempts, retry later');
  });
});
