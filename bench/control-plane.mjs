// Control plane benchmark: (1) importing an OpenAPI document with 850 operations over HTTP
// (multipart upload: parse, validate, store API + operations in one transaction); (2) listing
// 10,000 APIs page by page in the publisher and the developer portal, and searching them;
// (3) the analytics summary over a week of per-minute rollups and a million raw events.
// Run: `npm run bench -- control-plane` (or, after `npx tsc -b`, `node bench/control-plane.mjs`).
// DATABASE_URL (any database of the server) and REDIS_URL are used when set; otherwise an
// embedded Postgres is started. BENCH_APIS (default 10000), BENCH_OPERATIONS (default 850),
// BENCH_ANALYTICS_EVENTS (default 1000000).
import { randomBytes } from 'node:crypto';
import { startControlPlane } from '@apim/control-plane/testing';
import { benchDatabase } from './lib/database.mjs';

const API_COUNT = Number(process.env.BENCH_APIS ?? 10_000);
const OPERATION_COUNT = Number(process.env.BENCH_OPERATIONS ?? 850);
const EVENT_COUNT = Number(process.env.BENCH_ANALYTICS_EVENTS ?? 1_000_000);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_PASSWORD = randomBytes(12).toString('base64url');
const auth = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;

/** An OpenAPI 3.0 document with `count` operations over shared schemas and parameters. */
function bigSpec(count) {
  const paths = {};
  for (let i = 0; paths && Object.keys(paths).length * 2 < count; i++) {
    const ref = { $ref: '#/components/schemas/Item' };
    paths[`/resource${i}/{id}`] = {
      parameters: [{ $ref: '#/components/parameters/Id' }],
      get: {
        operationId: `get${i}`,
        responses: { 200: { description: 'ok', content: { 'application/json': { schema: ref } } } },
      },
      put: {
        operationId: `put${i}`,
        requestBody: { content: { 'application/json': { schema: ref } } },
        responses: { 200: { description: 'ok' } },
        security: [{ oauth: [`write:r${i % 20}`] }],
      },
    };
  }
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'Big', version: '1.0.0' },
    paths,
    components: {
      parameters: { Id: { name: 'id', in: 'path', required: true, schema: { type: 'string' } } },
      schemas: {
        Item: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/components/schemas/Item' } },
          },
        },
      },
      securitySchemes: {
        oauth: {
          type: 'oauth2',
          flows: { clientCredentials: { tokenUrl: 'http://127.0.0.1:9/token', scopes: {} } },
        },
      },
    },
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timed(fn) {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [Number(process.hrtime.bigint() - t) / 1e6, r];
}

/** p50 and p99 of 50 sequential GETs after 5 warm-up ones. */
async function measure(label, url, headers) {
  for (let i = 0; i < 5; i++) await getJson(url, headers);
  const times = [];
  for (let i = 0; i < 50; i++) times.push((await timed(() => getJson(url, headers)))[0]);
  times.sort((a, b) => a - b);
  console.log(
    `  ${label.padEnd(40)} p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms`,
  );
}

async function getJson(url, headers = {}) {
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

async function main() {
  const db = await benchDatabase('cp', { adminPassword: ADMIN_PASSWORD, poolSize: 4 });
  const { databaseUrl, prisma } = db;
  const cp = await startControlPlane({
    databaseUrl,
    keyManagerUrl: 'http://127.0.0.1:9',
    internalSecret: randomBytes(32).toString('base64url'),
    redisUrl,
    redisPrefix: `apim-bench-${randomBytes(3).toString('hex')}`,
  });
  try {
    // 1. import
    const spec = bigSpec(OPERATION_COUNT);
    const importTimes = [];
    let operations = 0;
    for (let run = 0; run < 5; run++) {
      const form = new FormData();
      form.set(
        'additionalProperties',
        JSON.stringify({ name: `Big${run}`, context: `/big${run}`, version: '1' }),
      );
      form.append('file', new Blob([spec]), 'big.json');
      const [ms, res] = await timed(() =>
        fetch(`${cp.url}/api/am/publisher/v4/apis/import-openapi`, {
          method: 'POST',
          headers: { authorization: auth },
          body: form,
        }),
      );
      const body = await res.json();
      if (res.status !== 201) throw new Error(`import failed: ${JSON.stringify(body)}`);
      operations = body.operations.length;
      importTimes.push(ms);
    }
    importTimes.sort((a, b) => a - b);
    console.log(
      `import-openapi, ${operations} operations, ${(spec.length / 1024).toFixed(0)} KiB: ` +
        `median ${importTimes[2].toFixed(0)} ms, min ${importTimes[0].toFixed(0)} ms, max ${importTimes[4].toFixed(0)} ms (5 runs)`,
    );

    // 2. listing
    const provider = await prisma.user.findUniqueOrThrow({ where: { username: 'admin' } });
    for (let i = 0; i < API_COUNT; i += 1000) {
      await prisma.api.createMany({
        data: Array.from({ length: Math.min(1000, API_COUNT - i) }, (_, k) => {
          const n = i + k;
          return {
            name: `Api${String(n).padStart(5, '0')}`,
            context: `/api${n}`,
            version: '1.0.0',
            providerId: provider.id,
            lifecycleStatus: 'PUBLISHED',
            tags: [`tag${n % 50}`],
            endpointConfig: { endpoint_type: 'http' },
            securitySchemes: ['oauth2'],
            subscriptionPolicies: ['Gold'],
          };
        }),
      });
    }
    await prisma.$executeRawUnsafe('ANALYZE');
    const total = await prisma.api.count();
    const scenarios = [
      [
        'publisher, first page (limit 25)',
        '/api/am/publisher/v4/apis?limit=25&offset=0',
        { authorization: auth },
      ],
      [
        'publisher, middle page (offset 5000)',
        '/api/am/publisher/v4/apis?limit=25&offset=5000',
        { authorization: auth },
      ],
      [
        'publisher, last page',
        `/api/am/publisher/v4/apis?limit=25&offset=${total - 25}`,
        { authorization: auth },
      ],
      [
        'publisher, search name:Api0999',
        '/api/am/publisher/v4/apis?limit=25&query=name:Api0999',
        { authorization: auth },
      ],
      ['devportal anonymous, middle page', '/api/am/devportal/v3/apis?limit=25&offset=5000', {}],
      ['devportal anonymous, search tag:tag7', '/api/am/devportal/v3/apis?limit=25&query=tag:tag7', {}],
    ];
    console.log(`listing ${total} APIs (50 sequential requests per row, after 5 warm-up requests):`);
    for (const [label, url, headers] of scenarios) await measure(label, `${cp.url}${url}`, headers);
    const [walkMs, pages] = await timed(async () => {
      let next = '/apis?limit=100&offset=0';
      let n = 0;
      let seen = 0;
      while (next) {
        const page = await getJson(`${cp.url}/api/am/publisher/v4${next}`, { authorization: auth });
        seen += page.count;
        next = page.pagination.next;
        n++;
      }
      if (seen !== total) throw new Error(`walked ${seen} of ${total}`);
      return n;
    });
    console.log(`  walking every page (limit 100): ${pages} pages, ${total} APIs in ${walkMs.toFixed(0)} ms`);

    // 3. analytics: a week of rollups for 10 APIs x 10 applications (5 of them the admin's), as
    // the gateways' analytics worker writes them, and raw events spread over the same week
    const other = await prisma.user.create({ data: { username: 'bench-other', passwordHash: 'x' } });
    for (let i = 0; i < 10; i++)
      await prisma.application.create({
        data: { name: `App${i}`, ownerId: i < 5 ? provider.id : other.id, throttlingPolicy: 'Unlimited' },
      });
    const MINUTE_BUCKETS = [0, 1, 5, 10, 20, 15, 5, 2, 1, 1, 0, 0, 0, 0];
    const [fillMs] = await timed(async () => {
      await prisma.$executeRawUnsafe(`
        INSERT INTO analytics_minute (minute, api_id, application_id, request_count, error_count,
          throttled_count, latency_sum_ms, latency_max_ms, latency_buckets)
        SELECT date_trunc('minute', now()) - make_interval(mins => m), a.id::text, app.id::text,
               60, 3, 1, 1800, 900, ARRAY[${MINUTE_BUCKETS.join(', ')}]
        FROM generate_series(0, 10079) m,
             (SELECT id FROM api ORDER BY name LIMIT 10) a,
             (SELECT id FROM application) app`);
      // the hourly rollup the worker keeps beside it
      await prisma.$executeRawUnsafe(`
        INSERT INTO analytics_hour (hour, api_id, application_id, request_count, error_count,
          throttled_count, latency_sum_ms, latency_max_ms, latency_buckets)
        SELECT date_trunc('hour', minute), api_id, application_id, sum(request_count), sum(error_count),
               sum(throttled_count), sum(latency_sum_ms), max(latency_max_ms),
               ARRAY[${MINUTE_BUCKETS.map((n) => `${n} * count(*)`).join(', ')}]::int[]
        FROM analytics_minute GROUP BY 1, 2, 3`);
      await prisma.$executeRawUnsafe(`
        WITH a AS (SELECT array_agg(id::text ORDER BY name) AS ids, array_agg(name ORDER BY name) AS names
                   FROM (SELECT id, name FROM api ORDER BY name LIMIT 10) x),
             p AS (SELECT array_agg(id::text ORDER BY name) AS ids, array_agg(name ORDER BY name) AS names
                   FROM application)
        INSERT INTO analytics_event (request_timestamp, correlation_id, gateway_id, api_id, api_name,
          api_version, api_resource_template, api_method, application_id, application_name, key_type,
          proxy_response_code, target_response_code, backend_latency, response_latency)
        SELECT now() - make_interval(secs => g * ${(7 * 86_400) / EVENT_COUNT}), gen_random_uuid()::text,
               'bench', a.ids[1 + g % 10], a.names[1 + g % 10], '1.0.0', '/*', 'GET',
               p.ids[1 + g % 10], p.names[1 + g % 10], 'PRODUCTION', 200, 200, g % 200, g % 300
        FROM generate_series(1, ${EVENT_COUNT}) g, a, p`);
      await prisma.$executeRawUnsafe('ANALYZE analytics_minute, analytics_hour, analytics_event');
    });
    const rollups = await prisma.analyticsMinute.count();
    console.log(
      `analytics summary over ${rollups} per-minute rollups (and their hourly ones) and ${EVENT_COUNT} raw events (stored in ${(fillMs / 1000).toFixed(0)} s):`,
    );
    for (const [label, url] of [
      ['admin, last hour', '/api/am/admin/v4/analytics/summary?minutes=60'],
      ['admin, last 24 hours', '/api/am/admin/v4/analytics/summary?minutes=1440'],
      ['admin, last 7 days', '/api/am/admin/v4/analytics/summary?minutes=10080'],
      ['devportal (5 own apps), last 7 days', '/api/am/devportal/v3/analytics/summary?minutes=10080'],
    ])
      await measure(label, `${cp.url}${url}`, { authorization: auth });
  } finally {
    await cp.close();
    await db.drop();
  }
}

await main();
