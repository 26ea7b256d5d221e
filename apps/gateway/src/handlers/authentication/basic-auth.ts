import { createHmac, randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { GatewayErrorName } from '@apim/contracts';
import { tracedCall } from '@apim/service';
import { TokenCache } from '../../shared/token-cache.js';

export type BasicVerification =
  | { ok: true; username: string; roles: string[] }
  | { ok: false; error: GatewayErrorName; description?: string };

interface Verified {
  username: string;
  roles: string[];
  expiresAt: number;
}

const BASIC = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i;

/** The user and password of a `Basic` Authorization header, or null when it is not well formed. */
export function parseBasic(header: string): { username: string; password: string } | null {
  const m = BASIC.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || decoded.includes('\0')) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Checks Basic credentials at the key manager (POST /internal/v1/users/verify, where its
 * brute-force locks apply), never in the database, and remembers a success for `cacheMs`. The
 * cache is keyed by an HMAC of the credentials under a key of this process only, so the password
 * itself is not kept; failures are not cached, so that every wrong attempt counts at the key
 * manager. Concurrent first uses of the same credentials share one call. A user's remembered
 * successes are forgotten as soon as the user changes (USER_CHANGED): disabling a user, changing
 * their password or roles takes effect at once, not when the cache entry expires.
 */
export class BasicAuthVerifier {
  private readonly cache: TokenCache<Verified>;
  private readonly inFlight = new Map<string, Promise<BasicVerification>>();
  private readonly hmacKey = randomBytes(32);
  /**
   * Bumped by every forget(). A check that started before its user's last change (or before
   * everything was forgotten) is answered but not remembered: it may have seen the old user.
   */
  private epoch = 0;
  private allForgottenAt = 0;
  private readonly changedAt = new Map<string, number>();

  constructor(
    private readonly keyManagerUrl: string,
    private readonly internalSecret: string,
    private readonly cacheMs: number,
    cacheSize: number,
  ) {
    this.cache = new TokenCache(cacheSize);
  }

  verify(username: string, password: string, clientIp: string): Promise<BasicVerification> {
    const key = createHmac('sha256', this.hmacKey)
      .update(username)
      .update('\0')
      .update(password)
      .digest('base64url');
    const cached = this.cache.get(key);
    if (cached) return Promise.resolve({ ok: true, username: cached.username, roles: cached.roles });
    let pending = this.inFlight.get(key);
    if (!pending) {
      const startedAt = this.epoch;
      pending = this.ask(username, password, clientIp)
        .then((r) => {
          if (r.ok && this.cacheMs > 0 && this.unchangedSince(r.username, startedAt))
            this.cache.set(key, {
              username: r.username,
              roles: r.roles,
              expiresAt: Date.now() + this.cacheMs,
            });
          return r;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** Forgets what was verified for this user (null: for every user). */
  forget(username: string | null): void {
    this.epoch++;
    if (username === null) {
      this.allForgottenAt = this.epoch;
      this.changedAt.clear();
      this.cache.clear();
    } else {
      this.changedAt.set(username, this.epoch);
      this.cache.deleteWhere((v) => v.username === username);
    }
  }

  private unchangedSince(username: string, epoch: number): boolean {
    return this.allForgottenAt <= epoch && (this.changedAt.get(username) ?? 0) <= epoch;
  }

  private async ask(username: string, password: string, clientIp: string): Promise<BasicVerification> {
    const url = `${this.keyManagerUrl}/internal/v1/users/verify`;
    // in the trace of the request being authenticated, when tracing is on
    const { res, body } = await tracedCall('credentials check', { 'url.full': url }, async (trace) => {
      const res = await request(url, {
        method: 'POST',
        headers: {
          ...trace,
          authorization: `Bearer ${this.internalSecret}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ username, password, clientIp }),
        headersTimeout: 5000,
        bodyTimeout: 5000,
      });
      const body = (await res.body.json().catch(() => ({}))) as { username?: unknown; roles?: unknown };
      return { res, body };
    });
    if (res.statusCode === 401 || res.statusCode === 400)
      return { ok: false, error: 'INVALID_CREDENTIALS', description: 'Invalid username or password' };
    if (res.statusCode !== 200 || typeof body.username !== 'string')
      throw new Error(`the key manager answered ${res.statusCode} to a credentials check`);
    const roles = Array.isArray(body.roles)
      ? body.roles.filter((r): r is string => typeof r === 'string')
      : [];
    return { ok: true, username: body.username, roles };
  }
}
