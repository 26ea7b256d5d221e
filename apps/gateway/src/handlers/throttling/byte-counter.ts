import type { LeaseRedis, Verdict } from './shared-counter.js';

interface ByteWindow {
  windowStart: number;
  windowEnd: number;
  /** Redis key of this window's shared total */
  redisKey: string;
  /** the shared total Redis last reported (bytes this node sent included) */
  seen: number;
  /** bytes counted here and not sent yet: while a send is under way, or while Redis is away */
  unsent: number;
  /** bytes of the send under way */
  sending: number;
  /** the send under way; its reply is also the freshest shared total */
  syncing: Promise<void> | null;
}

function used(s: ByteWindow): number {
  return s.seen + s.unsent + s.sending;
}

/**
 * Bytes per fixed window (bandwidth quotas), shared by every gateway node through Redis.
 *
 * Bandwidth is admitted-then-counted, as in Kong's response-ratelimiting: a response's size is known
 * only once it has been sent, so `check` asks whether the window's quota was already used up before
 * this request, and `add` counts an exchange's bytes when it is over. A request can therefore
 * overshoot the quota by its own size (and concurrent ones by theirs); request counts
 * (SharedCounters) stay exact.
 *
 * A check of a window that is not used up yet reads the shared total (an INCRBY of the bytes this
 * node has not sent yet, possibly 0: one command both sends and reads). A node keeps at most one such
 * command per window in flight; checks and adds meanwhile wait for it or ride on the next one. A
 * window known to be used up is refused without Redis until it ends (totals only grow).
 * Redis answers one connection's commands in order, so a total read after a send includes it and
 * `seen + unsent + sending` never counts a byte twice.
 *
 * While Redis is unreachable the node keeps counting on top of the last shared total it knew (a
 * per-node limit, as for request counts) and sends what it counted with its next command once
 * Redis is back.
 */
export class SharedByteCounters {
  private readonly windows = new Map<string, ByteWindow>();

  constructor(
    private readonly redis: LeaseRedis,
    private readonly prefix: string,
    /** told when a command fails or Redis is not connected */
    private readonly unreachable: (cause: unknown) => void,
  ) {}

  /** Allowed while the window's total (as far as this node knows) is below `limit` bytes. */
  check(key: string, limit: number, windowMs: number, now = Date.now()): Verdict | Promise<Verdict> {
    const s = this.window(key, windowMs, now);
    const resetMs = s.windowEnd - now;
    if (used(s) >= limit) return verdict(s, limit, resetMs);
    if (this.redis.status !== 'ready') {
      this.unreachable(new Error(`connection ${this.redis.status}`));
      return verdict(s, limit, resetMs);
    }
    return this.sync(s, windowMs).then(() => verdict(s, limit, resetMs));
  }

  /** Counts the bytes of an exchange that just ended, in the window current now. */
  add(key: string, windowMs: number, bytes: number, now = Date.now()): void {
    if (bytes <= 0) return;
    const s = this.window(key, windowMs, now);
    s.unsent += bytes;
    if (s.syncing) return; // sent when the command under way has answered
    if (this.redis.status === 'ready') void this.sync(s, windowMs);
    else this.unreachable(new Error(`connection ${this.redis.status}`));
  }

  /** Forgets windows that have ended. */
  sweep(now = Date.now()): void {
    for (const [k, s] of this.windows) if (s.windowEnd < now && !s.syncing) this.windows.delete(k);
  }

  private window(key: string, windowMs: number, now: number): ByteWindow {
    const windowStart = now - (now % windowMs);
    let s = this.windows.get(key);
    if (!s || s.windowStart !== windowStart) {
      s = {
        windowStart,
        windowEnd: windowStart + windowMs,
        redisKey: `${this.prefix}:bandwidth:${key}:${windowStart}`,
        seen: 0,
        unsent: 0,
        sending: 0,
        syncing: null,
      };
      this.windows.set(key, s);
    }
    return s;
  }

  /** The command under way, or a new one; never rejects (a failure leaves the bytes unsent). */
  private sync(s: ByteWindow, windowMs: number): Promise<void> {
    s.syncing ??= this.send(s, windowMs).then((sent) => {
      s.syncing = null;
      if (sent && s.unsent > 0 && this.redis.status === 'ready') void this.sync(s, windowMs);
    });
    return s.syncing;
  }

  private async send(s: ByteWindow, windowMs: number): Promise<boolean> {
    const n = s.unsent;
    s.unsent = 0;
    s.sending = n;
    try {
      const total = await this.redis.apimLease(s.redisKey, n, windowMs + 1000);
      if (total > s.seen) s.seen = total;
      return true;
    } catch (e) {
      s.unsent += n;
      this.unreachable(e);
      return false;
    } finally {
      s.sending = 0;
    }
  }
}

function verdict(s: ByteWindow, limit: number, resetMs: number): Verdict {
  const u = used(s);
  return { allowed: u < limit, limit, remaining: Math.max(0, limit - u), resetMs };
}
