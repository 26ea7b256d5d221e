import { windowMs, type GatewayLimit } from '@apim/contracts';
import type { ExchangeMeter } from '../../pipeline/types.js';
import type { SharedByteCounters } from './byte-counter.js';

/**
 * Charges one admitted exchange's payload bytes (request body + response body) to every bandwidth
 * quota that applied to it, once the exchange is over: only then is the response's size known.
 */
export class BandwidthMeter implements ExchangeMeter {
  requestBytes = 0;
  responseBytes = 0;
  private readonly keys: string[] = [];
  private readonly windows: number[] = [];

  constructor(private readonly counters: SharedByteCounters) {}

  /** `limit` is a BANDWIDTH limit whose check admitted this request under `key` */
  charge(key: string, limit: GatewayLimit): void {
    this.keys.push(key);
    this.windows.push(windowMs(limit.unitTime, limit.timeUnit));
  }

  done(): void {
    const bytes = this.requestBytes + this.responseBytes;
    for (let i = 0; i < this.keys.length; i++) this.counters.add(this.keys[i]!, this.windows[i]!, bytes);
  }
}
