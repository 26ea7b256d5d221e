// End-to-end benchmark: the whole product as `npm start` runs it (packages/stack: embedded Postgres,
// a redis-server of its own, key manager, control plane storing analytics, one gateway worker),
// driven with JWT-secured calls of a subscribed application on a Redis-throttled tier (a limit far
// above what the run sends), next to a bare node:http + undici proxy in front of the same backend.
// Four cases run in turn, each round starting one case later: (bare) the bare proxy, (product) the
// gateway, and two more gateways of the same stack (its very environment, ports of their own): (no
// access log) with APIM_ACCESS_LOG=off and (no analytics) with APIM_GATEWAY_ANALYTICS=false, so
// that what each costs in every process is the difference from the product.
// For each case: requests/s, p50/p99, and the CPU time per request of every process (gateway,
// control plane, key manager, Postgres with all its backends, Redis, bare proxy, backend) read from
// /proc, including the work the run leaves queued (analytics batches) until the stack is idle again.
// Run: `npm run bench -- end-to-end` (or, after `npx tsc -b`, `node bench/end-to-end.mjs`).
// BENCH_DURATION (seconds, default 10), BENCH_CONNECTIONS (default 32), BENCH_ROUNDS (default 3).
// BENCH_PROFILE_DIR=<dir> profiles every Node process of the stack (bench/lib/cpu-profile.mjs): each
// writes <app>-<pid>.cpuprofile there when it stops.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { freePort } from './lib/net.mjs';
import {
  BACKEND,
  BARE_PROXY,
  children,
  descendants,
  processTable,
  root,
  start,
  stopChildren,
  waitFor,
} from './lib/processes.mjs';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const adminPassword = randomBytes(12).toString('base64url');
const dataDir = await mkdtemp(path.join(tmpdir(), 'apim-bench-e2e-'));
const [gatewayPort, kmPort, cpPort, samplePort, pgPort, redisPort, metricsPort, backendPort, barePort] =
  await Promise.all(Array.from({ length: 9 }, freePort));

let pgDataDir;

function startStack() {
  const env = { ...process.env };
  delete env.DATABASE_URL; // embedded Postgres, as a fresh `npm start`
  Object.assign(env, {
    APIM_DATA_DIR: dataDir,
    APIM_GATEWAY_PORT: String(gatewayPort),
    APIM_GATEWAY_METRICS_PORT: String(metricsPort),
    APIM_GATEWAY_WORKERS: '1',
    APIM_KEY_MANAGER_PORT: String(kmPort),
    APIM_CONTROL_PLANE_PORT: String(cpPort),
    APIM_SAMPLE_BACKEND_PORT: String(samplePort),
    APIM_EMBEDDED_PG_PORT: String(pgPort),
    REDIS_URL: `redis://127.0.0.1:${redisPort}`, // nothing there: the stack starts its redis-server
    APIM_SAMPLE_API: 'false',
    APIM_ADMIN_PASSWORD: adminPassword,
  });
  if (env.BENCH_PROFILE_DIR)
    env.NODE_OPTIONS = `--import ${pathToFileURL(path.join(root, 'bench/lib/cpu-profile.mjs'))}`;
  const child = spawn(process.execPath, [path.join(root, 'packages/stack/dist/start.js')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      // where it keeps Postgres' data when the postgres user cannot enter our folder: removed at the end
      pgDataDir ??= /Embedded Postgres keeps its data in (.+)\.\n/.exec(out)?.[1];
      if (out.includes('API Manager is running')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`npm start's stack exited with ${code}:\n${out}`)));
  });
}

const cpUrl = `http://127.0.0.1:${cpPort}`;
async function rest(method, urlPath, who, body) {
  const headers = body instanceof FormData ? {} : { 'content-type': 'application/json' };
  if (who)
    headers.authorization = `Basic ${Buffer.from(`${who.username}:${who.password}`).toString('base64')}`;
  const res = await fetch(`${cpUrl}${urlPath}`, {
    method,
    headers,
    body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${urlPath} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

/** What a publisher and a developer do before the first call: tier, API, application, keys, token. */
async function publishAndSubscribe(backendUrl) {
  const admin = { username: 'admin', password: adminPassword };
  const PUB = '/api/am/publisher/v4';
  const DEV = '/api/am/devportal/v3';
  await rest('POST', '/api/am/admin/v4/throttling/policies/subscription', admin, {
    policyName: 'Bench',
    defaultLimit: {
      type: 'REQUESTCOUNTLIMIT',
      requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 1_000_000_000 },
    },
  });
  const form = new FormData();
  const definition = {
    openapi: '3.0.3',
    info: { title: 'Items', version: '1.0.0' },
    paths: { '/items': { get: { responses: { 200: { description: 'the items' } } } } },
  };
  form.set('file', new Blob([JSON.stringify(definition)], { type: 'application/json' }), 'items.json');
  form.set(
    'additionalProperties',
    JSON.stringify({
      name: 'Items',
      context: '/items',
      version: '1.0.0',
      policies: ['Bench'],
      securityScheme: ['oauth2'],
      endpointConfig: { endpoint_type: 'http', production_endpoints: { url: backendUrl } },
    }),
  );
  const api = await rest('POST', `${PUB}/apis/import-openapi`, admin, form);
  const revision = await rest('POST', `${PUB}/apis/${api.id}/revisions`, admin, { description: 'bench' });
  await rest('POST', `${PUB}/apis/${api.id}/deploy-revision?revisionId=${revision.id}`, admin, [
    { name: 'Default', vhost: 'localhost', displayOnDevportal: true },
  ]);
  await rest('POST', `${PUB}/apis/change-lifecycle?apiId=${api.id}&action=Publish`, admin);

  const dev = { username: 'benchdev', password: randomBytes(12).toString('base64url') };
  await rest('POST', `${DEV}/me/sign-up`, null, { ...dev, email: 'bench@example.com' });
  const app = await rest('POST', `${DEV}/applications`, dev, {
    name: 'BenchApp',
    throttlingPolicy: 'Unlimited',
    tokenType: 'JWT',
  });
  const keys = await rest('POST', `${DEV}/applications/${app.applicationId}/generate-keys`, dev, {
    keyType: 'PRODUCTION',
    grantTypesToBeSupported: ['client_credentials'],
  });
  await rest('POST', `${DEV}/subscriptions`, dev, {
    applicationId: app.applicationId,
    apiId: api.id,
    throttlingPolicy: 'Bench',
  });
  const issued = await rest(
    'POST',
    `${DEV}/applications/${app.applicationId}/oauth-keys/${keys.keyMappingId}/generate-token`,
    dev,
    { consumerSecret: keys.consumerSecret, validityPeriod: 86_400 },
  );
  return issued.accessToken;
}

const POSTGRES = /(^|\/)postgres\b|^postgres:/;

/** The role of one of the stack's processes, by its command line. */
function roleOf(cmdline) {
  if (cmdline.includes('apps/gateway/dist')) return 'gateway';
  if (cmdline.includes('apps/control-plane/dist')) return 'control plane';
  if (cmdline.includes('apps/key-manager/dist')) return 'key manager';
  if (cmdline.includes('redis-server')) return 'redis';
  if (POSTGRES.test(cmdline)) return 'postgres';
  return null;
}

/** CPU ms per role now: the stack's processes, plus the named extra processes (pid -> role). */
function cpuByRole(stackPid, extra) {
  const table = processTable();
  const out = {};
  const add = (role, ms) => (out[role] = (out[role] ?? 0) + ms);
  for (const pid of descendants(table, stackPid)) {
    const { cmdline, cpuMs, reapedMs, ppid } = table.get(pid);
    const role = roleOf(cmdline);
    if (!role) continue;
    // the postmaster's reaped time is the CPU of the backends that exited meanwhile
    const postmaster = role === 'postgres' && !POSTGRES.test(table.get(ppid)?.cmdline ?? '');
    add(role, cpuMs + (postmaster ? reapedMs : 0));
  }
  for (const [pid, role] of extra) for (const p of descendants(table, pid)) add(role, table.get(p).cpuMs);
  return out;
}

/** Waits until the stack's processes have finished what the run left them (analytics batches). */
async function settle(stackPid, extra) {
  let last = cpuByRole(stackPid, extra);
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const now = cpuByRole(stackPid, extra);
    const busy = ['control plane', 'postgres', 'redis'].reduce(
      (s, k) => s + (now[k] ?? 0) - (last[k] ?? 0),
      0,
    );
    last = now;
    if (busy <= 20) return last; // 20 ms in 500 ms: only background ticks left
  }
  return last;
}

async function run(url, headers, stackPid, extra) {
  const opts = { url, connections, duration, headers };
  await autocannon({ ...opts, duration: 2 }); // warm-up: JIT, pools, token and subscription caches
  const before = await settle(stackPid, extra);
  const r = await autocannon(opts);
  const after = await settle(stackPid, extra);
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error(`${url}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  const cpuUs = {};
  for (const role of Object.keys(after))
    cpuUs[role] = ((after[role] - (before[role] ?? 0)) * 1000) / r.requests.total;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuUs };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const PRODUCT_ROLES = ['gateway', 'control plane', 'key manager', 'postgres', 'redis'];

let stack;
try {
  stack = await startStack();
  const backend = start(['--input-type=module', '-e', BACKEND], { PORT: String(backendPort) });
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const bare = start(['--input-type=module', '-e', BARE_PROXY], {
    PORT: String(barePort),
    TARGET: backendUrl,
  });
  await Promise.all([waitFor(`${backendUrl}/`, backend), waitFor(`http://127.0.0.1:${barePort}/`, bare)]);
  const token = await publishAndSubscribe(backendUrl);

  // the same gateway as the stack's (its very environment) with one setting changed, on ports of its own
  const table = processTable();
  const gatewayPid = descendants(table, stack.pid).find((p) =>
    table.get(p).cmdline.includes('apps/gateway/dist'),
  );
  const gatewayEnv = Object.fromEntries(
    readFileSync(`/proc/${gatewayPid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  const variants = {
    'no access log': { APIM_ACCESS_LOG: 'off' },
    'no analytics': { APIM_GATEWAY_ANALYTICS: 'false' },
  };
  const variantGateways = {};
  for (const [name, settings] of Object.entries(variants)) {
    const [port, metrics] = await Promise.all([freePort(), freePort()]);
    const child = spawn(process.execPath, [path.join(root, 'apps/gateway/dist/main.js')], {
      cwd: root,
      env: {
        ...gatewayEnv,
        ...settings,
        APIM_GATEWAY_PORT: String(port),
        APIM_GATEWAY_METRICS_PORT: String(metrics),
        APIM_GATEWAY_ID: `bench-${name.replaceAll(' ', '-')}`,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    variantGateways[name] = { pid: child.pid, url: `http://127.0.0.1:${port}/items/1.0.0/items` };
  }
  const auth = { authorization: `Bearer ${token}` };
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}/items/1.0.0/items`;
  for (const url of [gatewayUrl, ...Object.values(variantGateways).map((v) => v.url)])
    for (let i = 0; ; i++) {
      const res = await fetch(url, { headers: auth }).catch(() => null);
      await res?.arrayBuffer();
      if (res?.status === 200) break;
      if (i > 300) throw new Error(`${url} answered ${res?.status ?? 'nothing'}`);
      await new Promise((r) => setTimeout(r, 100));
    }

  const extra = [
    [bare.pid, 'bare proxy'],
    [backend.pid, 'backend'],
    ...Object.entries(variantGateways).map(([name, v]) => [v.pid, `gateway (${name})`]),
  ];
  const cases = {
    bare: () => run(`http://127.0.0.1:${barePort}/items`, undefined, stack.pid, extra),
    product: () => run(gatewayUrl, auth, stack.pid, extra),
    ...Object.fromEntries(
      Object.entries(variantGateways).map(([name, v]) => [name, () => run(v.url, auth, stack.pid, extra)]),
    ),
  };
  const results = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  // each round starts one case later, so that no case always runs first (or right after another)
  const order = Object.entries(cases);
  for (let round = 0; round < rounds; round++)
    for (const [name, go] of [
      ...order.slice(round % order.length),
      ...order.slice(0, round % order.length),
    ]) {
      const r = await go();
      results[name].push(r);
      const cpu = Object.entries(r.cpuUs)
        .filter(([, us]) => us >= 0.5)
        .map(([role, us]) => `${role} ${us.toFixed(0)}`)
        .join(', ');
      console.log(
        `round ${round + 1} ${name}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms; CPU µs/request: ${cpu}`,
      );
    }

  // per case: medians over rounds; product totals add up the stack's processes (the gateway that served)
  const rolesOf = (name) => {
    const served = name === 'bare' ? 'bare proxy' : name === 'product' ? 'gateway' : `gateway (${name})`;
    return name === 'bare' ? [served] : [served, ...PRODUCT_ROLES.slice(1)];
  };
  const totalOf = (name, run) => rolesOf(name).reduce((s, role) => s + (run.cpuUs[role] ?? 0), 0);
  const summary = {};
  for (const [name, runs] of Object.entries(results)) {
    const cpu = (role) => median(runs.map((r) => r.cpuUs[role] ?? 0));
    const roles = rolesOf(name);
    const totals = runs.map((r) => totalOf(name, r));
    summary[name] = {
      rps: Math.round(median(runs.map((r) => r.rps))),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      cpuUsPerRequest: Object.fromEntries(roles.map((role) => [role, Number(cpu(role).toFixed(1))])),
      totalCpuUs: Number(median(totals).toFixed(1)),
      backendCpuUs: Number(cpu('backend').toFixed(1)),
    };
  }
  const p = summary.product;
  // the product and the bare proxy of the same round ran within a minute of each other: on a machine
  // whose speed drifts (a shared host), their ratio round by round shows how far the run can be trusted
  const perRound = results.product.map((r, i) => totalOf('product', r) / totalOf('bare', results.bare[i]));
  const perRoundRps = results.product.map((r, i) => r.rps / results.bare[i].rps);
  const spread = (xs) =>
    `${xs.map((x) => x.toFixed(2)).join(', ')} (median ${median(xs).toFixed(2)}, range ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
  const analyticsShare = (p.totalCpuUs - summary['no analytics'].totalCpuUs) / p.totalCpuUs;
  const accessLogShare = (p.totalCpuUs - summary['no access log'].totalCpuUs) / p.totalCpuUs;
  console.log(`\nMedians of ${rounds} rounds, ${duration} s each, ${connections} connections:`);
  console.log(JSON.stringify(summary, null, 2));
  console.log(
    [
      `product total CPU per request / bare proxy's: ${(p.totalCpuUs / summary.bare.totalCpuUs).toFixed(2)} (target <= 1.5)`,
      `  the same ratio round by round: ${spread(perRound)}`,
      `analytics' share of the product's CPU (product - no analytics): ${(analyticsShare * 100).toFixed(1)}% (target <= 15%)`,
      // what only analytics asks of them during the run (Redis also counts the throttling), an upper bound
      `control plane + Postgres + Redis share of the product's CPU: ${((100 * (p.cpuUsPerRequest['control plane'] + p.cpuUsPerRequest.postgres + p.cpuUsPerRequest.redis)) / p.totalCpuUs).toFixed(1)}%`,
      `throughput product / bare: ${(p.rps / summary.bare.rps).toFixed(2)} (target >= 0.7)`,
      `  the same ratio round by round: ${spread(perRoundRps)}`,
      `gateway CPU per request, analytics on / off: ${(p.cpuUsPerRequest.gateway / summary['no analytics'].cpuUsPerRequest['gateway (no analytics)']).toFixed(2)}`,
      `access log's share of the product's CPU (product - no access log): ${(accessLogShare * 100).toFixed(1)}%`,
    ].join('\n'),
  );
} finally {
  stopChildren();
  // the stack stops its Postgres and Redis itself before it exits
  if (stack && stack.exitCode === null)
    await Promise.race([new Promise((r) => stack.on('exit', r)), new Promise((r) => setTimeout(r, 20_000))]);
  stopChildren('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
  // the folder named after this run's data folder that holds Postgres' data folder
  if (pgDataDir && !pgDataDir.startsWith(dataDir))
    await rm(path.dirname(pgDataDir), { recursive: true, force: true });
}
