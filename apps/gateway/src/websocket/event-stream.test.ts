/**
 * Server-Sent Events APIs through a real gateway and a real SSE clock: events stream as they come
 * (the first before the backend has finished), the backend timeout is an idle one between events,
 * events count against the subscription tier (heartbeat comments do not), a browser's token in the
 * query parameter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { GatewayApi } from '@apim/contracts';
import { startStack, type Stack } from '../test-support/stack.js';
import { startClockBackend, type ClockBackend } from './test-backends.js';

let s: Stack;
let clock: ClockBackend;
let api: GatewayApi;

/** A new application subscribed on `tier`, with an access token. */
async function tokenFor(tier = 'Unlimited'): Promise<string> {
  const app = await s.fx.createApplication({});
  await s.fx.subscribe(app.id, api.id, tier);
  const key = await s.newKey(app.id);
  await s.synced();
  return s.token(key);
}

beforeAll(async () => {
  s = await startStack();
  clock = await startClockBackend();
  await s.fx.upsertPolicy({ type: 'SUBSCRIPTION', name: 'ThreeEvents', requestCount: 3, timeUnit: 'hour' });
  api = await s.fx.deployApi({
    type: 'SSE',
    context: '/clock',
    // an idle timeout: the streams below last longer than it, with events closer together
    endpointConfig: {
      endpoint_type: 'http',
      production_endpoints: { url: clock.url },
      endpointTimeoutMs: 1000,
    },
    operations: [{ verb: 'SUBSCRIBE', target: '/ticks' }],
  });
  await s.synced();
});

afterAll(async () => {
  await clock?.close();
  await s?.close();
});

describe('Server-Sent Events APIs', () => {
  it('streams the first event before the backend has finished the stream', async () => {
    const token = await tokenFor();
    const res = await request(`${s.gw.url}/clock/1.0.0/ticks?count=3&every=500`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    const events = res.body[Symbol.asyncIterator]();
    expect(String((await events.next()).value)).toBe('id: 0\ndata: tick 0\n\n');
    expect(clock.open).toBe(1);
    let rest = '';
    for (let r = await events.next(); !r.done; r = await events.next()) rest += String(r.value);
    expect(rest).toBe('id: 1\ndata: tick 1\n\nid: 2\ndata: tick 2\n\n');
  });

  it('keeps a stream open past the backend timeout while events keep coming (an idle timeout)', async () => {
    const token = await tokenFor();
    const res = await request(`${s.gw.url}/clock/1.0.0/ticks?count=15&every=100&heartbeat=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await res.body.text();
    expect(text.match(/data: tick/g)).toHaveLength(15);
  });

  it('counts events against the tier and ends the stream with an error event when the quota is gone', async () => {
    const token = await tokenFor('ThreeEvents');
    // the request is one, then each event; heartbeat comments are no events
    const res = await request(`${s.gw.url}/clock/1.0.0/ticks?count=5&every=20&heartbeat=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await res.body.text();
    expect(text.match(/data: tick \d/g)).toEqual(['data: tick 0', 'data: tick 1']);
    const error = /event: error\ndata: (.*)\n\n$/.exec(text);
    expect(JSON.parse(error![1]!)).toMatchObject({ code: '900804' });
  });

  it('takes a browser token (EventSource sets no header) from the access_token query parameter', async () => {
    const token = await tokenFor();
    const res = await request(`${s.gw.url}/clock/1.0.0/ticks?count=1&access_token=${token}`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('id: 0\ndata: tick 0\n\n');
    const refused = await request(`${s.gw.url}/clock/1.0.0/ticks?count=1`);
    expect(refused.statusCode).toBe(401);
    await refused.body.dump();
  });

  it('ends an open stream with an error event once its token is revoked (rechecked as WebSocket connections are)', async () => {
    const token = await tokenFor();
    const res = await request(`${s.gw.url}/clock/1.0.0/ticks?count=100000&every=20`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const events = res.body[Symbol.asyncIterator]();
    expect(String((await events.next()).value)).toBe('id: 0\ndata: tick 0\n\n');
    const { jti } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string };
    await s.fx.revokeToken(jti, new Date(Date.now() + 3_600_000));
    let rest = '';
    for (let r = await events.next(); !r.done; r = await events.next()) rest += String(r.value);
    const error = /event: error\ndata: (.*)\n\n$/.exec(rest);
    expect(JSON.parse(error![1]!)).toMatchObject({ code: '900904' });
    // the backend's exchange ended with the client's
    for (let i = 0; clock.open > 0 && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
    expect(clock.open).toBe(0);
  });
});
