/**
 * A token bucket: `ratePerSec` calls per second on average, up to `burst` at once. Introspection
 * costs a round trip to the token service for every token the gateway has not seen, so a flood of
 * made-up tokens of the right shape could otherwise turn each gateway worker into an amplifier
 * against the key manager.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    /** milliseconds, monotonic */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one call's worth if there is one; false: over the limit. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.ratePerSec) / 1000);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
