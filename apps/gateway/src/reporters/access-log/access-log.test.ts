/**
 * The access log of a real gateway (real key manager, backend and OTLP receiver): one JSON line per
 * request with the analytics event's fields and the trace id, no secret in it; sampling keeps
 * errors.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startOtlpReceiver, testRedisUrl, type OtlpReceiver } from '@apim/testing';
import { startStack, type Stack } from '../../test-support/stack.js';
import { startGateway, type StartedGateway } from '../../testing.js';

let dir: string;
let receiver: OtlpReceiver;
let s: Stack;
let sampled: StartedGateway;
let token: string;
let apiId: string;
let appId: string;

type Line = Record<string, unknown>;

async function lines(file: string): Promise<Line[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

/** The line of a request, by the correlation id the gateway answered with. */
async function lineOf(file: string, correlationId: string): Promise<Line> {
  return eventually(async () => {
    const line = (await lines(file)).find((l) => l.correlationId === correlationId);
    expect(line).toBeDefined();
    return line!;
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'apim-access-log-'));
  receiver = await startOtlpReceiver();
  s = await startStack({
    gatewayEnv: {
      APIM_ACCESS_LOG: path.join(dir, 'nested', 'access.log'),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    },
  });
  const app = await s.fx.createApplication({ name: 'logged-app' });
  appId = app.id;
  apiId = (await s.fx.deployApi({ name: 'Logged', context: '/logged', backendUrl: s.backend.url })).id;
  await s.fx.subscribe(app.id, apiId);
  token = await s.token(await s.newKey(app.id));
  sampled = await startGateway({
    databaseUrl: s.db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: s.redisPrefix,
    keyManagerUrl: s.km.url,
    internalSecret: s.km.internalSecret,
    env: { APIM_ACCESS_LOG: path.join(dir, 'sampled.log'), APIM_ACCESS_LOG_SAMPLE_RATE: '0' },
  });
  await s.synced();
});

afterAll(async () => {
  await sampled?.close();
  await s?.close();
  await receiver?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('access log', () => {
  const file = () => path.join(dir, 'nested', 'access.log');

  it('writes a JSON line per request with the analytics fields and the trace id, and no secret', async () => {
    const r = await s.call('/logged/1.0.0/pets/7?api_key=secret-in-query', {
      headers: {
        authorization: `Bearer ${token}`,
        'user-agent': 'access-log-test/1',
        'x-api-key': 'secret-header',
      },
    });
    expect(r.status).toBe(200);
    const correlationId = String(r.headers['x-request-id']);
    const line = await lineOf(file(), correlationId);
    const traceId = /^00-([0-9a-f]{32})-/.exec(String(s.backend.received.at(-1)!.headers.traceparent))?.[1];
    expect(line).toMatchObject({
      log: 'access',
      apiMethod: 'GET',
      path: '/logged/1.0.0/pets/7',
      apiId,
      apiName: 'Logged',
      apiVersion: '1.0.0',
      apiContext: '/logged',
      apiResourceTemplate: '/*',
      applicationId: appId,
      applicationName: 'logged-app',
      keyType: 'PRODUCTION',
      proxyResponseCode: 200,
      targetResponseCode: 200,
      errorCode: null,
      errorType: null,
      userIp: '127.0.0.1',
      userAgent: 'access-log-test/1',
      traceId,
    });
    expect(typeof line.responseLatency).toBe('number');
    expect(typeof line.backendLatency).toBe('number');
    expect(typeof line.requestMediationLatency).toBe('number');
    // ISO 8601 in UTC with milliseconds, the time the request came in
    expect(new Date(String(line.time)).toISOString()).toBe(line.time);
    expect(Math.abs(Date.now() - Date.parse(String(line.time)))).toBeLessThan(60_000);
    const text = await readFile(file(), 'utf8');
    for (const secret of ['secret-in-query', 'secret-header', token]) expect(text).not.toContain(secret);
  });

  it('logs a refusal with its error code, and a request that matched no API', async () => {
    const refused = await s.call('/logged/1.0.0/pets', { headers: { authorization: 'Bearer not-a-token' } });
    expect(refused.status).toBe(401);
    expect(await lineOf(file(), String(refused.headers['x-request-id']))).toMatchObject({
      apiName: 'Logged',
      proxyResponseCode: 401,
      targetResponseCode: null,
      errorCode: '900901',
      errorType: 'INVALID_CREDENTIALS',
      backendLatency: null,
    });
    const unknown = await s.call('/nowhere');
    expect(await lineOf(file(), String(unknown.headers['x-request-id']))).toMatchObject({
      apiId: null,
      path: '/nowhere',
      proxyResponseCode: 404,
    });
  });

  it('samples successes away at rate 0 but always logs errors', async () => {
    const call = (headers: Record<string, string>) =>
      fetch(`${sampled.url}/logged/1.0.0/x`, { headers }).then(async (r) => {
        await r.arrayBuffer();
        return { status: r.status, id: r.headers.get('x-request-id')! };
      });
    const ok = await call({ authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    const missing = await call({});
    expect(missing.status).toBe(401);
    const sampledFile = path.join(dir, 'sampled.log');
    expect(await lineOf(sampledFile, missing.id)).toMatchObject({ errorCode: '900902', traceId: null });
    // written in order: the success before it was left out, not late
    expect((await lines(sampledFile)).map((l) => l.correlationId)).toEqual([missing.id]);
  });
});
