import { windowMs, type GatewayLimit } from '@apim/contracts';
import { BandwidthMeter } from './bandwidth-meter.js';
import type { SharedCounters, Verdict } from './shared-counter.js';

/** WSO2's bandwidth units (the admin API offers KB and MB), binary multiples as in WSO2. */
const UNIT_BYTES: Readonly<Record<string, number>> = { KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** A BANDWIDTH limit's quota in bytes; null when it names no amount or an unknown unit. */
export function quotaBytes(limit: GatewayLimit): number | null {
  const unit = limit.dataUnit ? UNIT_BYTES[limit.dataUnit.toUpperCase()] : undefined;
  return limit.dataAmount === null || unit === undefined ? null : limit.dataAmount * unit;
}

/**
 * Turns throttling policies into counter checks. REQUESTCOUNT limits count this request exactly;
 * BANDWIDTH limits only check that the window's bytes are not used up yet, and the caller charges
 * the exchange's bytes once it is over (`meter`): bandwidth is admitted-then-counted.
 */
export class Throttler {
  constructor(readonly counters: SharedCounters) {}

  /** null when the limit restricts nothing (UNLIMITED) */
  check(key: string, limit: GatewayLimit): Verdict | Promise<Verdict> | null {
    if (limit.quotaType === 'REQUESTCOUNT')
      return limit.requestCount === null
        ? null
        : this.counters.take(key, limit.requestCount, windowMs(limit.unitTime, limit.timeUnit));
    if (limit.quotaType === 'BANDWIDTH') {
      const bytes = quotaBytes(limit);
      return bytes === null
        ? null
        : this.counters.bytes.check(key, bytes, windowMs(limit.unitTime, limit.timeUnit));
    }
    return null;
  }

  /** requests per second or per minute (burst control, backend max TPS) */
  rate(key: string, count: number, unit: 'sec' | 'min'): Verdict | Promise<Verdict> {
    return this.counters.take(key, count, unit === 'sec' ? 1000 : 60_000);
  }

  /** A meter for an admitted exchange; `charge` it with each bandwidth limit that applied. */
  meter(): BandwidthMeter {
    return new BandwidthMeter(this.counters.bytes);
  }
}
