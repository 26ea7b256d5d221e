/**
 * Rules with the noAuth and jwt strategies through a real gateway: the real key manager as one
 * issuer, a second one publishing its JWKS on a real HTTP server; the API's own security,
 * scopes and subscriptions do not apply to operations with a rule, and still do to the others.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationRule } from '@apim/contracts';
import { startStack, type Stack } from '../../test-support/stack.js';
import { startTokenIssuer, type TokenIssuer } from '../../test-support/token-issuer.js';

let s: Stack;
let second: TokenIssuer;
/** a key manager client with no subscription to the API */
let key: { clientId: string; clientSecret: string };

const jwtRule = (jwt: Extract<OperationRule['access'], { strategy: 'jwt' }>['jwt']): OperationRule => ({
  access: { strategy: 'jwt', jwt },
});

beforeAll(async () => {
  [s, second] = await Promise.all([startStack(), startTokenIssuer()]);
  await s.fx.deployApi({
    context: '/ruled',
    backendUrl: s.backend.url,
    operations: [
      { verb: 'GET', target: '/open', scopes: ['apim:admin'], rule: { access: { strategy: 'noAuth' } } },
      {
        verb: 'GET',
        target: '/km',
        rule: jwtRule({
          authentications: [{ issuer: s.km.issuer, jwksUri: `${s.km.url}/oauth2/jwks` }],
          authorizations: [{ requiredScopes: ['apim:subscribe'] }],
        }),
      },
      {
        verb: 'GET',
        target: '/second',
        rule: jwtRule({
          authentications: [
            {
              issuer: second.url,
              jwksUri: `${second.url}/oauth2/jwks`,
              fromHeaders: [{ name: 'X-JWT' }],
              fromParams: ['access_token'],
            },
          ],
          authorizations: [{ audiences: ['orders'] }, { requiredScopes: ['admin', 'audit'] }],
        }),
      },
      { verb: 'GET', target: '/plain' },
    ],
  });
  await s.fx.deployApi({
    context: '/metadata-jwks',
    backendUrl: s.backend.url,
    operations: [
      {
        verb: 'GET',
        target: '/*',
        rule: jwtRule({ authentications: [{ issuer: 'x', jwksUri: 'http://169.254.169.254/jwks' }] }),
      },
    ],
  });
  const app = await s.fx.createApplication();
  key = await s.newKey(app.id);
  await s.synced();
});

afterAll(async () => {
  await Promise.all([s?.close(), second?.close()]);
});

describe('rule access: noAuth', () => {
  it('admits anyone, whatever the API security and the operation scopes say', async () => {
    const r = await s.call('/ruled/1.0.0/open');
    expect(r.status).toBe(200);
  });

  it('leaves the API security to operations without a rule', async () => {
    const r = await s.call('/ruled/1.0.0/plain');
    expect([r.status, r.json.code]).toEqual([401, '900902']);
  });
});

describe('rule access: jwt from the key manager', () => {
  it('asks for a token where the rule looks for one', async () => {
    const r = await s.call('/ruled/1.0.0/km');
    expect([r.status, r.json.code]).toEqual([401, '900902']);
    expect(r.json.description).toBe('Make sure your request has a header: "authorization: Bearer <token>"');
  });

  it('refuses a token without the required scope, naming it (403 900910)', async () => {
    const r = await s.call('/ruled/1.0.0/km', { headers: { authorization: `Bearer ${await s.token(key)}` } });
    expect([r.status, r.json.code]).toEqual([403, '900910']);
    expect(r.json.description).toBe(
      'The token does not carry the scopes apim:subscribe this resource requires',
    );
  });

  it("admits a token with it, from a client subscribed to nothing, and forwards the token's header", async () => {
    const token = await s.token(key, 'apim:subscribe');
    const r = await s.call('/ruled/1.0.0/km', { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    expect((r.json.headers as Record<string, string>).authorization).toBe(`Bearer ${token}`);
  });

  it('refuses what is no JWT, and a JWT of an issuer the rule does not list (401 900901)', async () => {
    for (const token of ['not-a-jwt', await second.sign({ clientId: 'c', scope: 'apim:subscribe' })]) {
      const r = await s.call('/ruled/1.0.0/km', { headers: { authorization: `Bearer ${token}` } });
      expect([r.status, r.json.code]).toEqual([401, '900901']);
    }
  });
});

describe('rule access: jwt from a second issuer', () => {
  it('takes the token from the rule header or query parameter (kept for the backend)', async () => {
    const token = await second.sign({ clientId: 'c', audience: 'orders' });
    expect((await s.call('/ruled/1.0.0/second', { headers: { 'x-jwt': token } })).status).toBe(200);
    const r = await s.call(`/ruled/1.0.0/second?access_token=${token}&q=1`);
    expect(r.status).toBe(200);
    expect(r.json.url).toBe(`/second?access_token=${token}&q=1`);
    // the default location is not one of this rule's
    const elsewhere = await s.call('/ruled/1.0.0/second', { headers: { authorization: `Bearer ${token}` } });
    expect([elsewhere.status, elsewhere.json.code]).toEqual([401, '900902']);
  });

  it('admits any one authorization: the audience, or every scope of the other', async () => {
    const scoped = await second.sign({ clientId: 'c', audience: 'other', scope: 'audit admin' });
    expect((await s.call('/ruled/1.0.0/second', { headers: { 'x-jwt': scoped } })).status).toBe(200);
    const listed = await second.sign({
      clientId: 'c',
      audience: 'other',
      extraClaims: { scp: ['admin', 'audit'] },
    });
    expect((await s.call('/ruled/1.0.0/second', { headers: { 'x-jwt': listed } })).status).toBe(200);
    const partial = await second.sign({ clientId: 'c', audience: 'other', scope: 'admin' });
    const r = await s.call('/ruled/1.0.0/second', { headers: { 'x-jwt': partial } });
    expect([r.status, r.json.code]).toEqual([403, '900910']);
    expect(r.json.description).toBe(
      'The token does not carry the audiences orders, or the scopes audit this resource requires',
    );
  });

  it('refuses an expired token, and one signed with a shared secret', async () => {
    const expired = await second.sign({ clientId: 'c', audience: 'orders', expiresInSec: -60 });
    const hs256 = await new SignJWT({ aud: 'orders' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(second.url)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a shared secret of at least 32 bytes!'));
    for (const [token, description] of [
      [expired, 'The token has expired'],
      [hs256, 'The token is not valid'],
    ] as const) {
      const r = await s.call('/ruled/1.0.0/second', { headers: { 'x-jwt': token } });
      expect([r.status, r.json.code, r.json.description]).toEqual([401, '900901', description]);
    }
  });
});

describe('rule access: outbound URL policy', () => {
  it('refuses to deploy a rule whose JWKS is at a cloud metadata address', async () => {
    const r = await s.call('/metadata-jwks/1.0.0/x');
    expect([r.status, r.json.code]).toEqual([404, '900906']);
  });
});
