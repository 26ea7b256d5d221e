/**
 * Analytics of WebSocket and Server-Sent Events APIs through a real gateway, stored by the real
 * control plane's analytics worker from the BullMQ queue: a connection or a stream is one event,
 * made when it ends, with its messages each way; the rollups count it as a connection and sum its
 * messages. A refused handshake is a request like any other (no counts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { WebSocket } from 'ws';
import type { GatewayApi } from '@apim/contracts';
import { startControlPlane, type RunningControlPlane } from '@apim/control-plane/testing';
import { eventually, testRedisUrl } from '@apim/testing';
import { startStack, type Stack } from '../../test-support/stack.js';
import {
  startClockBackend,
  startEchoBackend,
  type ClockBackend,
  type EchoBackend,
} from '../../websocket/test-backends.js';

let s: Stack;
let cp: RunningControlPlane;
let echo: EchoBackend;
let clock: ClockBackend;
let chat: GatewayApi;
let ticks: GatewayApi;

/** An application subscribed to every API given, and its access token. */
async function tokenFor(...apis: GatewayApi[]): Promise<string> {
  const app = await s.fx.createApplication({});
  for (const api of apis) await s.fx.subscribe(app.id, api.id);
  const key = await s.newKey(app.id);
  await s.synced();
  return s.token(key);
}

/** The stored events of an API once there are `n` of them. */
const storedEvents = (api: GatewayApi, n: number) =>
  eventually(async () => {
    const rows = await s.fx.prisma.analyticsEvent.findMany({
      where: { apiId: api.id },
      orderBy: { id: 'asc' },
    });
    expect(rows).toHaveLength(n);
    return rows;
  });

beforeAll(async () => {
  // every connection kept as a raw event: these tests read each one
  s = await startStack({ gatewayEnv: { APIM_ANALYTICS_SAMPLE_RATE: '1' } });
  cp = await startControlPlane({
    databaseUrl: s.db.url,
    keyManagerUrl: s.km.url,
    internalSecret: s.km.internalSecret,
    redisUrl: testRedisUrl(),
    redisPrefix: s.redisPrefix,
  });
  echo = await startEchoBackend();
  clock = await startClockBackend();
  chat = await s.fx.deployApi({
    type: 'WS',
    name: 'Chat',
    context: '/chat',
    backendUrl: echo.url,
    operations: [
      { verb: 'SUBSCRIBE', target: '/rooms/{id}' },
      { verb: 'PUBLISH', target: '/rooms/{id}' },
    ],
  });
  ticks = await s.fx.deployApi({
    type: 'SSE',
    name: 'Ticks',
    context: '/ticks',
    backendUrl: clock.url,
    operations: [{ verb: 'SUBSCRIBE', target: '/ticks' }],
  });
  await s.synced();
});

afterAll(async () => {
  await cp?.close();
  await clock?.close();
  await echo?.close();
  await s?.close();
});

describe('analytics of WebSocket and Server-Sent Events APIs', () => {
  it('stores a WebSocket connection as one event with its messages each way, and sums them in the rollups', async () => {
    const token = await tokenFor(chat);
    const wsUrl = s.gw.url.replace(/^http/, 'ws');
    const ws = new WebSocket(`${wsUrl}/chat/1.0.0/rooms/7`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const echoed: string[] = [];
    const threeBack = new Promise<void>((resolve) =>
      ws.on('message', (d) => echoed.push(String(d)) === 3 && resolve()),
    );
    for (const m of ['a', 'b', 'c']) ws.send(m);
    await threeBack;
    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.close(1000);
    await closed;
    expect(echoed).toEqual(['a', 'b', 'c']);
    // a handshake without credentials: refused, a request with no counts
    const refusal = new WebSocket(`${wsUrl}/chat/1.0.0/rooms/7`);
    expect(
      await new Promise((resolve, reject) =>
        refusal
          .once('unexpected-response', (_req, res) => resolve(res.resume().statusCode))
          .once('open', reject),
      ),
    ).toBe(401);

    // the connection is reported once both sides have closed, maybe after the refusal
    const events = await storedEvents(chat, 2);
    const connection = events.find((e) => e.proxyResponseCode === 101);
    const refused = events.find((e) => e.proxyResponseCode !== 101);
    expect(connection).toMatchObject({
      apiName: 'Chat',
      apiResourceTemplate: '/rooms/{id}',
      proxyResponseCode: 101,
      messagesIn: 3,
      messagesOut: 3,
    });
    expect(refused).toMatchObject({ proxyResponseCode: 401, messagesIn: null, messagesOut: null });

    const minutes = await s.fx.prisma.analyticsMinute.findMany({ where: { apiId: chat.id } });
    const sum = (f: (m: (typeof minutes)[number]) => number | bigint) =>
      minutes.reduce((n, m) => n + Number(f(m)), 0);
    expect([
      sum((m) => m.requestCount),
      sum((m) => m.connectionCount),
      sum((m) => m.messagesIn),
      sum((m) => m.messagesOut),
    ]).toEqual([2, 1, 3, 3]);
  });

  it('stores an event stream with the events it delivered', async () => {
    const token = await tokenFor(ticks);
    const res = await request(`${s.gw.url}/ticks/1.0.0/ticks?count=4&every=10`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect((await res.body.text()).match(/data: tick/g)).toHaveLength(4);

    const [stream] = await storedEvents(ticks, 1);
    expect(stream).toMatchObject({ proxyResponseCode: 200, messagesIn: 0, messagesOut: 4 });
    const hours = await s.fx.prisma.analyticsHour.findMany({ where: { apiId: ticks.id } });
    expect(hours.map((h) => [h.connectionCount, h.messagesIn, h.messagesOut])).toEqual([[1, 0n, 4n]]);
  });
});
