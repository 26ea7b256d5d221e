/**
 * Login lockout per account: kept in the database (User.failedLogins / lockedUntil), so it holds
 * when Redis forgets its counters, applies to the login page and the password grant alike, and a
 * successful login clears it. Unknown usernames are refused the same way (Redis, per username).
 */
import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { cleanupRedis } from '@apim/testing';
import { hashPassword } from '@apim/service';
import { ScriptedBrowser } from '../test-helpers/browser.js';
import { basicAuth, discover, postForm, useKeyManager } from '../test-helpers/index.js';

const CONSOLE = 'http://127.0.0.1:9443';
const CALLBACK = `${CONSOLE}/console/callback`;
const f = useKeyManager({
  consoleUrl: CONSOLE,
  env: { APIM_BRUTE_FORCE_MAX_FAILURES: '3', APIM_TRUST_PROXY: 'loopback' },
});

let addresses = 0;
/** A new source address for each attempt, so that only the per-account limits are in play. */
const nextAddress = () => `10.20.${Math.floor(++addresses / 250)}.${addresses % 250}`;

async function createUser(username: string, password: string) {
  await f.prisma.user.create({
    data: {
      username,
      passwordHash: await hashPassword(password),
      roles: { create: [{ roleName: 'subscriber' }] },
    },
  });
}

/** One sign-in at the console's login page; the callback is set when it succeeded. */
async function signIn(username: string, password: string, from = nextAddress()) {
  const config = await discover(f.km, 'apim-console');
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  });
  return new ScriptedBrowser(CALLBACK, { 'x-forwarded-for': from }).login(url.href, username, password);
}

const userRow = (username: string) => f.prisma.user.findUniqueOrThrow({ where: { username } });

describe('account lockout', () => {
  it('locks an account after consecutive failures, even against the right password', async () => {
    await createUser('locky', 'right-password-1');
    for (let i = 0; i < 3; i++) expect((await signIn('locky', `wrong-${i}`)).status).toBe(401);
    const row = await userRow('locky');
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(row.failedLogins).toBe(0); // counting starts again after the lock
    // the key manager's own writes are in the audit log as its, an update as the columns it changed
    const audited = await f.prisma.auditLog.findMany({
      where: { entityType: 'user_account', entityId: row.id, action: 'update' },
      orderBy: { id: 'asc' },
    });
    expect(audited.map((e) => [e.actorName, e.actorId])).toEqual(
      Array.from({ length: 3 }, () => ['system:key-manager', null]),
    );
    expect(audited.map((e) => e.details)).toEqual([
      expect.objectContaining({ before: { failed_logins: 0 }, after: { failed_logins: 1 } }),
      expect.objectContaining({ before: { failed_logins: 1 }, after: { failed_logins: 2 } }),
      expect.objectContaining({
        before: { failed_logins: 2, locked_until: null },
        after: { failed_logins: 0, locked_until: expect.any(String) as unknown },
      }),
    ]);

    const refused = await signIn('locky', 'right-password-1');
    expect(refused.callback).toBeUndefined();
    expect(refused.status).toBe(429);
    const wait = Number(/Try again in (\d+) seconds\./.exec(refused.html)?.[1]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(300);
  });

  it('keeps the lock when Redis forgets its counters, for the password grant as well', async () => {
    await cleanupRedis(f.redisPrefix); // what a restart of a Redis that saves nothing leaves
    expect((await signIn('locky', 'right-password-1')).status).toBe(429);

    const client = await f.internal('POST', '/clients', {
      clientName: 'pw',
      grantTypes: ['password'],
      allowPasswordGrant: true,
    });
    const grant = await postForm(
      f.km.tokenEndpoint,
      { grant_type: 'password', username: 'locky', password: 'right-password-1' },
      {
        authorization: basicAuth(client.body.clientId, client.body.clientSecret),
        'x-forwarded-for': nextAddress(),
      },
    );
    // the right password, refused
    expect(grant.status).toBe(400);
    expect(grant.body.error).toBe('invalid_grant');
  });

  it('lets the account in once the lock has run out, and clears it', async () => {
    await f.prisma.user.update({
      where: { username: 'locky' },
      data: { lockedUntil: new Date(Date.now() - 1000) },
    });
    expect((await signIn('locky', 'right-password-1')).callback).toBeDefined();
    const row = await userRow('locky');
    expect(row.lockedUntil).toBeNull();
    expect(row.failedLogins).toBe(0);
  });

  it('counts consecutive failures only: a successful login starts the count again', async () => {
    await createUser('forgetful', 'right-password-2');
    for (let i = 0; i < 2; i++) expect((await signIn('forgetful', `wrong-${i}`)).status).toBe(401);
    expect((await userRow('forgetful')).failedLogins).toBe(2);
    expect((await signIn('forgetful', 'right-password-2')).callback).toBeDefined();
    expect((await userRow('forgetful')).failedLogins).toBe(0);
    for (let i = 0; i < 2; i++) expect((await signIn('forgetful', `wrong-${i}`)).status).toBe(401);
    expect((await signIn('forgetful', 'right-password-2')).callback).toBeDefined();
    expect((await userRow('forgetful')).lockedUntil).toBeNull();
  });

  it('refuses an unknown username after as many failures as an account', async () => {
    for (let i = 0; i < 3; i++) expect((await signIn('nobody-here', `wrong-${i}`)).status).toBe(401);
    expect((await signIn('nobody-here', 'anything')).status).toBe(429);
  });
});

describe('lock-out per user, not per address', () => {
  it("a user locked from one address does not stop another user's sign-in from it", async () => {
    await createUser('neighbour', 'right-password-4');
    for (let i = 0; i < 3; i++)
      expect((await signIn('guessed-at', `wrong-${i}`, '10.60.0.1')).status).toBe(401);
    expect((await signIn('guessed-at', 'anything', '10.60.0.1')).status).toBe(429);
    expect((await signIn('neighbour', 'right-password-4', '10.60.0.1')).callback).toBeDefined();
  });

  it('locks the address alone after 10x the threshold, across many usernames', async () => {
    await createUser('late-neighbour', 'right-password-5');
    for (let n = 0; n < 10; n++)
      for (let i = 0; i < 3; i++)
        expect((await signIn(`sprayed-${n}`, `wrong-${i}`, '10.61.0.1')).status).toBe(401);
    const refused = await signIn('late-neighbour', 'right-password-5', '10.61.0.1');
    expect(refused.status).toBe(429);
    expect(refused.callback).toBeUndefined();
    expect((await signIn('late-neighbour', 'right-password-5', '10.61.0.2')).callback).toBeDefined();
  });
});
