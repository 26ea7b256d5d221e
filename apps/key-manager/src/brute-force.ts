import type { Redis } from 'ioredis';
import type { Logger } from '@apim/service';

/**
 * Counts failed client authentications and logins per client, user and source address in Redis
 * (shared by every instance). Past `maxFailures` within the window the key is refused until the
 * window ends. If Redis is unreachable the guard lets requests through and says so in the log:
 * an outage must not stop token issuance.
 */
export class BruteForceGuard {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxFailures: number,
    private readonly windowSeconds: number,
    private readonly logger: Logger,
  ) {}

  private key(k: string): string {
    return `${this.prefix}:km:bf:${k}`;
  }

  /** Seconds until the first of these keys is allowed again; 0 when none is blocked. */
  async retryAfter(...keys: string[]): Promise<number> {
    try {
      const counts = await this.redis.mget(...keys.map((k) => this.key(k)));
      let wait = 0;
      for (let i = 0; i < keys.length; i++) {
        if (Number(counts[i] ?? 0) < this.maxFailures) continue;
        const ttl = await this.redis.ttl(this.key(keys[i]!));
        wait = Math.max(wait, ttl > 0 ? ttl : this.windowSeconds);
      }
      return wait;
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'brute-force guard: Redis unavailable, not enforcing');
      return 0;
    }
  }

  async recordFailure(...keys: string[]): Promise<void> {
    try {
      const tx = this.redis.multi();
      for (const k of keys) tx.incr(this.key(k)).expire(this.key(k), this.windowSeconds, 'NX');
      await tx.exec();
    } catch (e) {
      this.logger.warn(
        { err: (e as Error).message },
        'brute-force guard: Redis unavailable, failure not counted',
      );
    }
  }

  async reset(...keys: string[]): Promise<void> {
    try {
      await this.redis.del(...keys.map((k) => this.key(k)));
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'brute-force guard: Redis unavailable');
    }
  }
}
