import { createHmac } from 'node:crypto';

/**
 * A key for another purpose (cookie signing), derived from the encryption key so that every
 * instance agrees on it without one more setting.
 */
export function deriveKey(key: Buffer, purpose: string): string {
  return createHmac('sha256', key).update(purpose).digest('base64url');
}
