// Scale probe for bench/gateway.mjs, run in a process of its own so its memory figures are the
// gateway's: loads the snapshot of DATABASE_URL (10,000 APIs, 100,000 subscriptions), then measures
// route matching (also with APIs exposed on hosts beside them, Kyma-style) and the time for one
// committed event to be applied. Prints one JSON line.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const dist = (p) => import(pathToFileURL(path.join(root, 'apps/gateway/dist', p)).href);
const { createApp, loadConfig } = await dist('server.js');
const { Router } = await dist('routing/router.js');
const { ControlPlaneFixture } = await dist('test-support/control-plane-fixture.js');

function matchNs(router, segments, host = 'localhost', rounds = 1_000_000) {
  for (let i = 0; i < 100_000; i++) router.match(host, 'GET', segments);
  const t = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) router.match(host, 'GET', segments);
  return Number(process.hrtime.bigint() - t) / rounds;
}

/** 100 APIs exposed on hosts of their own, five rules each (the last one a catch-all). */
function exposeApis(router, like) {
  const rule = { access: { strategy: 'noAuth' } };
  const targets = ['/orders/{id}', '/orders', '/items/{*}/lines', '/files/{**}', '/{**}'];
  for (let i = 0; i < 100; i++) {
    const operations = targets.map((target) => ({ ...like.operations[0], verb: 'GET', target, rule }));
    router.deploy(`exposed-${i}`, { api: { ...like, hosts: [`shop${i}.example.com`], operations } });
  }
}

global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const started = performance.now();
const app = await createApp(
  loadConfig({
    ...process.env,
    APIM_GATEWAY_ANALYTICS: 'false',
    LOG_LEVEL: 'warn',
  }),
);
const loadMs = performance.now() - started;
global.gc?.();
const heapAfter = process.memoryUsage().heapUsed;

const segments = ['api5000', '1.0.0', 'items', '42'];
const full = matchNs(app.router, segments);
const single = new Router();
const one = app.state.apis.values().next().value;
single.deploy(one.id, { api: { ...one, context: '/api5000' } });
const alone = matchNs(single, segments);
exposeApis(app.router, one);
const besideExposed = matchNs(app.router, segments);
const exposedFourthRule = matchNs(app.router, ['files', 'a', 'b.txt'], 'shop50.example.com');

const fx = new ControlPlaneFixture(process.env.DATABASE_URL);
const times = [];
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  const api = await fx.deployApi({ context: `/probe${i}` });
  const committed = performance.now();
  while (!app.state.apis.has(api.id)) await new Promise((r) => setImmediate(r));
  times.push({ commitMs: committed - t, applyMs: performance.now() - committed });
}
times.sort((a, b) => a.applyMs - b.applyMs);
await fx.close();
await app.close();
process.stdout.write(
  `${JSON.stringify({
    apis: app.state.apis.size,
    subscriptions: app.state.subscriptions.size,
    snapshotLoadMs: Math.round(loadMs),
    heapMb: Math.round((heapAfter - heapBefore) / 1e5) / 10,
    rssMb: Math.round(process.memoryUsage().rss / 1e5) / 10,
    matchNsWith10kApis: Math.round(full),
    matchNsWith1Api: Math.round(alone),
    matchNsWith10kApisAnd100Exposed: Math.round(besideExposed),
    exposedMatchNsFourthOf5Rules: Math.round(exposedFourthRule),
    eventApplyMsMedian: Math.round(times[10].applyMs * 10) / 10,
    eventApplyMsMax: Math.round(times[times.length - 1].applyMs * 10) / 10,
  })}\n`,
);
