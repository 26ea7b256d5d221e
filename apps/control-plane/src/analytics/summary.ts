/**
 * The traffic summary the console's analytics page shows, read from what the analytics worker
 * (jobs/analytics.ts) stores: per-minute or hourly rollups (analytics_minute, analytics_hour),
 * merged from the gateways' own, for exact counts, the timeline and latency percentiles, and the
 * raw events (analytics_event: every error and throttled request, a sample of the successes) for
 * the most recent requests.
 */
import { LATENCY_BUCKETS_MS, percentilesOf } from '@apim/contracts';
import { ANALYTICS_TOP, type Admin } from '@apim/rest-contract';
import type { PrismaClient } from '@apim/db';
import { recordOf } from './records.js';

export interface SummaryRequest {
  /** how far back from now */
  minutes: number;
  /** how many of the most recent requests to list */
  recent: number;
  /** only these APIs (ids); undefined: all */
  apiIds?: string[];
  /** only these applications (ids); undefined: all */
  applicationIds?: string[];
  /** only answers of these status classes (2 for 2xx); undefined: all */
  statusClasses?: number[];
}

/** Rows in the breakdowns by API and by application (the busiest first). */
export const TOP = ANALYTICS_TOP;
/** The timeline has at most this many points; its step grows with the range. */
const MAX_POINTS = 120;
const STEPS = [1, 5, 15, 30, 60, 180, 360, 720, 1440];

/** From this range on, points are whole hours (read from the hourly rollups). */
const HOURLY_FROM_MINUTES = 1440;

/**
 * The timeline's step and first point. Points sit on multiples of the step (in UTC), so that a page
 * refreshing every few seconds keeps showing the same points.
 */
export function timeRange(now: Date, minutes: number) {
  const step =
    STEPS.find((s) => Math.ceil(minutes / s) <= MAX_POINTS && (minutes < HOURLY_FROM_MINUTES || s >= 60)) ??
    STEPS[STEPS.length - 1]!;
  const stepMs = step * 60_000;
  const points = Math.ceil(minutes / step);
  const last = Math.floor(now.getTime() / stepMs) * stepMs;
  return {
    step,
    pointCount: points,
    from: new Date(last - (points - 1) * stepMs),
    /** end of the last point's interval */
    until: new Date(last + stepMs),
  };
}

const BUCKETS = LATENCY_BUCKETS_MS.length + 1;

/** The two rollup tables (both written by the analytics worker) and their time column. */
type Rollup = 'minute' | 'hour';

/**
 * The rows of a rollup in the range that the caller may see. Parameters: $1 from, $2 until,
 * $3 API ids or null, $4 application ids or null, $5 status classes or null (null: no
 * restriction). Only the per-minute rollup has status classes: a summary filtered by them reads it
 * whatever the range.
 */
const inRange = (r: Rollup) => `
  FROM analytics_${r}
  WHERE ${r} >= $1::timestamptz AND ${r} < $2::timestamptz
    AND ($3::text[] IS NULL OR api_id = ANY($3::text[]))
    AND ($4::text[] IS NULL OR application_id = ANY($4::text[]))
    AND ${r === 'minute' ? '($5::int[] IS NULL OR status_class = ANY($5::int[]))' : '$5::int[] IS NULL'}`;

const sums = `sum(request_count)::float8 AS requests, sum(error_count)::float8 AS errors,
  sum(throttled_count)::float8 AS throttled`;

/**
 * One pass over the rollups of the range: per timeline point ($6: step in minutes), the counts and
 * the latency histogram. Each bucket is summed as its own column, several times cheaper than
 * unnesting the arrays; points are numbered here and the empty ones filled in by the caller (a
 * join with generate_series made the planner expect enough rows to pay for JIT compilation on
 * every call).
 */
const histogram = `max(latency_max_ms) AS max,
         ARRAY[${Array.from({ length: BUCKETS }, (_, i) => `sum(latency_buckets[${i + 1}])`).join(', ')}]::float8[] AS buckets`;
const timelineSql = (r: Rollup) => `
  SELECT floor(extract(epoch FROM ${r} - $1::timestamptz) / ($6::int * 60))::int AS point, ${sums},
         ${histogram}
  ${inRange(r)}
  GROUP BY 1`;

/**
 * Drill-down into one API: its busiest resources with their latency histograms, from the
 * per-minute rollup (the only one with resources) over the range.
 */
const BY_RESOURCE = `
  SELECT resource_template, method, ${sums}, ${histogram}
  ${inRange('minute')}
  GROUP BY resource_template, method
  ORDER BY requests DESC, resource_template, method
  LIMIT ${TOP}`;

/**
 * The busiest APIs, named from the API table or, for a deleted API, from its last recorded request,
 * with their WebSocket connections and event streams and the messages those carried.
 */
const byApiSql = (r: Rollup) => `
  SELECT g.*, COALESCE(a.name, e.api_name) AS name, COALESCE(a.version, e.api_version) AS version
  FROM (SELECT api_id AS id, ${sums}, sum(connection_count)::float8 AS connections,
               sum(messages_in)::float8 AS messages_in, sum(messages_out)::float8 AS messages_out
        ${inRange(r)} AND api_id <> ''
        GROUP BY api_id ORDER BY requests DESC, api_id LIMIT ${TOP}) g
  LEFT JOIN api a ON a.id::text = g.id
  LEFT JOIN LATERAL (
    SELECT api_name, api_version FROM analytics_event
    WHERE a.id IS NULL AND api_id = g.id ORDER BY request_timestamp DESC LIMIT 1
  ) e ON true
  ORDER BY g.requests DESC, g.id`;

/** The busiest applications ('' gathers requests without one), named as byApiSql names APIs. */
const byApplicationSql = (r: Rollup) => `
  SELECT g.*, COALESCE(a.name, e.application_name) AS name
  FROM (SELECT application_id AS id, ${sums} ${inRange(r)}
        GROUP BY application_id ORDER BY requests DESC, application_id LIMIT ${TOP}) g
  LEFT JOIN application a ON a.id::text = g.id
  LEFT JOIN LATERAL (
    SELECT application_name FROM analytics_event
    WHERE a.id IS NULL AND g.id <> '' AND application_id = g.id ORDER BY request_timestamp DESC LIMIT 1
  ) e ON true
  ORDER BY g.requests DESC, g.id`;

/** Built once: the statements are constant text, every value is a parameter. */
const SQL = Object.fromEntries(
  (['minute', 'hour'] as const).map((r) => [
    r,
    { timeline: timelineSql(r), byApi: byApiSql(r), byApplication: byApplicationSql(r) },
  ]),
) as Record<Rollup, { timeline: string; byApi: string; byApplication: string }>;

interface CountRow {
  requests: number;
  errors: number;
  throttled: number;
}

/** Sums as numbers; throttled requests are left out of errors (the worker counts them in both). */
function totalsOf(r: CountRow): Admin.AnalyticsSummary['totals'] {
  return {
    requests: Number(r.requests),
    errors: Number(r.errors) - Number(r.throttled),
    throttled: Number(r.throttled),
  };
}

interface HistogramRow {
  max: number | null;
  buckets: Array<number | null>;
}

/** The latency percentiles of summed histograms. */
function latencyOf(rows: readonly HistogramRow[]): Admin.AnalyticsSummary['latency'] {
  const counts = new Array<number>(BUCKETS).fill(0);
  let maxSeen = 0;
  for (const row of rows) {
    row.buckets.forEach((n, i) => (counts[i]! += Number(n ?? 0)));
    maxSeen = Math.max(maxSeen, Number(row.max ?? 0));
  }
  return percentilesOf(counts, maxSeen);
}

interface ApiRow {
  id: string;
  name: string | null;
  version: string | null;
  connections: number;
  messages_in: number;
  messages_out: number;
}

export async function analyticsSummary(
  prisma: PrismaClient,
  request: SummaryRequest,
  now = new Date(),
): Promise<Admin.AnalyticsSummary> {
  const { step, from, pointCount, until } = timeRange(now, request.minutes);
  // null: no restriction (the same statement serves every caller)
  const apiIds = request.apiIds ?? null;
  const appIds = request.applicationIds ?? null;

  // Points of whole hours read the hourly rollups: 60 times fewer rows.
  const classes = request.statusClasses ?? null;
  const sql = SQL[step % 60 === 0 && classes === null ? 'hour' : 'minute'];
  const params = [from, until, apiIds, appIds, classes] as const;
  const [rows, byApi, byApplication, byResource, recent, lastBatch] = await Promise.all([
    prisma.$queryRawUnsafe<Array<CountRow & HistogramRow & { point: number }>>(sql.timeline, ...params, step),
    prisma.$queryRawUnsafe<Array<CountRow & ApiRow>>(sql.byApi, ...params),
    prisma.$queryRawUnsafe<Array<CountRow & { id: string; name: string | null }>>(
      sql.byApplication,
      ...params,
    ),
    apiIds?.length === 1
      ? prisma.$queryRawUnsafe<
          Array<CountRow & HistogramRow & { resource_template: string; method: string }>
        >(BY_RESOURCE, ...params)
      : [],
    request.recent === 0
      ? []
      : prisma.analyticsEvent.findMany({
          where: {
            requestTimestamp: { gte: from, lt: until },
            ...(apiIds ? { apiId: { in: apiIds } } : {}),
            ...(appIds ? { applicationId: { in: appIds } } : {}),
            ...(classes
              ? { OR: classes.map((c) => ({ proxyResponseCode: { gte: c * 100, lt: c * 100 + 100 } })) }
              : {}),
          },
          orderBy: [{ requestTimestamp: 'desc' }, { id: 'desc' }],
          take: request.recent,
        }),
    prisma.analyticsBatch.findFirst({ orderBy: { appliedAt: 'desc' }, select: { sampleRate: true } }),
  ]);

  const points = Array.from({ length: pointCount }, (_, i) => ({
    time: new Date(from.getTime() + i * step * 60_000).toISOString(),
    requests: 0,
    errors: 0,
    throttled: 0,
  }));
  for (const row of rows) Object.assign(points[row.point]!, totalsOf(row));
  return {
    from: from.toISOString(),
    to: now.toISOString(),
    step,
    totals: points.reduce(
      (t, p) => ({
        requests: t.requests + p.requests,
        errors: t.errors + p.errors,
        throttled: t.throttled + p.throttled,
      }),
      { requests: 0, errors: 0, throttled: 0 },
    ),
    timeline: points,
    latency: latencyOf(rows),
    byApi: byApi.map((r) => ({
      apiId: r.id,
      apiName: r.name,
      apiVersion: r.version,
      ...totalsOf(r),
      connections: Number(r.connections),
      messagesIn: Number(r.messages_in),
      messagesOut: Number(r.messages_out),
    })),
    byApplication: byApplication.map((r) => ({
      applicationId: r.id,
      applicationName: r.name,
      ...totalsOf(r),
    })),
    byResource: byResource.map((r) => ({
      resourceTemplate: r.resource_template,
      method: r.method,
      ...totalsOf(r),
      latency: latencyOf([r]),
    })),
    recent: recent.map(recordOf),
    sampling: { successRate: lastBatch?.sampleRate ?? null },
  };
}
