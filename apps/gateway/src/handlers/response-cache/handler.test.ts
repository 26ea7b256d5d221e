/**
 * Response caching against a real backend that counts its calls: what is kept, for whom, for how
 * long, and what never is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApi } from '@apim/contracts';
import { startStack, type Stack } from '../../test-support/stack.js';

let s: Stack;
let cached: GatewayApi;
let tokenA: string;
let tokenB: string;

const as = (token: string, more: Record<string, string> = {}) => ({
  headers: { authorization: `Bearer ${token}`, ...more },
});

/** Calls the gateway and tells how many requests the backend received for it. */
async function counted(path: string, init: Parameters<Stack['call']>[1]) {
  const before = s.backend.received.length;
  const r = await s.call(path, init);
  return { ...r, backendCalls: s.backend.received.length - before };
}

beforeAll(async () => {
  s = await startStack({ gatewayEnv: { APIM_GATEWAY_RESPONSE_CACHE_ENTRY_BYTES: '4096' } });
  cached = await s.fx.deployApi({
    context: '/cached',
    backendUrl: s.backend.url,
    cacheTimeout: 1,
    operations: [
      { verb: 'GET', target: '/*' },
      { verb: 'HEAD', target: '/*' },
      { verb: 'POST', target: '/*' },
      { verb: 'GET', target: '/open/*', authEnabled: false },
      {
        verb: 'GET',
        target: '/ruled/*',
        rule: {
          access: {
            strategy: 'jwt',
            jwt: { authentications: [{ issuer: s.km.issuer, jwksUri: `${s.km.url}/oauth2/jwks` }] },
          },
        },
      },
    ],
  });
  await s.fx.deployApi({
    context: '/uncached',
    backendUrl: s.backend.url,
    operations: [{ verb: 'GET', target: '/*', authEnabled: false }],
  });
  const keys = [];
  for (const name of ['A', 'B']) {
    const app = await s.fx.createApplication({ name: `Cache${name}` });
    await s.fx.subscribe(app.id, cached.id);
    keys.push(await s.newKey(app.id));
  }
  await s.synced();
  tokenA = await s.token(keys[0]!);
  tokenB = await s.token(keys[1]!);
});

afterAll(async () => s?.close());

describe('response caching', () => {
  it("serves a caller's repeated GET from the cache until the timeout, then asks the backend again", async () => {
    const first = await counted('/cached/1.0.0/items?page=1', as(tokenA));
    expect(first).toMatchObject({ status: 200, backendCalls: 1 });
    expect(first.headers['x-cache-status']).toBe('Miss');
    const again = await counted('/cached/1.0.0/items?page=1', as(tokenA));
    expect(again).toMatchObject({ status: 200, backendCalls: 0, text: first.text });
    expect(again.headers['x-cache-status']).toBe('Hit');
    expect(again.headers['content-type']).toBe('application/json');
    expect(again.headers.age).toBe('0');
    // still authorised and counted: a cached answer needs a valid credential
    expect((await counted('/cached/1.0.0/items?page=1', {})).status).toBe(401);
    // HEAD is answered from the GET's entry
    const head = await counted('/cached/1.0.0/items?page=1', { ...as(tokenA), method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, backendCalls: 0, text: '' });
    // another query is another answer
    expect((await counted('/cached/1.0.0/items?page=2', as(tokenA))).backendCalls).toBe(1);

    await new Promise((r) => setTimeout(r, 1100));
    expect((await counted('/cached/1.0.0/items?page=1', as(tokenA))).backendCalls).toBe(1);
  });

  it('keeps answers apart per application, and shares those of open resources', async () => {
    await counted('/cached/1.0.0/mine', as(tokenA));
    expect((await counted('/cached/1.0.0/mine', as(tokenB))).backendCalls).toBe(1);
    expect((await counted('/cached/1.0.0/mine', as(tokenB))).backendCalls).toBe(0);
    expect((await counted('/cached/1.0.0/open/news', {})).backendCalls).toBe(1);
    expect((await counted('/cached/1.0.0/open/news', {})).backendCalls).toBe(0);
  });

  it("never keeps the answers of a rule's jwt callers, who are no applications to tell apart", async () => {
    expect((await counted('/cached/1.0.0/ruled/x', as(tokenA))).backendCalls).toBe(1);
    expect((await counted('/cached/1.0.0/ruled/x', as(tokenB))).backendCalls).toBe(1);
    expect((await counted('/cached/1.0.0/ruled/x', as(tokenA))).backendCalls).toBe(1);
  });

  it('never keeps what the backend marks private or uncacheable, sets cookies with, or errors', async () => {
    for (const query of [
      'set-header=cache-control:no-store',
      'set-header=cache-control:private,%20max-age=60',
      'set-header=set-cookie:session=1',
      'set-header=vary:authorization',
    ]) {
      await counted(`/cached/1.0.0/kept?${query}`, as(tokenA));
      expect((await counted(`/cached/1.0.0/kept?${query}`, as(tokenA))).backendCalls, query).toBe(1);
    }
    await counted('/cached/1.0.0/status/500', as(tokenA));
    expect((await counted('/cached/1.0.0/status/500', as(tokenA))).backendCalls).toBe(1);
    // an answer over APIM_GATEWAY_RESPONSE_CACHE_ENTRY_BYTES is relayed whole, not kept
    const big = await counted('/cached/1.0.0/bytes/10000', as(tokenA));
    expect(big.text.length).toBe(10000);
    const bigAgain = await counted('/cached/1.0.0/bytes/10000', as(tokenA));
    expect(bigAgain.headers['x-cache-status']).toBe('Miss');
    expect(bigAgain.text.length).toBe(10000);
    // nor are other methods' answers
    await counted('/cached/1.0.0/posted', { ...as(tokenA), method: 'POST', body: '{}' });
    expect(
      (await counted('/cached/1.0.0/posted', { ...as(tokenA), method: 'POST', body: '{}' })).backendCalls,
    ).toBe(1);
  });

  it('is off unless the API turns it on', async () => {
    await counted('/uncached/1.0.0/x', {});
    const r = await counted('/uncached/1.0.0/x', {});
    expect(r).toMatchObject({ status: 200, backendCalls: 1 });
    expect(r.headers['x-cache-status']).toBeUndefined();
  });
});
