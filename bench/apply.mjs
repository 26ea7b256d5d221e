// Declarative apply benchmark: times POST /api/am/admin/v4/manifests/apply of an APIRule with
// BENCH_APPLY_OPERATIONS (default 500) operations against a real control plane: the first apply
// (API, operations, revision and deployment in one transaction), the same apply again (a no-op:
// validate, load, diff), a diff, and an apply changing one rule (a new revision). No gateway
// runs, so the apply does not wait for one (waitSeconds 0).
// Run: `npm run bench -- apply` (or, after `npx tsc -b`, `node bench/apply.mjs`). DATABASE_URL
// (any database of the server) and REDIS_URL are used when set; otherwise an embedded Postgres.
import { randomBytes } from 'node:crypto';
import { startControlPlane } from '@apim/control-plane/testing';
import { benchDatabase } from './lib/database.mjs';

const OPERATION_COUNT = Number(process.env.BENCH_APPLY_OPERATIONS ?? 500);
const RUNS = 5;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_PASSWORD = randomBytes(12).toString('base64url');
const auth = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;

/** An APIRule whose rules (two methods each) make `operations` operations; `timeout` changes one rule. */
function apiRule(operations, timeout = 30) {
  const rules = Array.from({ length: Math.ceil(operations / 2) }, (_, i) => ({
    path: `/resource${i}/{*}`,
    methods: ['GET', 'POST'],
    noAuth: true,
    ...(i === 0 ? { timeout } : {}),
  }));
  return {
    apiVersion: 'gateway.kyma-project.io/v2',
    kind: 'APIRule',
    metadata: { name: 'bench', namespace: 'default' },
    spec: {
      hosts: ['bench.example.com'],
      service: { name: 'bench', namespace: 'default', port: 8080 },
      rules,
    },
  };
}

async function post(url, body) {
  const t = process.hrtime.bigint();
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (res.status !== 200)
    throw new Error(`${url} answered ${res.status}: ${JSON.stringify(json).slice(0, 500)}`);
  return [ms, json];
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const db = await benchDatabase('apply', { adminPassword: ADMIN_PASSWORD });
  const { databaseUrl } = db;
  const cp = await startControlPlane({
    databaseUrl,
    keyManagerUrl: 'http://127.0.0.1:9',
    internalSecret: randomBytes(32).toString('base64url'),
    redisUrl,
    redisPrefix: `apim-bench-${randomBytes(3).toString('hex')}`,
  });
  const base = `${cp.url}/api/am/admin/v4/manifests`;
  const request = (manifest) => ({ documents: [{ manifest }], waitSeconds: 0 });
  const figures = { create: [], noop: [], diff: [], change: [], delete: [] };
  try {
    for (let run = 0; run < RUNS; run++) {
      const [create, created] = await post(`${base}/apply`, request(apiRule(OPERATION_COUNT)));
      if (created.objects[0].action !== 'create') throw new Error('the first apply did not create the API');
      const [noop, same] = await post(`${base}/apply`, request(apiRule(OPERATION_COUNT)));
      if (same.changed) throw new Error('the second apply changed something');
      const [diff] = await post(`${base}/diff`, request(apiRule(OPERATION_COUNT, 60)));
      const [change, changed] = await post(`${base}/apply`, request(apiRule(OPERATION_COUNT, 60)));
      if (changed.objects[0].action !== 'update') throw new Error('the changed apply did not update the API');
      const [remove] = await post(`${base}/delete`, request(apiRule(OPERATION_COUNT)));
      Object.entries({ create, noop, diff, change, delete: remove }).forEach(([k, ms]) =>
        figures[k].push(ms),
      );
    }
    console.log(`APIRule with ${OPERATION_COUNT} operations, ${RUNS} runs, median (min-max) ms:`);
    for (const [what, ms] of Object.entries(figures))
      console.log(
        `  ${what.padEnd(8)} ${median(ms).toFixed(0).padStart(6)} (${Math.min(...ms).toFixed(0)}-${Math.max(...ms).toFixed(0)})`,
      );
  } finally {
    await cp.close();
    await db.drop();
  }
}

await main();
