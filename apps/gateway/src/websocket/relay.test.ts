/**
 * WebSocket APIs through real gateways (one more for the cross-node revocation, one with a short
 * idle timeout) and a real `ws` echo backend: credentials in a header, a query parameter or the
 * subprotocols, a refused handshake in WSO2's shape, message quotas, revocation and unsubscription
 * closing open sockets, the message size limit and the idle timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeJwt } from 'jose';
import type { GatewayApi } from '@apim/contracts';
import { eventually, testRedisUrl } from '@apim/testing';
import { startStack, type Stack } from '../test-support/stack.js';
import { startGateway, type StartedGateway } from '../testing.js';
import { startEchoBackend, type EchoBackend } from './test-backends.js';

let s: Stack;
let echo: EchoBackend;
let api: GatewayApi;
let second: StartedGateway;
let idle: StartedGateway;

type Opened = { ws: WebSocket } | { status: number; body: Record<string, unknown> };

/** Opens a socket through a gateway; an HTTP answer instead of the upgrade is returned as it is. */
function open(
  gatewayUrl: string,
  path: string,
  o: { headers?: Record<string, string>; protocols?: string[] } = {},
): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}${path}`, o.protocols ?? [], {
      headers: o.headers,
    });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
      );
    });
    ws.once('error', reject);
  });
}

async function socket(gatewayUrl: string, path: string, o?: Parameters<typeof open>[2]): Promise<WebSocket> {
  const r = await open(gatewayUrl, path, o);
  if (!('ws' in r)) throw new Error(`handshake answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.ws;
}

const next = (ws: WebSocket) => new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
const closed = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((r) =>
    ws.once('close', (code, reason) => r({ code, reason: reason.toString() })),
  );

/** A new application subscribed on `tier`, with an access token. */
async function caller(tier = 'Unlimited'): Promise<{ appId: string; token: string }> {
  const app = await s.fx.createApplication({});
  await s.fx.subscribe(app.id, api.id, tier);
  const key = await s.newKey(app.id);
  await s.synced();
  return { appId: app.id, token: await s.token(key) };
}

beforeAll(async () => {
  s = await startStack({ gatewayEnv: { APIM_GATEWAY_MAX_MESSAGE_BYTES: '4096' } });
  echo = await startEchoBackend();
  await s.fx.upsertPolicy({ type: 'SUBSCRIPTION', name: 'FiveMessages', requestCount: 5, timeUnit: 'hour' });
  api = await s.fx.deployApi({
    type: 'WS',
    context: '/chat',
    backendUrl: echo.url,
    securitySchemes: ['oauth2', 'api_key'],
    operations: [
      { verb: 'SUBSCRIBE', target: '/rooms/{id}' },
      { verb: 'PUBLISH', target: '/rooms/{id}' },
    ],
  });
  const options = {
    databaseUrl: s.db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: s.redisPrefix,
    keyManagerUrl: s.km.url,
    internalSecret: s.km.internalSecret,
  };
  second = await startGateway(options);
  idle = await startGateway({ ...options, env: { APIM_GATEWAY_WS_IDLE_TIMEOUT_MS: '300' } });
  await s.synced();
});

afterAll(async () => {
  await idle?.close();
  await second?.close();
  await echo?.close();
  await s?.close();
});

describe('WebSocket APIs', () => {
  it('relays messages both ways to the channel after a handshake with a token in the header', async () => {
    const { token } = await caller();
    const ws = await socket(s.gw.url, '/chat/1.0.0/rooms/7?lang=en', {
      headers: { authorization: `Bearer ${token}` },
    });
    ws.send('hello');
    expect(await next(ws)).toBe('hello');
    ws.send(Buffer.from([1, 2, 3]));
    expect([...Buffer.from(await next(ws))]).toEqual([1, 2, 3]);
    const backendSaw = echo.handshakes.at(-1)!;
    expect(backendSaw.url).toBe('/rooms/7?lang=en');
    expect(backendSaw.headers.authorization).toBeUndefined();
    const done = closed(ws);
    ws.close(1000, 'bye');
    expect(await done).toEqual({ code: 1000, reason: 'bye' });
    // counted once both sides are closed
    await eventually(async () =>
      expect(await s.gw.app.metricsText()).toMatch(
        new RegExp(`apim_gateway_stream_messages_total\\{api="${api.name}:1.0.0",direction="in"\\} 2`),
      ),
    );
  });

  it('refuses a handshake without credentials with an HTTP answer in WSO2 shape', async () => {
    const r = await open(s.gw.url, '/chat/1.0.0/rooms/7');
    expect(r).toMatchObject({ status: 401, body: { code: '900902' } });
    const badToken = await open(s.gw.url, '/chat/1.0.0/rooms/7', {
      headers: { authorization: 'Bearer nonsense' },
    });
    expect(badToken).toMatchObject({ status: 401, body: { code: '900901' } });
  });

  it('takes a browser token from the access_token query parameter and keeps it from the backend', async () => {
    const { token } = await caller();
    const ws = await socket(s.gw.url, `/chat/1.0.0/rooms/8?access_token=${token}&x=1`);
    expect(echo.handshakes.at(-1)!.url).toBe('/rooms/8?x=1');
    ws.close();
  });

  it('takes an API key from the apikey query parameter', async () => {
    const { appId } = await caller();
    const ws = await socket(s.gw.url, `/chat/1.0.0/rooms/9?apikey=${await s.apiKey(appId)}`);
    ws.send('k');
    expect(await next(ws)).toBe('k');
    ws.close();
  });

  it('takes a token from Sec-WebSocket-Protocol, offering the backend the other subprotocols', async () => {
    const { token } = await caller();
    const alone = await socket(s.gw.url, '/chat/1.0.0/rooms/1', { protocols: ['access_token', token] });
    // a browser fails a handshake answered with none of its protocols: it gets the marker back
    expect(alone.protocol).toBe('access_token');
    expect(echo.handshakes.at(-1)!.headers['sec-websocket-protocol']).toBeUndefined();
    const chat = await socket(s.gw.url, '/chat/1.0.0/rooms/1', {
      protocols: ['chat', 'access_token', token],
    });
    expect(chat.protocol).toBe('chat');
    expect(echo.handshakes.at(-1)!.headers['sec-websocket-protocol']).toBe('chat');
    alone.close();
    chat.close();
  });

  it('closes with 4003 when the subscription tier counts its last message (either way)', async () => {
    const { token } = await caller('FiveMessages');
    // the handshake is one request, then each message in and each echo out counts
    const ws = await socket(s.gw.url, '/chat/1.0.0/rooms/2', {
      headers: { authorization: `Bearer ${token}` },
    });
    for (const m of ['a', 'b']) {
      ws.send(m);
      expect(await next(ws)).toBe(m);
    }
    const done = closed(ws);
    ws.send('c');
    expect(await done).toEqual({ code: 4003, reason: 'Websocket frame throttled out' });
  });

  it('closes open sockets on every gateway within a second once their token is revoked', async () => {
    const { token } = await caller();
    const headers = { authorization: `Bearer ${token}` };
    const sockets = [
      await socket(s.gw.url, '/chat/1.0.0/rooms/3', { headers }),
      await socket(second.url, '/chat/1.0.0/rooms/3', { headers }),
    ];
    const closes = Promise.all(sockets.map(closed));
    const { jti, exp } = decodeJwt(token);
    await s.fx.revokeToken(String(jti), new Date(exp! * 1000));
    const late = new Promise<'late'>((r) => setTimeout(() => r('late'), 1000).unref());
    expect(await Promise.race([closes, late])).toEqual([
      { code: 4001, reason: 'Invalid Credentials' },
      { code: 4001, reason: 'Invalid Credentials' },
    ]);
  });

  it('closes an open socket with 4002 when its subscription is removed', async () => {
    const { appId, token } = await caller();
    const ws = await socket(s.gw.url, '/chat/1.0.0/rooms/4', {
      headers: { authorization: `Bearer ${token}` },
    });
    const done = closed(ws);
    await s.fx.unsubscribe(appId, api.id);
    expect(await done).toEqual({ code: 4002, reason: 'User NOT authorized to access the resource' });
  });

  it('closes with 1009 on a message larger than APIM_GATEWAY_MAX_MESSAGE_BYTES', async () => {
    const { token } = await caller();
    const ws = await socket(s.gw.url, '/chat/1.0.0/rooms/5', {
      headers: { authorization: `Bearer ${token}` },
    });
    ws.send('x'.repeat(4096));
    expect(await next(ws)).toHaveLength(4096);
    const done = closed(ws);
    ws.send('x'.repeat(4097));
    expect((await done).code).toBe(1009);
  });

  it('closes an idle connection with 1001 after APIM_GATEWAY_WS_IDLE_TIMEOUT_MS', async () => {
    const { token } = await caller();
    const ws = await socket(idle.url, '/chat/1.0.0/rooms/6', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await closed(ws)).toEqual({ code: 1001, reason: 'Idle timeout' });
  });

  it('answers 502 when the backend takes no WebSocket, and 405 to an upgrade on a REST resource', async () => {
    const down = await s.fx.deployApi({
      type: 'WS',
      context: '/down',
      backendUrl: 'ws://127.0.0.1:9',
      operations: [{ verb: 'SUBSCRIBE', target: '/feed' }],
    });
    const rest = await s.fx.deployApi({ context: '/plain', backendUrl: s.backend.url });
    const app = await s.fx.createApplication({});
    await s.fx.subscribe(app.id, down.id);
    const key = await s.newKey(app.id);
    await s.synced();
    const headers = { authorization: `Bearer ${await s.token(key)}` };
    expect(await open(s.gw.url, '/down/1.0.0/feed', { headers })).toMatchObject({
      status: 502,
      body: { code: '101503' },
    });
    expect(await open(s.gw.url, `${rest.context}/1.0.0/x`, { headers })).toMatchObject({
      status: 405,
      body: { code: '900906' },
    });
  });
});
