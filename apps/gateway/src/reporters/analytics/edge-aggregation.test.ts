/**
 * Analytics aggregated at the edge, end to end: real gateways count requests into per-minute
 * rollups and keep the raw events worth keeping, the real control plane's worker merges them, and
 * its REST summary (what the console's dashboards show) is read back. Each gateway's analytics
 * clock is set so that requests land in chosen minutes (no waiting for minutes to pass), and its
 * batches are flushed by the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  LATENCY_BUCKET_COUNT,
  latencyBucket,
  percentilesOf,
  sampledIn,
  type GatewayApi,
} from '@apim/contracts';
import { startControlPlane, type RunningControlPlane } from '@apim/control-plane/testing';
import {
  TEST_ADMIN_PASSWORD,
  eventually,
  startOtlpReceiver,
  startRedisServer,
  testRedisUrl,
  type OtlpReceiver,
  type OwnRedis,
} from '@apim/testing';
import { startStack, type Stack } from '../../test-support/stack.js';
import { startGateway, type StartedGateway } from '../../testing.js';

const ADMIN = `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`;
/** flushed by the test, not by the timer */
const MANUAL_FLUSH = { APIM_GATEWAY_ANALYTICS_FLUSH_MS: '600000' };
const MINUTE = 60_000;
/** three minutes ago, on a minute boundary: the burst goes to this minute and the next two */
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * MINUTE;

let s: Stack;
/** the control plane also exports to an OTLP endpoint (a collector's stand-in) */
let otlp: OtlpReceiver;
let cp: RunningControlPlane;
const gateways: StartedGateway[] = [];
let token: string;
let appId: string;

interface Summary {
  totals: { requests: number; errors: number; throttled: number };
  timeline: Array<{ time: string; requests: number; errors: number; throttled: number }>;
  latency: {
    p50: number | null;
    p90: number | null;
    p95: number | null;
    p99: number | null;
    max: number | null;
  };
  byApi: Array<{ apiId: string; requests: number }>;
  byResource: Array<{
    resourceTemplate: string;
    method: string;
    requests: number;
    errors: number;
    throttled: number;
    latency: Summary['latency'];
  }>;
  recent: Array<{ correlationId: string; proxyResponseCode: number }>;
  sampling: { successRate: number | null };
}

async function summary(query: string): Promise<Summary> {
  const res = await request(`${cp.url}/api/am/admin/v4/analytics/summary?${query}`, {
    headers: { authorization: ADMIN },
  });
  const text = await res.body.text();
  expect(res.statusCode, text).toBe(200);
  return JSON.parse(text) as Summary;
}

/** The real control plane on this stack's database, with its analytics worker on `redisUrl`. */
function controlPlane(redisUrl: string, o: { env?: Record<string, string>; logLevel?: string }) {
  return startControlPlane({
    databaseUrl: s.db.url,
    keyManagerUrl: s.km.url,
    internalSecret: s.km.internalSecret,
    redisUrl,
    redisPrefix: s.redisPrefix,
    ...o,
  });
}

/** Another gateway of this stack (its analytics on `redisUrl`), closed by the test. */
function gateway(env: Record<string, string>, redisUrl = testRedisUrl()) {
  return startGateway({
    databaseUrl: s.db.url,
    redisUrl,
    redisPrefix: s.redisPrefix,
    keyManagerUrl: s.km.url,
    internalSecret: s.km.internalSecret,
    env,
  });
}

async function startAnotherGateway(env: Record<string, string>) {
  const gw = await gateway(env);
  gateways.push(gw);
  return gw;
}

/** Waits until the gateway has applied every change made so far. */
async function synced(gw: StartedGateway) {
  const last = await s.fx.lastEventId();
  await eventually(() => expect(gw.app.state.lastEventId).toBeGreaterThanOrEqual(last), 20_000);
}

async function call(gw: StartedGateway, path: string, headers: Record<string, string> = {}) {
  const res = await request(`${gw.url}${path}`, { headers });
  await res.body.dump();
  return res.statusCode;
}

const analyticsOf = (gw: StartedGateway) => gw.app.analytics!;

async function deploy(name: string): Promise<GatewayApi> {
  return s.fx.deployApi({
    name,
    context: `/${name.toLowerCase()}`,
    backendUrl: s.backend.url,
    operations: [
      { verb: 'GET', target: '/item/{id}' },
      { verb: 'GET', target: '/status/{code}' },
      { verb: 'GET', target: '/slow/{ms}' },
    ],
  });
}

beforeAll(async () => {
  s = await startStack({ gatewayEnv: { APIM_ANALYTICS_SAMPLE_RATE: '1', ...MANUAL_FLUSH } });
  gateways.push(s.gw);
  otlp = await startOtlpReceiver();
  cp = await controlPlane(testRedisUrl(), { env: { APIM_ANALYTICS_OTLP_ENDPOINT: otlp.url } });
  for (let i = 0; i < 2; i++) await startAnotherGateway({ APIM_ANALYTICS_SAMPLE_RATE: '1', ...MANUAL_FLUSH });
  const app = await s.fx.createApplication({ name: 'Counted' });
  appId = app.id;
  token = await s.token(await s.newKey(app.id));
}, 120_000);

afterAll(async () => {
  for (const gw of gateways.slice(1)) await gw.close();
  await cp?.close();
  await otlp?.close();
  await s?.close();
});

describe('analytics aggregated by the gateways', () => {
  it('shows on the dashboard exactly what three gateways saw over three minutes: counts, timeline, percentiles', async () => {
    const api = await deploy('Burst');
    await s.fx.subscribe(appId, api.id);
    for (const gw of gateways) await synced(gw);
    const auth = { authorization: `Bearer ${token}` };
    const sent: Array<{ minute: number; status: number }> = [];
    for (let m = 0; m < 3; m++)
      for (const [g, gw] of gateways.entries()) {
        // the middle of minute m: a request ends there, it started less than 30 s before
        analyticsOf(gw).clock = () => T0 + m * MINUTE + 30_000;
        const paths = [
          ...Array.from({ length: 4 + g }, (_, i) => `/item/${i}`),
          `/slow/${15 + 10 * m}`,
          '/status/500',
          '/status/429',
          '/status/404',
        ];
        for (const p of paths) sent.push({ minute: m, status: await call(gw, `/burst/1.0.0${p}`, auth) });
        // a caller without credentials: refused by the gateway (401), counted too
        sent.push({ minute: m, status: await call(gw, '/burst/1.0.0/item/1') });
        // minute 0 is shipped with minute 1: a batch may hold several minutes
        if (m > 0) await analyticsOf(gw).flush();
      }
    expect(new Set(sent.map((r) => r.status))).toEqual(new Set([200, 500, 429, 404, 401]));

    // every request is a raw event at rate 1: the ground truth of the latencies the gateways measured
    const events = await eventually(async () => {
      const rows = await s.fx.prisma.analyticsEvent.findMany({ where: { apiId: api.id } });
      expect(rows).toHaveLength(sent.length);
      return rows;
    }, 30_000);

    const totalsOf = (rows: Array<{ status: number }>) => ({
      requests: rows.length,
      errors: rows.filter((r) => r.status >= 400 && r.status !== 429).length,
      throttled: rows.filter((r) => r.status === 429).length,
    });
    const board = await summary(`minutes=10&apiId=${api.id}`);
    expect(board.totals).toEqual(totalsOf(sent));
    for (let m = 0; m < 3; m++)
      expect(board.timeline.find((p) => Date.parse(p.time) === T0 + m * MINUTE)).toEqual({
        time: new Date(T0 + m * MINUTE).toISOString(),
        ...totalsOf(sent.filter((r) => r.minute === m)),
      });
    const latencyOf = (latencies: number[]) => {
      const counts = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
      for (const ms of latencies) counts[latencyBucket(ms)]!++;
      return { counts, percentiles: percentilesOf(counts, Math.max(...latencies)) };
    };
    const { counts: histogram, percentiles } = latencyOf(events.map((e) => e.responseLatency));
    expect(board.latency).toEqual(percentiles);
    // the drill-down into the API: per resource, counts and percentiles as exact
    expect(board.byResource).toHaveLength(3);
    for (const r of board.byResource) {
      const of = events.filter((e) => e.apiResourceTemplate === r.resourceTemplate);
      expect(r).toEqual({
        resourceTemplate: r.resourceTemplate,
        method: 'GET',
        ...totalsOf(of.map((e) => ({ status: e.proxyResponseCode }))),
        latency: latencyOf(of.map((e) => e.responseLatency)).percentiles,
      });
    }
    expect(board.byApi).toEqual([expect.objectContaining({ apiId: api.id, requests: sent.length })]);

    // the filters the console uses: status classes, an application
    const errors = await summary(`minutes=10&apiId=${api.id}&statusClass=4xx,5xx`);
    expect(errors.totals).toEqual(totalsOf(sent.filter((r) => r.status >= 400)));
    expect(errors.recent.every((r) => r.proxyResponseCode >= 400)).toBe(true);
    const byApp = await summary(`minutes=10&apiId=${api.id}&applicationId=${appId}`);
    expect(byApp.totals.requests).toBe(sent.filter((r) => r.status !== 401).length);

    // the per-minute rollup keeps the resources and status classes the gateways aggregated by
    const rows = await s.fx.prisma.analyticsMinute.findMany({ where: { apiId: api.id } });
    expect(new Set(rows.map((r) => `${r.method} ${r.resourceTemplate}`))).toEqual(
      new Set(['GET /item/{id}', 'GET /status/{code}', 'GET /slow/{ms}']),
    );
    expect(new Set(rows.map((r) => r.statusClass))).toEqual(new Set([2, 4, 5]));
    // the hourly rollup holds the same counts
    const hours = await s.fx.prisma.analyticsHour.findMany({ where: { apiId: api.id } });
    expect(hours.reduce((n, h) => n + h.requestCount, 0)).toBe(sent.length);

    // the OTLP endpoint received the same counts and histograms, and every raw event as a log record
    await eventually(() => {
      const points = (name: string) =>
        otlp
          .metrics()
          .filter((m) => m.name === name)
          .flatMap((m) => m.points)
          .filter((p) => p.attributes['apim.api.id'] === api.id);
      const requests = points('apim.requests');
      expect(requests.reduce((n, p) => n + p.value!, 0)).toBe(sent.length);
      const durations = points('apim.request.duration');
      expect(durations.reduce((n, p) => n + p.count!, 0)).toBe(sent.length);
      const buckets = durations.reduce(
        (sum, p) => sum.map((n, i) => n + p.bucketCounts![i]!),
        new Array<number>(LATENCY_BUCKET_COUNT).fill(0),
      );
      expect(buckets).toEqual(histogram);
      expect(otlp.logs().filter((l) => l.attributes['apim.apiId'] === api.id)).toHaveLength(sent.length);
    }, 30_000);
  });

  it('keeps every error as a raw event and samples successes by their correlation id at the configured rate', async () => {
    const api = await deploy('Sampled');
    await s.fx.subscribe(appId, api.id);
    const gw = await startAnotherGateway({ APIM_ANALYTICS_SAMPLE_RATE: '0.2', ...MANUAL_FLUSH });
    await synced(gw);
    const auth = { authorization: `Bearer ${token}` };
    const ok = Array.from({ length: 150 }, (_, i) => `ok-${i}`);
    const failed = Array.from({ length: 20 }, (_, i) => `failed-${i}`);
    for (const id of ok)
      expect(await call(gw, '/sampled/1.0.0/item/1', { ...auth, 'x-request-id': id })).toBe(200);
    for (const id of failed)
      expect(await call(gw, '/sampled/1.0.0/status/503', { ...auth, 'x-request-id': id })).toBe(503);
    await analyticsOf(gw).flush();

    const kept = ok.filter((id) => sampledIn(id, 0.2));
    // about a fifth: the hash spreads ids evenly (a binomial 150 x 0.2 is within 12..48 but for 1e-4)
    expect(kept.length).toBeGreaterThanOrEqual(12);
    expect(kept.length).toBeLessThanOrEqual(48);
    const stored = await eventually(async () => {
      const rows = await s.fx.prisma.analyticsEvent.findMany({ where: { apiId: api.id } });
      expect(rows).toHaveLength(kept.length + failed.length);
      return rows;
    }, 30_000);
    expect(new Set(stored.map((e) => e.correlationId))).toEqual(new Set([...kept, ...failed]));

    // the counts stay exact whatever the sampling; the summary says successes are sampled
    const board = await summary(`minutes=10&apiId=${api.id}&recent=100`);
    expect(board.totals).toEqual({ requests: 170, errors: 20, throttled: 0 });
    expect(board.sampling).toEqual({ successRate: 0.2 });
    expect(board.recent).toHaveLength(kept.length + failed.length);
  });

  it('loses no aggregate while Redis and every control plane are away: kept by the gateway, merged once they are back', async () => {
    const own: OwnRedis = await startRedisServer();
    let ownCp: RunningControlPlane | null = null;
    let gw: StartedGateway | null = null;
    try {
      const api = await deploy('Outage');
      gw = await gateway({ APIM_ANALYTICS_SAMPLE_RATE: '0', ...MANUAL_FLUSH }, own.url);
      // its queues complain while Redis is away, as they should
      const startOwnCp = () => controlPlane(own.url, { logLevel: 'silent' });
      ownCp = await startOwnCp();
      await synced(gw);
      const a = T0;
      const b = T0 + MINUTE;
      const perMinute = async () => {
        const rows = await s.fx.prisma.analyticsMinute.findMany({ where: { apiId: api.id } });
        const at = (t: number) =>
          rows.filter((r) => r.minute.getTime() === t).reduce((n, r) => n + r.requestCount, 0);
        return [at(a), at(b)];
      };
      // callers without credentials (401): the gateway answers them without Redis
      const burst = async (n: number) => {
        for (let i = 0; i < n; i++) expect(await call(gw!, '/outage/1.0.0/item/1')).toBe(401);
      };

      analyticsOf(gw).clock = () => a + 10_000;
      await burst(3);
      await analyticsOf(gw).flush();
      await eventually(async () => expect(await perMinute()).toEqual([3, 0]), 30_000);

      // every control plane goes, then Redis (killed: it comes back empty)
      await ownCp.close();
      ownCp = null;
      await burst(2);
      await own.stop();
      await burst(2);
      analyticsOf(gw).clock = () => b + 10_000;
      await burst(5);
      await analyticsOf(gw).flush();
      await burst(2);
      await analyticsOf(gw).flush();
      await own.start();
      // the gateway ships what it kept once its connection is back; it waits there for a control plane
      await eventually(async () => {
        await analyticsOf(gw!).flush();
        expect(
          (await gw!.app.metricsText()).match(/apim_gateway_analytics_buffered\{kind="rows"\} (\d+)/)?.[1],
        ).toBe('0');
      }, 30_000);
      expect(await perMinute()).toEqual([3, 0]);

      ownCp = await startOwnCp();
      await eventually(async () => expect(await perMinute()).toEqual([7, 7]), 30_000);
      // errors are always kept: every refused request is a raw event too
      expect(await s.fx.prisma.analyticsEvent.count({ where: { apiId: api.id } })).toBe(14);
    } finally {
      await gw?.close();
      await ownCp?.close();
      await own.stop();
    }
  }, 120_000);
});
