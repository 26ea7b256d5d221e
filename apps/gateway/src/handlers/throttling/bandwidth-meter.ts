import { windowMs, type GatewayLimit } from '@apim/contracts';
import type { SharedByteCounters } from './byte-counter.js';

/**
 * Charges one admitted exchange's payload bytes (request body + response body) to every bandwidth
 * quota that applied to it, once the exchange is over: only then is the response's size known.
 */
export class BandwidthMeter {
  private readonly keys: string[] = [];
  private readonly windows: number[] = [];

  constructor(private readonly counters: SharedByteCounters) {}

  /** `limit` is a BANDWIDTH limit whose check admitted this request under `key` */
  charge(key: string, limit: GatewayLimit): void {
    this.keys.push(key);
    this.windows.push(windowMs(limit.unitTime, limit.timeUnit));
  }

  /** the exchange is over: `bytes` of payload (request + response body) went through */
  done(bytes: number): void {
    for (let i = 0; i < this.keys.length; i++) this.counters.add(this.keys[i]!, this.windows[i]!, bytes);
  }
}
