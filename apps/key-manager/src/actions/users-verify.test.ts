/**
 * POST /internal/v1/users/verify: gateways check Basic credentials of API calls here (they never
 * read the database per request), under the login page's per-address, per-username and
 * per-account locks.
 */
import { describe, expect, it } from 'vitest';
import { hashPassword } from '@apim/service';
import { useKeyManager } from '../test-helpers/index.js';

const f = useKeyManager({ env: { APIM_BRUTE_FORCE_MAX_FAILURES: '3' } });

let addresses = 0;
/** A new end-user address for each call, so that only the per-username and per-account locks apply. */
const nextAddress = () => `10.30.${Math.floor(++addresses / 250)}.${addresses % 250}`;

async function createUser(username: string, password: string, roles: string[]) {
  await f.prisma.user.create({
    data: {
      username,
      passwordHash: await hashPassword(password),
      roles: { create: roles.map((roleName) => ({ roleName })) },
    },
  });
}

async function verify(body: unknown, secret = f.km.internalSecret) {
  const res = await fetch(`${f.km.url}/internal/v1/users/verify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

describe('verifying user credentials for gateways', () => {
  it('answers the username and roles for the right password, 401 otherwise', async () => {
    await createUser('basic-bob', 'bob-password-1', ['subscriber', 'publisher']);
    expect(
      await verify({ username: 'basic-bob', password: 'bob-password-1', clientIp: nextAddress() }),
    ).toEqual({
      status: 200,
      retryAfter: null,
      body: { username: 'basic-bob', roles: ['publisher', 'subscriber'] },
    });
    const wrong = await verify({ username: 'basic-bob', password: 'nope', clientIp: nextAddress() });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 401, message: 'Unauthorized' });
    // an unknown user gets the same answer as a wrong password
    const unknown = await verify({ username: 'nobody-here', password: 'nope', clientIp: nextAddress() });
    expect(unknown).toEqual({ ...wrong, body: wrong.body });
  });

  it('refuses callers without the internal secret', async () => {
    const res = await verify({ username: 'basic-bob', password: 'bob-password-1' }, 'x'.repeat(40));
    expect(res.status).toBe(401);
    expect(res.body).not.toHaveProperty('username');
  });

  it('refuses malformed input with 400', async () => {
    for (const body of [
      {},
      { username: 'basic-bob' },
      { username: '', password: 'x' },
      { username: 'basic-bob', password: 7 },
      { username: 'basic\0bob', password: 'x' },
      { username: 'basic-bob', password: 'x'.repeat(1025) },
      { username: 'basic-bob', password: 'x', clientIp: ['1.2.3.4'] },
    ])
      expect((await verify(body)).status).toBe(400);
  });

  it('locks the account after consecutive wrong passwords, even against the right one', async () => {
    await createUser('basic-locky', 'locky-password-1', ['subscriber']);
    for (let i = 0; i < 3; i++)
      expect(
        (await verify({ username: 'basic-locky', password: `wrong-${i}`, clientIp: nextAddress() })).status,
      ).toBe(401);
    const locked = await verify({
      username: 'basic-locky',
      password: 'locky-password-1',
      clientIp: nextAddress(),
    });
    expect(locked.status).toBe(401);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    const row = await f.prisma.user.findUniqueOrThrow({ where: { username: 'basic-locky' } });
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  });
});
