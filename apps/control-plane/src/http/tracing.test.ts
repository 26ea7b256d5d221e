/**
 * The control plane's requests as server spans of the caller's trace, exported over OTLP to a real
 * receiver when OTEL_EXPORTER_OTLP_ENDPOINT is set; health probes make none.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupRedis,
  createTestDatabase,
  eventually,
  startOtlpReceiver,
  testRedisPrefix,
  testRedisUrl,
  type OtlpReceiver,
  type TestDatabase,
} from '@apim/testing';
import { startControlPlane, type RunningControlPlane } from '../testing.js';

let db: TestDatabase;
let receiver: OtlpReceiver;
let cp: RunningControlPlane;
const prefix = testRedisPrefix();

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startOtlpReceiver();
  cp = await startControlPlane({
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
});
afterAll(async () => {
  await cp?.close();
  await receiver?.close();
  await db?.drop();
  await cleanupRedis(prefix);
});

describe('control plane tracing', () => {
  it("continues the caller's trace with a server span per request, health probes left out", async () => {
    const traceId = randomBytes(16).toString('hex');
    const parent = randomBytes(8).toString('hex');
    await fetch(`${cp.url}/healthz`, { headers: { traceparent: `00-${traceId}-${parent}-01` } });
    const res = await fetch(`${cp.url}/api/am/publisher/v4/apis?limit=5&token=not-in-spans`, {
      headers: { traceparent: `00-${traceId}-${parent}-01`, 'user-agent': 'tracing-test/1' },
    });
    expect(res.status).toBe(401);
    const spans = await eventually(() => {
      const found = receiver.spans().filter((s) => s.traceId === traceId);
      expect(found.length).toBeGreaterThan(0);
      return found;
    });
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      kind: 2,
      parentSpanId: parent,
      resource: { 'service.name': 'apim-control-plane' },
      attributes: {
        'http.request.method': 'GET',
        'url.path': '/api/am/publisher/v4/apis',
        'http.response.status_code': 401,
        'user_agent.original': 'tracing-test/1',
      },
    });
    expect(spans[0]!.name).toMatch(/^GET\b/);
    expect(JSON.stringify(spans)).not.toContain('not-in-spans');
  });
});
