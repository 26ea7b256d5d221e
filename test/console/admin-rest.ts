/** The control plane's REST APIs as the seeded admin (Basic credentials), for setting up a browser test. */
import { expect } from 'vitest';
import { TEST_ADMIN_PASSWORD } from '@apim/testing';

const basic = `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`;

/** A call that must succeed: its JSON answer (a form is sent as multipart, anything else as JSON). */
export function adminRest(consoleUrl: string) {
  return async function rest<T = Record<string, unknown>>(
    method: string,
    p: string,
    body?: unknown,
  ): Promise<T> {
    const form = body instanceof FormData;
    const res = await fetch(`${consoleUrl}${p}`, {
      method,
      headers: { authorization: basic, ...(body && !form ? { 'content-type': 'application/json' } : {}) },
      body: form ? body : body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.ok, `${method} ${p}: ${res.status} ${text}`).toBe(true);
    return (text ? JSON.parse(text) : {}) as T;
  };
}
