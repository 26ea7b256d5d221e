import { windowMs, type GatewayLimit } from '@apim/contracts';
import type { SharedCounters, Verdict } from './shared-counter.js';

/**
 * Turns throttling policies into counter checks. BANDWIDTH quotas are not counted per request (they
 * need the response size), so only REQUESTCOUNT limits are enforced here.
 */
export class Throttler {
  constructor(readonly counters: SharedCounters) {}

  /** null when the limit does not restrict request counts */
  check(key: string, limit: GatewayLimit): Verdict | Promise<Verdict> | null {
    if (limit.quotaType !== 'REQUESTCOUNT' || limit.requestCount === null) return null;
    return this.counters.take(key, limit.requestCount, windowMs(limit.unitTime, limit.timeUnit));
  }

  /** requests per second or per minute (burst control, backend max TPS) */
  rate(key: string, count: number, unit: 'sec' | 'min'): Verdict | Promise<Verdict> {
    return this.counters.take(key, count, unit === 'sec' ? 1000 : 60_000);
  }
}
