import type { Redis } from 'ioredis';
import type { Logger } from '@apim/service';

/**
 * Counts failed client authentications and logins per client, user and source address in Redis
 * (shared by every instance). Past `maxFailures` within the window the key is refused until the
 * window ends. If Redis is unreachable the guard lets requests through and says so in the log
 * (once when it goes, once when it is back): an outage must not stop token issuance. Accounts
 * are locked in the database as well (user-login.ts).
 */
export class BruteForceGuard {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxFailures: number,
    private readonly windowSeconds: number,
    private readonly logger: Logger,
  ) {}

  private available = true;

  private reachable(): void {
    if (this.available) return;
    this.available = true;
    this.logger.info('brute-force guard: Redis is back, enforcing again');
  }

  private unreachable(e: unknown): void {
    if (!this.available) return;
    this.available = false;
    this.logger.warn(
      { err: (e as Error).message },
      'brute-force guard: Redis unavailable, not counting or enforcing per-address and per-client limits until it is back',
    );
  }

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
      this.reachable();
      return wait;
    } catch (e) {
      this.unreachable(e);
      return 0;
    }
  }

  async recordFailure(...keys: string[]): Promise<void> {
    try {
      const tx = this.redis.multi();
      for (const k of keys) tx.incr(this.key(k)).expire(this.key(k), this.windowSeconds, 'NX');
      await tx.exec();
      this.reachable();
    } catch (e) {
      this.unreachable(e);
    }
  }

  async reset(...keys: string[]): Promise<void> {
    try {
      await this.redis.del(...keys.map((k) => this.key(k)));
      this.reachable();
    } catch (e) {
      this.unreachable(e);
    }
  }
}
