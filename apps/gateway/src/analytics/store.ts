import { LATENCY_BUCKETS_MS, type AnalyticsRecord } from '@apim/contracts';
import type { PrismaClient } from '@apim/db';

interface Rollup {
  minute: Date;
  apiId: string;
  applicationId: string;
  requests: number;
  errors: number;
  throttled: number;
  latencySum: number;
  latencyMax: number;
  buckets: number[];
}

function bucketOf(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((b) => ms <= b);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

function isThrottled(r: AnalyticsRecord): boolean {
  return r.proxyResponseCode === 429 || (r.errorCode !== null && /^9008\d\d$/.test(r.errorCode));
}

/** Per-minute sums of a batch, by API and application ('' when none). */
export function rollUp(records: readonly AnalyticsRecord[]): Rollup[] {
  const out = new Map<string, Rollup>();
  for (const r of records) {
    const t = Date.parse(r.requestTimestamp);
    const minute = new Date(t - (t % 60_000));
    const apiId = r.apiId ?? '';
    const applicationId = r.applicationId ?? '';
    const key = `${minute.getTime()}|${apiId}|${applicationId}`;
    let g = out.get(key);
    if (!g) {
      g = {
        minute,
        apiId,
        applicationId,
        requests: 0,
        errors: 0,
        throttled: 0,
        latencySum: 0,
        latencyMax: 0,
        buckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
      };
      out.set(key, g);
    }
    g.requests++;
    if (r.proxyResponseCode >= 400) g.errors++;
    if (isThrottled(r)) g.throttled++;
    g.latencySum += r.responseLatency;
    g.latencyMax = Math.max(g.latencyMax, r.responseLatency);
    g.buckets[bucketOf(r.responseLatency)]!++;
  }
  return [...out.values()];
}

/** Stores one batch: the raw events and the per-minute rollups, in one transaction. */
export async function storeAnalyticsBatch(
  prisma: PrismaClient,
  records: readonly AnalyticsRecord[],
): Promise<void> {
  if (records.length === 0) return;
  await prisma.$transaction(async (tx) => {
    await tx.analyticsEvent.createMany({
      data: records.map((r) => ({ ...r, requestTimestamp: new Date(r.requestTimestamp) })),
    });
    for (const g of rollUp(records)) {
      await tx.$executeRaw`
        INSERT INTO analytics_minute (minute, api_id, application_id, request_count, error_count, throttled_count,
                                      latency_sum_ms, latency_max_ms, latency_buckets)
        VALUES (${g.minute}, ${g.apiId}, ${g.applicationId}, ${g.requests}, ${g.errors}, ${g.throttled},
                ${g.latencySum}, ${g.latencyMax}, ${g.buckets}::int[])
        ON CONFLICT (minute, api_id, application_id) DO UPDATE SET
          request_count = analytics_minute.request_count + EXCLUDED.request_count,
          error_count = analytics_minute.error_count + EXCLUDED.error_count,
          throttled_count = analytics_minute.throttled_count + EXCLUDED.throttled_count,
          latency_sum_ms = analytics_minute.latency_sum_ms + EXCLUDED.latency_sum_ms,
          latency_max_ms = GREATEST(analytics_minute.latency_max_ms, EXCLUDED.latency_max_ms),
          latency_buckets = ARRAY(
            SELECT COALESCE(a, 0) + COALESCE(b, 0)
            FROM unnest(analytics_minute.latency_buckets, EXCLUDED.latency_buckets) WITH ORDINALITY AS t(a, b, i)
            ORDER BY i)`;
    }
  });
}
