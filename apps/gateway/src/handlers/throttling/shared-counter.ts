import type { Logger, RedisClient } from '@apim/service';
import { SharedByteCounters } from './byte-counter.js';

export interface Verdict {
  allowed: boolean;
  limit: number;
  /** best local estimate of what is left in this window */
  remaining: number;
  /** milliseconds until the window resets */
  resetMs: number;
}

interface WindowState {
  windowStart: number;
  windowEnd: number;
  /** requests this node may still admit from what it reserved in Redis */
  leased: number;
  /** the shared count Redis last told us (this node's reservations included) */
  seen: number;
  /** Redis said the window is used up: nothing more is admitted until it ends */
  exhausted: boolean;
  /** size of the next reservation: grows while this node asks for reservations quickly (FAST_MS) */
  nextChunk: number;
  /** when this node last asked Redis for a reservation of this window */
  leasedAt: number;
  pending: Promise<void> | null;
  /** admitted here while Redis was unreachable and not yet added to the shared count */
  local: number;
}

/** Never reserve more than this share of what is left, so idle reservations strand little quota. */
const SHARE_DIVISOR = 8;
const MAX_CHUNK = 1024;
/**
 * a node that needs another reservation this soon after the last is hot for the key: it reserves
 * twice as many next time (else half as many). Measured between reservations, not from a
 * reservation to its last use: a node at a few requests a second reserves one at a time, so it
 * strands nothing when it stops or when the window ends.
 */
const FAST_MS = 100;

/** INCRBY that sets the expiry on the first increment of a window, atomically. */
const LEASE_LUA = `
local t = redis.call('INCRBY', KEYS[1], ARGV[1])
if t == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return t`;

const windowKey = (prefix: string, key: string, s: WindowState) =>
  `${prefix}:throttle:${key}:${s.windowStart}`;

export type LeaseRedis = RedisClient & {
  apimLease(key: string, chunk: number, ttlMs: number): Promise<number>;
};

/**
 * Fixed-window request counters shared by every gateway node through Redis, never admitting more
 * than the limit. A node reserves part of what is left (INCRBY) and admits from its reservation
 * without a Redis round trip; reservations shrink to one request as the window fills, so small
 * limits are counted exactly, request by request, across nodes. When Redis is unreachable each node
 * counts alone on top of the last shared count it knew (a per-node limit) and says so; shared
 * counting resumes as soon as Redis is back, with what the node admitted alone added to it.
 * `bytes` holds the bandwidth quotas' counters, on the same connection and in the same mode.
 */
export class SharedCounters {
  private readonly windows = new Map<string, WindowState>();
  private readonly redis: LeaseRedis;
  /** bandwidth quotas' byte totals */
  readonly bytes: SharedByteCounters;
  private shared = true;
  private sweepTimer: NodeJS.Timeout;

  constructor(
    redis: RedisClient,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly onModeChange: (shared: boolean) => void = () => undefined,
  ) {
    redis.defineCommand('apimLease', { numberOfKeys: 1, lua: LEASE_LUA });
    this.redis = redis as LeaseRedis;
    this.bytes = new SharedByteCounters(this.redis, prefix, (cause) => this.setShared(false, cause));
    redis.on('ready', () => this.setShared(true));
    this.sweepTimer = setInterval(() => this.sweep(), 10_000);
    this.sweepTimer.unref();
  }

  get isShared(): boolean {
    return this.shared;
  }

  /**
   * Gives back what this node reserved and did not use in the current windows (a graceful stop,
   * so that a rolling restart takes no quota with it), and stops sweeping.
   */
  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    if (this.redis.status !== 'ready') return;
    const now = Date.now();
    const unused = [...this.windows].filter(([, s]) => s.leased > 0 && s.windowEnd > now);
    await Promise.all(
      unused.map(([key, s]) => this.redis.decrby(windowKey(this.prefix, key, s), s.leased).catch(() => 0)),
    );
  }

  take(key: string, limit: number, windowMs: number, now = Date.now()): Verdict | Promise<Verdict> {
    const windowStart = now - (now % windowMs);
    let s = this.windows.get(key);
    // windows only move forward: a request that waited for a lease across a window's end is
    // counted in the window now current (replacing it with its own would undo that window's
    // leases, and the two windows' waiters would replace each other's in turn)
    if (!s || s.windowStart < windowStart) {
      s = {
        windowStart,
        windowEnd: windowStart + windowMs,
        leased: 0,
        seen: 0,
        exhausted: false,
        nextChunk: s && s.windowStart === windowStart - windowMs ? s.nextChunk : 1,
        leasedAt: 0,
        pending: null,
        local: 0,
      };
      this.windows.set(key, s);
    }
    const resetMs = s.windowEnd - now;
    if (s.leased > 0) {
      s.leased--;
      return { allowed: true, limit, remaining: Math.max(0, limit - s.seen) + s.leased, resetMs };
    }
    if (s.exhausted) return { allowed: false, limit, remaining: 0, resetMs };
    if (this.redis.status !== 'ready') {
      this.setShared(false, new Error(`connection ${this.redis.status}`));
      return this.takeLocally(s, limit, resetMs, false);
    }
    const state = s;
    if (!state.pending)
      state.pending = this.lease(key, state, limit, windowMs).finally(() => (state.pending = null));
    return state.pending.then(
      () => this.take(key, limit, windowMs, now),
      // a lease that failed once sent (timed out, connection lost) was most likely counted by Redis
      () => this.takeLocally(state, limit, resetMs, true),
    );
  }

  /**
   * Counts on top of the last shared count this node knew (the others' admissions meanwhile are
   * unknown). A request admitted while no command could be sent is added to Redis with the next
   * lease; one whose lease failed after it was sent is not: Redis has most likely counted it, and
   * counting it twice would take from the window what nobody used.
   */
  private takeLocally(s: WindowState, limit: number, resetMs: number, countedByLease: boolean): Verdict {
    const used = s.seen + s.local;
    if (used >= limit) return { allowed: false, limit, remaining: 0, resetMs };
    if (countedByLease) s.seen++;
    else s.local++;
    return { allowed: true, limit, remaining: limit - used - 1, resetMs };
  }

  private async lease(key: string, s: WindowState, limit: number, windowMs: number): Promise<void> {
    const now = Date.now();
    if (s.leasedAt > 0)
      s.nextChunk =
        now - s.leasedAt < FAST_MS ? Math.min(s.nextChunk * 2, MAX_CHUNK) : Math.max(1, s.nextChunk >> 1);
    s.leasedAt = now;
    const chunk = Math.max(1, Math.min(s.nextChunk, Math.floor((limit - s.seen) / SHARE_DIVISOR)));
    // what this node admitted alone while Redis was away goes into the shared count with the lease
    const unsent = s.local;
    let total: number;
    try {
      total = await this.redis.apimLease(windowKey(this.prefix, key, s), chunk + unsent, windowMs + 1000);
    } catch (e) {
      this.setShared(false, e);
      throw e;
    }
    s.local -= unsent;
    s.seen = total;
    const granted = Math.min(chunk, limit - (total - chunk));
    if (granted <= 0) s.exhausted = true;
    else s.leased += granted;
  }

  private setShared(shared: boolean, cause?: unknown): void {
    if (this.shared === shared) return;
    this.shared = shared;
    if (shared)
      this.logger.info('Redis is reachable again: rate limits are shared by all gateway nodes again');
    else
      this.logger.warn(
        { err: (cause as Error | undefined)?.message },
        'Redis is unreachable: rate limits are counted per gateway node until it returns',
      );
    this.onModeChange(shared);
  }

  /** Forgets windows that have ended. */
  private sweep(now = Date.now()): void {
    for (const [k, s] of this.windows) if (s.windowEnd < now && !s.pending) this.windows.delete(k);
    this.bytes.sweep(now);
  }
}
