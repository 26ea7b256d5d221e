import { randomUUID } from 'node:crypto';

const PER_PREFIX = 0x1_0000_0000;

/**
 * Ids for analytics events, unique without a random draw per request: a random UUID's first 28
 * characters (90 random bits), then an 8-hex-digit counter; a new random prefix every 2^32 events.
 * The control plane stores an event once per id, so ids only need to be unique, not unpredictable.
 */
export class EventIds {
  private prefix = '';
  private n = PER_PREFIX;

  next(): string {
    if (this.n === PER_PREFIX) {
      this.prefix = randomUUID().slice(0, 28);
      this.n = 0;
    }
    return this.prefix + (this.n++).toString(16).padStart(8, '0');
  }
}
