import { isIPv6 } from 'node:net';
import type { Logger, RedisClient } from '@apim/service';
import { GATEWAY_CLIENT_ID } from '../models/builtin-clients.js';

/** One failure counter: its key and the failures it allows within the window. */
export interface Counter {
  readonly key: string;
  readonly max: number;
}

export interface BruteForceLimits {
  /** APIM_BRUTE_FORCE_MAX_FAILURES: one address for one client; one username */
  maxFailures: number;
  /** APIM_BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS: one address for any; one client from any address */
  maxFailuresPerAddress: number;
  windowSeconds: number;
}

/**
 * The unit an address is counted in: an IPv4 address, or the /64 of an IPv6 one (one site or
 * household gets a whole /64, and could otherwise take a fresh address for every attempt).
 */
export function addressBucket(address: string): string {
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  // an embedded IPv4 address (::1.2.3.4) is two groups, always in the low 64 bits
  const groups = right.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const zeros = address.includes('::') ? 8 - left.length - groups : 0;
  const full = [...left, ...Array<string>(Math.max(zeros, 0)).fill('0'), ...right];
  return `${full
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * Counts failed client authentications and logins in Redis (shared by every instance). A counter
 * past its limit within the window refuses what it counts until the window ends. The counters,
 * so that one caller's failures lock that caller and not its neighbours:
 * - client authentication: per (address, client) at maxFailures; per client (any address) and
 *   per address (any client) at maxFailuresPerAddress. Behind a NAT or a load balancer one
 *   address is many callers, and client ids are public (a console's, an SPA's), so neither alone
 *   may lock at the low threshold: an address locking one client would switch it off for
 *   everyone. Guessing a generated client secret is hopeless anyway: these limits stop noise.
 *   The gateways' client has no client-wide counter: its id is public and every gateway shares
 *   it, so failures from anywhere (a botnet's) would otherwise cut every gateway off.
 * - login: per username at maxFailures (matching the account lock in the database, so an
 *   unknown username answers like a known one, see models/user-login.ts), per address at
 *   maxFailuresPerAddress. A per (address, username) counter would lock no sooner than the
 *   username's own, so there is none.
 * If Redis is unreachable the guard lets requests through and says so in the log (once when it
 * goes, once when it is back): an outage must not stop token issuance.
 */
export class BruteForceGuard {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly limits: BruteForceLimits,
    private readonly logger: Logger,
  ) {}

  private available = true;

  /** Counters of a client authentication from `address` naming `clientId` (if any). */
  clientCounters(address: string, clientId?: string): Counter[] {
    const { maxFailures, maxFailuresPerAddress } = this.limits;
    const from = addressBucket(address);
    const counters: Counter[] = [{ key: `ip:${from}`, max: maxFailuresPerAddress }];
    if (clientId !== undefined) {
      const id = encodeURIComponent(clientId);
      counters.push({ key: `ip-client:${from}|${id}`, max: maxFailures });
      if (clientId !== GATEWAY_CLIENT_ID) counters.push({ key: `client:${id}`, max: maxFailuresPerAddress });
    }
    return counters;
  }

  /** Counters of a login (page, password grant, gateway Basic auth) from `address`. */
  loginCounters(address: string, username: string): { address: Counter; user: Counter } {
    return {
      address: { key: `login-ip:${addressBucket(address)}`, max: this.limits.maxFailuresPerAddress },
      user: {
        key: `login-user:${encodeURIComponent(username.toLowerCase())}`,
        max: this.limits.maxFailures,
      },
    };
  }

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

  private key(c: Counter): string {
    return `${this.prefix}:km:bf:${c.key}`;
  }

  /** Seconds until every one of these counters allows again; 0 when none is past its limit. */
  async retryAfter(counters: readonly Counter[]): Promise<number> {
    if (!counters.length) return 0;
    try {
      const counts = await this.redis.mget(...counters.map((c) => this.key(c)));
      let wait = 0;
      for (const [i, c] of counters.entries()) {
        if (Number(counts[i] ?? 0) < c.max) continue;
        const ttl = await this.redis.ttl(this.key(c));
        wait = Math.max(wait, ttl > 0 ? ttl : this.limits.windowSeconds);
      }
      this.reachable();
      return wait;
    } catch (e) {
      this.unreachable(e);
      return 0;
    }
  }

  async recordFailure(counters: readonly Counter[]): Promise<void> {
    if (!counters.length) return;
    try {
      const tx = this.redis.multi();
      for (const c of counters) tx.incr(this.key(c)).expire(this.key(c), this.limits.windowSeconds, 'NX');
      await tx.exec();
      this.reachable();
    } catch (e) {
      this.unreachable(e);
    }
  }

  async reset(counters: readonly Counter[]): Promise<void> {
    if (!counters.length) return;
    try {
      await this.redis.del(...counters.map((c) => this.key(c)));
      this.reachable();
    } catch (e) {
      this.unreachable(e);
    }
  }
}
