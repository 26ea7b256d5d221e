import { createHash } from 'node:crypto';
import type { Logger, RedisClient } from '@apim/service';

/**
 * The DPoP proofs (by key thumbprint and jti) seen within the window a proof is acceptable, shared by
 * every gateway node through Redis: `SET key 1 NX PX window` admits a proof once, whichever node it
 * reaches. While Redis is unreachable each node remembers the proofs it saw in memory (a bounded,
 * per-node set: a proof replayed to another node is then not caught), says so in its log and
 * metric, and hands what it remembered to Redis when it is back, so that nothing seen during the
 * outage can be replayed after it.
 */
export class ProofReplayStore {
  /** key -> when it may be forgotten (epoch ms); insertion order is expiry order (one window for all) */
  private readonly local = new Map<string, number>();
  private shared = true;
  /** proofs forgotten early because the per-node set was full, during the current outage */
  private evicted = 0;
  private handingOver: Promise<void> | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** how long a proof stays acceptable: its jti is remembered that long */
    private readonly windowMs: number,
    /** the most proofs one node remembers by itself while Redis is away */
    private readonly localMax: number,
    private readonly logger: Logger,
    private readonly onModeChange: (shared: boolean) => void = () => undefined,
  ) {
    redis.on('ready', () => void this.reconnected());
  }

  get isShared(): boolean {
    return this.shared;
  }

  /** True the first time a proof (key thumbprint + jti) is seen within the window; false for a replay. */
  async firstUse(jkt: string, jti: string, now = Date.now()): Promise<boolean> {
    const key = `${this.prefix}:dpop-jti:${createHash('sha256').update(jkt).update('\n').update(jti).digest('base64url')}`;
    // Seen by this node during an outage and maybe not handed to Redis yet.
    if (this.local.size > 0 && this.seenLocally(key, now)) return false;
    if (this.redis.status === 'ready') {
      try {
        const first = (await this.redis.set(key, '1', 'PX', this.windowMs, 'NX')) === 'OK';
        // commands failed (timeouts) without the connection dropping: no 'ready' will say it is back
        if (!this.shared) void this.reconnected();
        return first;
      } catch (e) {
        this.setShared(false, e);
      }
    } else this.setShared(false, new Error(`connection ${this.redis.status}`));
    this.remember(key, now);
    return true;
  }

  private seenLocally(key: string, now: number): boolean {
    const until = this.local.get(key);
    return until !== undefined && until > now;
  }

  private remember(key: string, now: number): void {
    for (const [k, until] of this.local) {
      if (until > now && this.local.size < this.localMax) break;
      this.local.delete(k);
      if (until > now) this.evicted++;
    }
    this.local.set(key, now + this.windowMs);
  }

  /** Redis is back: what this node saw alone goes to Redis (for what is left of each window). */
  private reconnected(): Promise<void> {
    this.handingOver ??= this.handOver().finally(() => (this.handingOver = null));
    return this.handingOver;
  }

  private async handOver(): Promise<void> {
    const now = Date.now();
    const pending = [...this.local].filter(([, until]) => until > now);
    try {
      if (pending.length > 0) {
        const batch = this.redis.pipeline();
        for (const [k, until] of pending) batch.set(k, '1', 'PX', until - now, 'NX');
        const failed = (await batch.exec())?.find(([err]) => err)?.[0];
        if (failed) throw failed;
      }
      const handed = new Set(pending.map(([k]) => k));
      const later = Date.now();
      for (const [k, until] of this.local) if (handed.has(k) || until <= later) this.local.delete(k);
      this.setShared(true);
    } catch (e) {
      // still remembered here; the next 'ready' or successful command tries again
      this.logger.warn(
        { err: (e as Error).message },
        'could not hand the DPoP proofs seen during the outage to Redis',
      );
    }
  }

  private setShared(shared: boolean, cause?: unknown): void {
    if (this.shared === shared) return;
    this.shared = shared;
    if (shared) {
      this.logger.info(
        { forgottenEarly: this.evicted },
        'Redis is reachable again: DPoP proof replays are detected across all gateway nodes again',
      );
      this.evicted = 0;
    } else
      this.logger.warn(
        { err: (cause as Error | undefined)?.message },
        'Redis is unreachable: DPoP proof replays are detected per gateway node until it returns',
      );
    this.onModeChange(shared);
  }
}
