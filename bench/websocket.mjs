// WebSocket benchmark, side by side in one run on loopback: messages per second echoed through
//   (a) a bare `ws` relay (a WebSocketServer piping each message to a backend socket and back: the
//       floor of any WebSocket proxy in Node), and
//   (b) the gateway (one worker) with an open WS API: each message in and each echo out goes
//       through the message phase (the throttling handler, with no quota to apply),
// against the same `ws` echo backend, each in its own process. BENCH_WS_CLIENTS sockets (default 32)
// each keep BENCH_WS_WINDOW messages (default 16, 64 bytes each) in flight for BENCH_DURATION
// seconds (default 10); the cases run in turn for BENCH_ROUNDS rounds (default 3), each reported by
// its median round. Run: `npm run bench -- websocket` (or, after `npx tsc -b`, `node bench/websocket.mjs`).
// DATABASE_URL (any database of the server) and REDIS_URL are used when set; otherwise an embedded
// Postgres is started.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDatabase } from './lib/database.mjs';
import { freePort } from './lib/net.mjs';

const root = path.resolve(import.meta.dirname, '..');
const duration = Number(process.env.BENCH_DURATION ?? 10);
const clients = Number(process.env.BENCH_WS_CLIENTS ?? 32);
const window = Number(process.env.BENCH_WS_WINDOW ?? 16);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// ws as the gateway depends on it (it is not a dependency of the repository root)
const wsPath = createRequire(path.join(root, 'apps/gateway/package.json')).resolve('ws');
const { WebSocket } = (await import(pathToFileURL(wsPath).href)).default;
const { ControlPlaneFixture } = await import(
  pathToFileURL(path.join(root, 'apps/gateway/dist/test-support/control-plane-fixture.js')).href
);
const children = [];

const ECHO = `
const { WebSocketServer } = (await import(process.env.WS_URL)).default;
new WebSocketServer({ port: Number(process.env.PORT), host: '127.0.0.1', perMessageDeflate: false })
  .on('connection', (ws) => ws.on('message', (d, binary) => ws.send(d, { binary })));`;

const BARE_RELAY = `
const { WebSocket, WebSocketServer } = (await import(process.env.WS_URL)).default;
new WebSocketServer({ port: Number(process.env.PORT), host: '127.0.0.1', perMessageDeflate: false })
  .on('connection', (client, req) => {
    const backend = new WebSocket(process.env.TARGET + req.url, { perMessageDeflate: false });
    const queued = [];
    backend.on('open', () => { for (const [d, binary] of queued.splice(0)) backend.send(d, { binary }); });
    client.on('message', (d, binary) => backend.readyState === 1 ? backend.send(d, { binary }) : queued.push([d, binary]));
    backend.on('message', (d, binary) => client.send(d, { binary }));
    // a client gone before the backend socket opened (the readiness probe) ends it with an error event
    backend.on('error', () => client.terminate());
    client.on('error', () => backend.terminate());
    client.on('close', () => backend.terminate());
    backend.on('close', () => client.close());
  });`;

function start(args, env = {}) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, WS_URL: pathToFileURL(wsPath).href, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

/** Resolves once a WebSocket handshake to `url` succeeds. */
async function waitForSocket(url, child) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    const ok = await new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.once('open', () => resolve(ws.close() ?? true));
      ws.once('error', () => resolve(false));
      ws.once('unexpected-response', () => resolve(ws.terminate() ?? false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** Echoed messages per second through `url`: `clients` sockets, each keeping `window` messages in flight. */
async function load(url) {
  const payload = Buffer.alloc(64, 'x');
  const sockets = await Promise.all(
    Array.from(
      { length: clients },
      () =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url, { perMessageDeflate: false });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        }),
    ),
  );
  let echoed = 0;
  let running = true;
  for (const ws of sockets) {
    ws.on('message', () => {
      echoed++;
      if (running) ws.send(payload);
    });
    for (let i = 0; i < window; i++) ws.send(payload);
  }
  await new Promise((r) => setTimeout(r, duration * 1000));
  running = false;
  const rate = echoed / duration;
  await Promise.all(sockets.map((ws) => new Promise((r) => (ws.once('close', r), ws.close()))));
  return rate;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const db = await benchDatabase('ws', { adminPassword: randomBytes(12).toString('base64url') });
  const { databaseUrl } = db;
  const prefix = `apim-bench-${randomBytes(3).toString('hex')}`;
  let fx;
  try {
    const [echoPort, barePort, gwPort, metricsPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const echoUrl = `ws://127.0.0.1:${echoPort}`;
    const echo = start(['--input-type=module', '-e', ECHO], { PORT: String(echoPort) });
    await waitForSocket(echoUrl, echo);
    const bare = start(['--input-type=module', '-e', BARE_RELAY], {
      PORT: String(barePort),
      TARGET: echoUrl,
    });
    fx = new ControlPlaneFixture(databaseUrl);
    await fx.deployApi({
      type: 'WS',
      context: '/echo',
      backendUrl: echoUrl,
      operations: [{ verb: 'SUBSCRIBE', target: '/', authEnabled: false }],
    });
    const gateway = start([path.join(root, 'apps/gateway/dist/main.js')], {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      APIM_REDIS_PREFIX: prefix,
      APIM_INTERNAL_SECRET: randomBytes(32).toString('base64url'),
      APIM_GATEWAY_PORT: String(gwPort),
      APIM_GATEWAY_METRICS_PORT: String(metricsPort),
      APIM_GATEWAY_WORKERS: '1',
      APIM_GATEWAY_ANALYTICS: 'false',
      LOG_LEVEL: 'warn',
    });
    const cases = {
      'a bare ws relay': `ws://127.0.0.1:${barePort}/`,
      'b gateway, open WS API': `ws://127.0.0.1:${gwPort}/echo/1.0.0/`,
    };
    await Promise.all([
      waitForSocket(cases['a bare ws relay'], bare),
      waitForSocket(cases['b gateway, open WS API'], gateway),
    ]);
    const results = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let round = 0; round < rounds; round++)
      for (const [name, url] of Object.entries(cases)) results[name].push(await load(url));
    const a = median(results['a bare ws relay']);
    const b = median(results['b gateway, open WS API']);
    console.log(
      `messages echoed per second (median of ${rounds} rounds of ${duration} s, ${clients} sockets x ${window} in flight, 64 B):`,
    );
    console.log(`  (a) bare ws relay         ${Math.round(a)}`);
    console.log(`  (b) gateway, open WS API  ${Math.round(b)}`);
    console.log(`  b/a ${(b / a).toFixed(2)}`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
    );
    await fx?.close();
    await db.drop();
  }
}

await main();
