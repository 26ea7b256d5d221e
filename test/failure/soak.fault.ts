/**
 * The soak: the cluster (three gateways, two control planes, two key managers behind nginx) under
 * 70% of the load it saturates at, for SOAK_MINUTES (default 30), a JWT-secured API on a tier
 * counted in Redis. Each minute: resident memory, heap, event-loop delay (p99 and max), open file
 * descriptors and sockets of every app, and the minute's latency p50/p99, throughput and errors.
 * Expected: no error, memory flat. Writes SOAK_OUT/soak.json (raw samples) and SOAK_OUT/soak.svg
 * (the curves); SOAK_OUT is bench/ by default. `npm run soak` (30 minutes), or e.g.
 * `SOAK_MINUTES=2 SOAK_OUT=test-artifacts npm run soak`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { format } from 'prettier';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repoRoot } from '@apim/db';
import { eventually } from '@apim/testing';
import { chartSvg, type Panel } from './chart.js';
import { startCluster, type Cluster } from './cluster.js';
import { sampleApp, type AppSample } from './process-stats.js';
import { LOAD_TIER, apiPath, prepareProduct, publishApi, subscribeNewApplication } from './product.js';
import { percentile, steadyLoad } from './traffic.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const OUT = path.resolve(repoRoot, process.env.SOAK_OUT ?? 'bench');
const CONNECTIONS = 32;
const SHARE = 0.7;

interface Minute {
  minute: number;
  requests: number;
  rps: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  apps: Record<string, AppSample>;
}

let cluster: Cluster;
let statsDir = '';
let url = '';
let token = '';

beforeAll(async () => {
  statsDir = await mkdtemp(path.join(tmpdir(), 'apim-soak-stats-'));
  cluster = await startCluster({ statsDir });
  const cp = cluster.controlPlaneUrl;
  await prepareProduct(cp);
  const apiId = await publishApi(cp, 'Soak', cluster.backendUrl);
  token = (await subscribeNewApplication(cp, apiId, LOAD_TIER, 'soak')).token;
  url = `${cluster.gatewayUrl}${apiPath('Soak')}`;
  for (const gw of cluster.gateways)
    await eventually(async () => {
      const res = await fetch(`${gw.url}${apiPath('Soak')}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
    }, 15_000);
}, 300_000);

afterAll(async () => {
  await cluster?.close();
  await rm(statsDir, { recursive: true, force: true });
}, 120_000);

/** requests a second the cluster answers when clients send as fast as it answers */
async function saturation(): Promise<number> {
  // warm-up: JIT, connection pools, token caches
  const warm = steadyLoad({ url, token, rate: 1e6, connections: CONNECTIONS });
  await new Promise((r) => setTimeout(r, 5_000));
  await warm.stop();
  const load = steadyLoad({ url, token, rate: 1e6, connections: CONNECTIONS });
  const started = performance.now();
  await new Promise((r) => setTimeout(r, 20_000));
  const tally = await load.stop();
  expect(tally.failures).toEqual([]);
  return tally.sent / ((performance.now() - started) / 1000);
}

it(
  `holds ${SHARE * 100}% of saturation for ${MINUTES} minutes without an error or growing memory`,
  async () => {
    const saturated = await saturation();
    const rate = Math.round(saturated * SHARE);
    const minutes: Minute[] = [];
    let since = Date.now();
    for (let m = 1; m <= MINUTES; m++) {
      const load = steadyLoad({ url, token, rate, connections: CONNECTIONS });
      const started = performance.now();
      await new Promise((r) => setTimeout(r, 60_000));
      const tally = await load.stop();
      const seconds = (performance.now() - started) / 1000;
      const sorted = tally.latenciesMs.sort((a, b) => a - b);
      const apps: Record<string, AppSample> = {};
      for (const [name, pid] of cluster.pids()) apps[name] = sampleApp(pid, statsDir, since);
      since = Date.now();
      const sample: Minute = {
        minute: m,
        requests: tally.sent,
        rps: Math.round(tally.sent / seconds),
        errors: tally.failures.length,
        p50Ms: Number(percentile(sorted, 50).toFixed(2)),
        p99Ms: Number(percentile(sorted, 99).toFixed(2)),
        apps,
      };
      minutes.push(sample);
      process.stdout.write(
        `soak minute ${m}: ${sample.rps} req/s, p50 ${sample.p50Ms} ms, p99 ${sample.p99Ms} ms, errors ${sample.errors}, gateway-1 RSS ${apps['gateway-1']?.rssMb.toFixed(0)} MB\n`,
      );
    }

    const names = Object.keys(minutes[0]!.apps);
    const x = minutes.map((s) => s.minute);
    const perApp = (f: (a: AppSample) => number) =>
      names.map((name) => ({ name, values: minutes.map((s) => Number(f(s.apps[name]!).toFixed(2))) }));
    const panels: Panel[] = [
      { title: 'Resident memory per app (process tree)', unit: 'MB', series: perApp((a) => a.rssMb) },
      { title: 'V8 heap used per app', unit: 'MB', series: perApp((a) => a.heapMb) },
      {
        title: 'Event-loop delay p99 per app (worst 10 s in the minute)',
        unit: 'ms',
        series: perApp((a) => a.loopP99Ms),
      },
      { title: 'Open sockets per app', unit: 'count', series: perApp((a) => a.sockets) },
      {
        title: `Latency through nginx at ${rate} req/s (70% of ${Math.round(saturated)})`,
        unit: 'ms',
        series: [
          { name: 'p50', values: minutes.map((s) => s.p50Ms) },
          { name: 'p99', values: minutes.map((s) => s.p99Ms) },
        ],
      },
      {
        title: 'Failed requests per minute',
        unit: 'count',
        series: [{ name: 'errors', values: minutes.map((s) => s.errors) }],
      },
    ];
    const date = new Date().toISOString();
    await mkdir(OUT, { recursive: true });
    // formatted as the repository's `prettier --check` expects of a committed file
    await writeFile(
      path.join(OUT, 'soak.json'),
      await format(
        JSON.stringify({
          date,
          command: `SOAK_MINUTES=${MINUTES} npm run soak`,
          cluster:
            '3 gateways (1 worker each), 2 control planes, 2 key managers behind nginx; embedded Postgres, redis-server',
          saturationRps: Math.round(saturated),
          rateRps: rate,
          connections: CONNECTIONS,
          minutes,
        }),
        { parser: 'json' },
      ),
    );
    await writeFile(
      path.join(OUT, 'soak.svg'),
      chartSvg(
        `Soak ${date.slice(0, 10)}: ${MINUTES} min at ${rate} req/s through nginx (3 gateways)`,
        x,
        panels,
      ),
    );

    expect(minutes.map((s) => s.errors)).toEqual(minutes.map(() => 0));
    // flat memory: from the end of the first third (warmed up) to the end, no app's resident memory
    // grows by more than a tenth (asserted on runs long enough to tell a trend from warm-up)
    if (MINUTES >= 10) {
      const from = minutes[Math.floor(MINUTES / 3) - 1]!;
      const to = minutes.at(-1)!;
      for (const name of names)
        expect(to.apps[name]!.rssMb, `${name} resident memory`).toBeLessThanOrEqual(
          from.apps[name]!.rssMb * 1.1,
        );
    }
  },
  (MINUTES + 5) * 60_000,
);
