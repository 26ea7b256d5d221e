/**
 * Client-authentication lock-out that cannot lock everyone out: failures count per (address,
 * client) at APIM_BRUTE_FORCE_MAX_FAILURES, per client and per address at the much higher
 * APIM_BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS (10x by default), so one caller behind a shared
 * address (a NAT, a load balancer) locks itself, not its neighbours. The key manager trusts the
 * loopback proxy here, so each test picks its caller's address with X-Forwarded-For.
 */
import { describe, expect, it } from 'vitest';
import { addressBucket } from './brute-force-guard.js';
import { basicAuth, postForm, useKeyManager } from '../test-helpers/index.js';

const CONSOLE = 'http://127.0.0.1:9443';
const f = useKeyManager({
  consoleUrl: CONSOLE,
  // 3 per (address, client); 30 per address and per client (the default 10x)
  env: { APIM_BRUTE_FORCE_MAX_FAILURES: '3', APIM_TRUST_PROXY: 'loopback' },
});

async function newClient(callbackUrl?: string) {
  const res = await f.internal('POST', '/clients', {
    clientName: 'bf',
    grantTypes: ['client_credentials'],
    ...(callbackUrl ? { callbackUrl } : {}),
  });
  expect(res.status).toBe(201);
  return res.body as { clientId: string; clientSecret: string };
}

function token(clientId: string, secret: string, from: string, headers: Record<string, string> = {}) {
  return postForm(
    f.km.tokenEndpoint,
    { grant_type: 'client_credentials' },
    { authorization: basicAuth(clientId, secret), 'x-forwarded-for': from, ...headers },
  );
}

function expectLocked(res: Awaited<ReturnType<typeof postForm>>) {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({
    error: 'too_many_requests',
    error_description: 'too many failed attempts, retry later',
  });
  const wait = Number(res.headers.get('retry-after'));
  expect(wait).toBeGreaterThan(0);
  expect(wait).toBeLessThanOrEqual(300);
}

describe('client authentication lock-out', () => {
  it("locks a failing client at that address only: its neighbours' correct requests go through", async () => {
    const a = await newClient();
    const b = await newClient();
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      statuses.push((await token(a.clientId, `wrong-${i}`, '10.40.0.1')).status);
      // client B, correct, from the same address, all along
      if (i % 10 === 9) expect((await token(b.clientId, b.clientSecret, '10.40.0.1')).status).toBe(200);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(new Set(statuses.slice(3))).toEqual(new Set([429]));

    expectLocked(await token(a.clientId, a.clientSecret, '10.40.0.1'));
    // A itself is not switched off for its callers elsewhere
    expect((await token(a.clientId, a.clientSecret, '10.40.0.2')).status).toBe(200);
  });

  it('believes only the hop the trusted proxy appended, not a spoofed leftmost one', async () => {
    const a = await newClient();
    for (let i = 0; i < 3; i++)
      expect((await token(a.clientId, 'wrong', `6.6.6.${i}, 10.41.0.1`)).status).toBe(401);
    // a new made-up hop on the left does not make a new caller
    expectLocked(await token(a.clientId, a.clientSecret, '7.7.7.7, 10.41.0.1'));
    expect((await token(a.clientId, a.clientSecret, '6.6.6.0, 10.41.0.2')).status).toBe(200);
  });

  it('locks the address alone only after 10x the threshold, across many clients', async () => {
    const b = await newClient();
    // unknown clients count as well, so the answer does not tell which ids exist
    for (let n = 0; n < 9; n++)
      for (let i = 0; i < 3; i++) expect((await token(`ghost-${n}`, 'x', '10.42.0.1')).status).toBe(401);
    expect((await token(b.clientId, b.clientSecret, '10.42.0.1')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await token('ghost-9', 'x', '10.42.0.1')).status).toBe(401);

    expectLocked(await token(b.clientId, b.clientSecret, '10.42.0.1'));
    expectLocked(await token('ghost-10', 'x', '10.42.0.1'));
    expect((await token(b.clientId, b.clientSecret, '10.42.0.2')).status).toBe(200);
  });

  it('locks a client everywhere once it fails from many addresses, at the higher threshold', async () => {
    const c = await newClient();
    for (let i = 0; i < 30; i++) expect((await token(c.clientId, 'wrong', `10.43.${i}.1`)).status).toBe(401);
    expectLocked(await token(c.clientId, c.clientSecret, '10.43.200.1'));
  });

  it('counts an IPv6 caller by its /64, which it could otherwise walk through', async () => {
    const a = await newClient();
    for (const host of ['a', 'b', 'c'])
      expect((await token(a.clientId, 'wrong', `2001:db8:1:2::${host}`)).status).toBe(401);
    expectLocked(await token(a.clientId, a.clientSecret, '2001:db8:1:2:ffff::1'));
    expect((await token(a.clientId, a.clientSecret, '2001:db8:1:3::1')).status).toBe(200);
  });

  it("never locks the gateways' client everywhere: failures lock only their own addresses", async () => {
    const introspect = (secret: string, from: string) =>
      postForm(
        `${f.km.url}/oauth2/introspect`,
        { token: 'x' },
        { authorization: basicAuth('apim-gateway', secret), 'x-forwarded-for': from },
      );
    for (let i = 0; i < 30; i++) expect((await introspect('wrong', `10.48.${i}.1`)).status).toBe(401);
    const gateway = await introspect(f.km.internalSecret, '10.48.200.1');
    expect(gateway.status).toBe(200);
    expect(gateway.body).toEqual({ active: false });
    // the address that keeps failing is locked, as for any client
    for (let i = 0; i < 2; i++) expect((await introspect('wrong', '10.48.0.1')).status).toBe(401);
    expectLocked(await introspect(f.km.internalSecret, '10.48.0.1'));
  });

  it('counts a secret in the body (client_secret_post) the same way', async () => {
    const c = await newClient();
    const post = (secret: string, from: string) =>
      postForm(
        f.km.tokenEndpoint,
        { grant_type: 'client_credentials', client_id: c.clientId, client_secret: secret },
        { 'x-forwarded-for': from },
      );
    for (let i = 0; i < 3; i++) expect((await post('wrong', '10.44.0.1')).status).toBe(401);
    expectLocked(await post(c.clientSecret, '10.44.0.1'));
    expect((await post(c.clientSecret, '10.44.0.2')).status).toBe(200);
  });

  it('counts failures at introspection and revocation too', async () => {
    const c = await newClient();
    for (const path of ['/oauth2/introspect', '/oauth2/revoke', '/oauth2/introspect'])
      expect(
        (
          await postForm(
            `${f.km.url}${path}`,
            { token: 'x' },
            { authorization: basicAuth(c.clientId, 'wrong'), 'x-forwarded-for': '10.45.0.1' },
          )
        ).status,
      ).toBe(401);
    expectLocked(await token(c.clientId, c.clientSecret, '10.45.0.1'));
  });
});

describe('a browser can read the lock-out (CORS)', () => {
  /** The console's own request: a public client's code exchange, from its origin. */
  const consoleExchange = (from: string) =>
    postForm(
      f.km.tokenEndpoint,
      {
        grant_type: 'authorization_code',
        client_id: 'apim-console',
        code: 'not-a-code',
        code_verifier: 'v'.repeat(43),
        redirect_uri: `${CONSOLE}/console/callback`,
      },
      { origin: CONSOLE, 'x-forwarded-for': from },
    );

  it("answers the console's exchange from a locked address 429, readable cross-origin", async () => {
    const before = await consoleExchange('10.46.0.1');
    expect(before.status).toBe(400);
    expect(before.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(before.headers.get('access-control-expose-headers')).toMatch(/\bRetry-After\b/);

    for (let n = 0; n < 10; n++)
      for (let i = 0; i < 3; i++) expect((await token(`ghost-cors-${n}`, 'x', '10.46.0.1')).status).toBe(401);

    const locked = await consoleExchange('10.46.0.1');
    expectLocked(locked);
    expect(locked.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(locked.headers.get('access-control-expose-headers')).toMatch(/\bRetry-After\b/);
    expect(locked.headers.get('vary')).toMatch(/Origin/i);
  });

  it('answers a locked client with an allowed origin 429 with CORS headers', async () => {
    const app = 'http://spa.example.test';
    const c = await newClient(`${app}/cb`);
    const post = (secret: string) =>
      postForm(
        f.km.tokenEndpoint,
        { grant_type: 'client_credentials', client_id: c.clientId, client_secret: secret },
        { origin: app, 'x-forwarded-for': '10.47.0.1' },
      );
    for (let i = 0; i < 3; i++) expect((await post('wrong')).status).toBe(401);
    const locked = await post(c.clientSecret);
    expectLocked(locked);
    expect(locked.headers.get('access-control-allow-origin')).toBe(app);
    expect(locked.headers.get('access-control-expose-headers')).toMatch(/\bRetry-After\b/);
  });
});

describe('addressBucket', () => {
  it('keeps IPv4 addresses and takes the /64 of IPv6 ones, however written', () => {
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('2001:db8:1:2::a')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:0DB8:0001:0002:ffff:0:0:1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64');
    expect(addressBucket('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(addressBucket('1:2:3:4:5::')).toBe('1:2:3:4::/64');
  });
});
