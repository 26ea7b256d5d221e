import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApi } from '@apim/contracts';
import { startControlPlane, type RunningControlPlane } from '@apim/control-plane/testing';
import { eventually, testRedisUrl } from '@apim/testing';
import { startStack, type Stack } from '../../test-support/stack.js';

let s: Stack;
let api: GatewayApi;
/** the real control plane: its analytics worker stores what the gateway ships */
let cp: RunningControlPlane;

beforeAll(async () => {
  // every request kept as a raw event: these tests read each one
  s = await startStack({ gatewayEnv: { APIM_ANALYTICS_SAMPLE_RATE: '1' } });
  cp = await startControlPlane({
    databaseUrl: s.db.url,
    keyManagerUrl: s.km.url,
    internalSecret: s.km.internalSecret,
    redisUrl: testRedisUrl(),
    redisPrefix: s.redisPrefix,
  });
  api = await s.fx.deployApi({
    name: 'Measured',
    context: '/measured',
    backendUrl: s.backend.url,
    operations: [{ verb: 'GET', target: '/item/{id}' }],
  });
  await s.synced();
});

afterAll(async () => {
  await cp?.close();
  await s?.close();
});

describe('analytics and metrics', () => {
  it('ships one event per request with WSO2 fields, stored by the control plane with per-minute rollups', async () => {
    const app = await s.fx.createApplication({ name: 'Counted' });
    await s.fx.subscribe(app.id, api.id);
    const key = await s.newKey(app.id);
    await s.synced();
    const token = await s.token(key);
    for (let i = 0; i < 3; i++)
      expect(
        (
          await s.call('/measured/1.0.0/item/7', {
            headers: { authorization: `Bearer ${token}`, 'user-agent': 'probe/1' },
          })
        ).status,
      ).toBe(200);
    expect((await s.call('/measured/1.0.0/item/7')).status).toBe(401);

    const events = await eventually(async () => {
      const rows = await s.fx.prisma.analyticsEvent.findMany({
        where: { apiId: api.id },
        orderBy: { id: 'asc' },
      });
      expect(rows).toHaveLength(4);
      return rows;
    });
    expect(events[0]).toMatchObject({
      apiName: 'Measured',
      apiVersion: '1.0.0',
      apiContext: '/measured',
      apiResourceTemplate: '/item/{id}',
      apiMethod: 'GET',
      applicationId: app.id,
      applicationName: 'Counted',
      keyType: 'PRODUCTION',
      proxyResponseCode: 200,
      targetResponseCode: 200,
      userAgent: 'probe/1',
      userIp: '127.0.0.1',
      errorCode: null,
      // a plain request: no message counts
      messagesIn: null,
      messagesOut: null,
    });
    expect(events[0]!.backendLatency).not.toBeNull();
    // request and response mediation are measured (whole milliseconds, so 0 for a passthrough)
    expect(events[0]!.requestMediationLatency).toBeGreaterThanOrEqual(0);
    expect(events[0]!.responseMediationLatency).toBeGreaterThanOrEqual(0);
    expect(events[0]!.responseLatency).toBeGreaterThanOrEqual(events[0]!.backendLatency!);
    // stored with the time the request arrived (within this test's run)
    expect(Date.now() - events[0]!.requestTimestamp!.getTime()).toBeLessThan(60_000);
    // each event carries the id its gateway gave it, which makes storing it idempotent
    expect(new Set(events.map((e) => e.eventId)).size).toBe(4);
    expect(events[3]).toMatchObject({
      proxyResponseCode: 401,
      errorCode: '900902',
      errorType: 'MISSING_CREDENTIALS',
      targetResponseCode: null,
    });

    const minutes = await s.fx.prisma.analyticsMinute.findMany({ where: { apiId: api.id } });
    const totals = minutes.reduce(
      (t, m) => ({ requests: t.requests + m.requestCount, errors: t.errors + m.errorCount }),
      { requests: 0, errors: 0 },
    );
    expect(totals).toEqual({ requests: 4, errors: 1 });
    expect(minutes.flatMap((m) => m.latencyBuckets).reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('exposes Prometheus metrics by API and status', async () => {
    const text = await s.gw.app.metricsText();
    expect(text).toMatch(/apim_gateway_requests_total\{api="Measured:1.0.0",status="200"\} 3/);
    expect(text).toMatch(/apim_gateway_requests_total\{api="Measured:1.0.0",status="401"\} 1/);
    expect(text).toContain('apim_gateway_request_duration_seconds_bucket');
    expect(text).toMatch(/apim_gateway_rate_limits_shared 1/);
    expect(text).toMatch(/apim_gateway_database_connected 1/);
  });

  it('stores every request once, also when clients repeat their own X-Request-ID', async () => {
    const before = await s.fx.prisma.analyticsEvent.count({ where: { correlationId: 'client-chosen-id' } });
    for (let i = 0; i < 2; i++)
      expect(
        (await s.call('/measured/1.0.0/item/8', { headers: { 'x-request-id': 'client-chosen-id' } })).status,
      ).toBe(401);
    const rows = await eventually(async () => {
      const r = await s.fx.prisma.analyticsEvent.findMany({ where: { correlationId: 'client-chosen-id' } });
      expect(r).toHaveLength(before + 2);
      return r;
    });
    expect(new Set(rows.map((r) => r.eventId)).size).toBe(rows.length);
  });
});
