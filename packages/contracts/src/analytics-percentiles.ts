/**
 * Latency percentiles from per-minute histograms (analytics_minute.latency_buckets, merged from
 * the gateways' own): any time range and any set of APIs or applications is a sum of histograms,
 * so no raw event has to be read. Shared, so that the gateways' tests check the dashboards
 * against the same estimate.
 */
import { LATENCY_BUCKETS_MS } from './analytics.js';

export interface LatencyPercentiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/**
 * The q-quantile (0 < q <= 1) of a histogram whose bucket i holds latencies in
 * (LATENCY_BUCKETS_MS[i-1], LATENCY_BUCKETS_MS[i]] and whose last bucket is open. Within its
 * bucket the value is interpolated linearly, as Prometheus' histogram_quantile does; the largest
 * latency seen caps the estimate (it also closes the open bucket).
 */
export function quantileOf(counts: readonly number[], maxSeen: number, q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (n > 0 && below + n >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
      const upper = Math.min(LATENCY_BUCKETS_MS[i] ?? maxSeen, maxSeen);
      if (upper <= lower) return round(lower);
      return round(lower + ((upper - lower) * (rank - below)) / n);
    }
    below += n;
  }
  return round(maxSeen);
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export function percentilesOf(counts: readonly number[], maxSeen: number): LatencyPercentiles {
  const any = counts.some((n) => n > 0);
  return {
    p50: quantileOf(counts, maxSeen, 0.5),
    p90: quantileOf(counts, maxSeen, 0.9),
    p95: quantileOf(counts, maxSeen, 0.95),
    p99: quantileOf(counts, maxSeen, 0.99),
    max: any ? maxSeen : null,
  };
}
