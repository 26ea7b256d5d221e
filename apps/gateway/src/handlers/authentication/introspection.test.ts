/**
 * The introspection client against an RFC 7662 endpoint on a real HTTP server (standing for an
 * external provider, whose answers the test chooses): what an answer is worth, caching, the
 * separate negative cache, shared calls and the rate limit. The resident key manager's answers are
 * covered end to end in token-trust.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenBucket } from './introspection-limit.js';
import {
  IntrospectionUnavailable,
  Introspector,
  KEY_MANAGER_OPAQUE_TOKEN,
  judgeIntrospection,
  type IntrospectionOptions,
  type IntrospectionOutcome,
} from './introspection.js';

const AUDIENCE = 'apim-gateway';
const now = () => Math.floor(Date.now() / 1000);
const access = (extra: Record<string, unknown> = {}) => ({
  active: true,
  token_type: 'Bearer',
  aud: AUDIENCE,
  iat: now(),
  exp: now() + 3600,
  client_id: 'c1',
  ...extra,
});

/** answers by token; a token it does not know is inactive */
const answers = new Map<string, Record<string, unknown>>();
const calls: Array<{ token: string; authorization: string | undefined }> = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token') ?? '';
      calls.push({ token, authorization: req.headers.authorization });
      if (token === 'fail') return void res.writeHead(500).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      // a little later, so that concurrent requests overlap
      setTimeout(() => res.end(JSON.stringify(answers.get(token) ?? { active: false })), 20);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

function introspector(o: Partial<IntrospectionOptions> & { shape?: RegExp | null } = {}) {
  const counted: Record<IntrospectionOutcome | 'limited', number> = {
    active: 0,
    inactive: 0,
    error: 0,
    limited: 0,
  };
  const i = new Introspector(
    { url, clientId: 'gw client', clientSecret: 's:e+cret', audience: AUDIENCE, tokenShape: o.shape ?? null },
    {
      cacheMs: 60_000,
      cacheSize: 100,
      negativeCacheSize: 100,
      limit: new TokenBucket(1000, 1000),
      age: { maxLifetimeSec: 86_400 },
      metrics: { called: (r) => counted[r]++, limited: () => counted.limited++ },
      ...o,
    },
  );
  return { i, counted };
}

const callsFor = (token: string) => calls.filter((c) => c.token === token).length;

describe('judging an introspection answer', () => {
  const judge = (body: Record<string, unknown>) =>
    judgeIntrospection(body, AUDIENCE, { maxLifetimeSec: 86_400 });

  it('accepts an active access token for this audience, Bearer or DPoP in any case', () => {
    for (const token_type of ['Bearer', 'bearer', 'DPoP', 'dpop'])
      expect(judge(access({ token_type }))).toHaveProperty('claims');
    expect(judge(access({ aud: ['other', AUDIENCE] }))).toHaveProperty('claims');
    expect(judge(access({ token_use: 'access_token' }))).toHaveProperty('claims');
  });

  it.each([
    ['inactive', { active: false }, undefined],
    ['"active" not literally true', access({ active: 'true' }), undefined],
    ['no expiry', access({ exp: undefined }), 'The token service gave the token no expiry'],
    ['expired', access({ exp: now() - 60 }), 'The access token has expired'],
    [
      'a refresh token (no token_type)',
      access({ token_type: undefined }),
      'The token is not an access token',
    ],
    ['token_type refresh_token', access({ token_type: 'refresh_token' }), 'The token is not an access token'],
    ['token_type N_A', access({ token_type: 'N_A' }), 'The token is not an access token'],
    [
      "the key manager's refresh token type (RFC 8693 URN)",
      access({ token_type: 'urn:ietf:params:oauth:token-type:refresh_token', token_use: 'refresh_token' }),
      'The token is not an access token',
    ],
    ['token_use refresh_token', access({ token_use: 'refresh_token' }), 'The token is not an access token'],
    ['no audience', access({ aud: undefined }), 'The token is not meant for this gateway'],
    ['another audience', access({ aud: 'someone-else' }), 'The token is not meant for this gateway'],
    ['another audience list', access({ aud: ['a', 'b'] }), 'The token is not meant for this gateway'],
    ['issued in the future', access({ iat: now() + 120 }), 'The token was issued in the future'],
    ['living too long', access({ exp: now() + 2 * 86_400 }), 'The token lives longer than'],
  ])('refuses %s', (_name, body, reason) => {
    const verdict = judge(body as Record<string, unknown>);
    expect(verdict).not.toHaveProperty('claims');
    if (reason === undefined) expect(verdict).toEqual({});
    else expect((verdict as { reason: string }).reason).toContain(reason);
  });
});

describe('Introspector', () => {
  it('authenticates with form-encoded client credentials (RFC 6749 §2.3.1)', async () => {
    const { i } = introspector();
    answers.set('auth-check', access());
    await i.introspect('auth-check');
    const sent = calls.find((c) => c.token === 'auth-check')!.authorization!;
    expect(Buffer.from(sent.replace(/^Basic /, ''), 'base64').toString()).toBe('gw+client:s%3Ae%2Bcret');
  });

  it('caches active and inactive answers, each once per token', async () => {
    const { i, counted } = introspector();
    answers.set('good-1', access());
    expect(await i.introspect('good-1')).toMatchObject({ active: true, claims: { client_id: 'c1' } });
    expect(await i.introspect('good-1')).toMatchObject({ active: true });
    expect(await i.introspect('unknown-1')).toMatchObject({ active: false });
    expect(await i.introspect('unknown-1')).toMatchObject({ active: false });
    expect([callsFor('good-1'), callsFor('unknown-1')]).toEqual([1, 1]);
    expect(counted).toMatchObject({ active: 1, inactive: 1 });
  });

  it('keeps an active answer no longer than the token lives', async () => {
    const { i } = introspector();
    answers.set('short-lived', access({ exp: now() + 1 }));
    const first = await i.introspect('short-lived');
    expect(first.expiresAt).toBeLessThanOrEqual((now() + 1) * 1000);
  });

  it('bounds the negative cache on its own: junk does not push good answers out', async () => {
    const { i } = introspector({ cacheSize: 10, negativeCacheSize: 3 });
    answers.set('good-2', access());
    await i.introspect('good-2');
    for (let n = 0; n < 20; n++) await i.introspect(`junk-${n}`);
    await i.introspect('good-2');
    expect(callsFor('good-2')).toBe(1);
    // the oldest junk went out of the negative cache: asking again calls again
    await i.introspect('junk-0');
    expect(callsFor('junk-0')).toBe(2);
    await i.introspect('junk-19');
    expect(callsFor('junk-19')).toBe(1);
  });

  it('shares one call among concurrent requests with the same new token', async () => {
    const { i } = introspector();
    answers.set('popular', access());
    const all = await Promise.all(Array.from({ length: 10 }, () => i.introspect('popular')));
    expect(all.every((a) => a.active)).toBe(true);
    expect(callsFor('popular')).toBe(1);
  });

  it('refuses a string not shaped like the provider’s tokens without a call', async () => {
    const { i, counted } = introspector({ shape: KEY_MANAGER_OPAQUE_TOKEN });
    for (const junk of ['not-a-token', 'a'.repeat(42), 'a'.repeat(44), `${'a'.repeat(42)}=`]) {
      expect(await i.introspect(junk)).toEqual({
        active: false,
        reason: 'The bearer token is not a token this gateway accepts',
        expiresAt: Number.POSITIVE_INFINITY,
      });
      expect(callsFor(junk)).toBe(0);
    }
    expect(counted).toMatchObject({ active: 0, inactive: 0, error: 0, limited: 0 });
  });

  it('refuses over the rate limit without a call, and serves cached answers meanwhile', async () => {
    let clock = 0;
    const { i, counted } = introspector({ limit: new TokenBucket(1, 2, () => clock) });
    answers.set('cached', access());
    await i.introspect('cached');
    await i.introspect('limited-1');
    const over = i.introspect('limited-2');
    await expect(over).rejects.toBeInstanceOf(IntrospectionUnavailable);
    await expect(over).rejects.toMatchObject({ reason: 'rate-limited' });
    expect(callsFor('limited-2')).toBe(0);
    expect(counted.limited).toBe(1);
    expect(await i.introspect('cached')).toMatchObject({ active: true });
    clock += 1000; // one call's worth back
    expect(await i.introspect('limited-2')).toMatchObject({ active: false });
    expect(callsFor('limited-2')).toBe(1);
  });

  it('reports a failing provider as unavailable, and does not remember it', async () => {
    const { i, counted } = introspector();
    await expect(i.introspect('fail')).rejects.toMatchObject({ reason: 'failed' });
    await expect(i.introspect('fail')).rejects.toMatchObject({ reason: 'failed' });
    expect(callsFor('fail')).toBe(2);
    expect(counted.error).toBe(2);
  });
});

describe('TokenBucket', () => {
  it('allows the burst at once, then the rate', () => {
    let clock = 0;
    const b = new TokenBucket(10, 3, () => clock);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    clock += 100; // a tenth of a second: one call at 10/s
    expect([b.take(), b.take()]).toEqual([true, false]);
    clock += 60_000; // never more than the burst saved up
    expect(Array.from({ length: 4 }, () => b.take())).toEqual([true, true, true, false]);
  });
});
