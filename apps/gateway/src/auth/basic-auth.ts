import { createHmac, randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { GatewayErrorName } from '@apim/contracts';
import { TokenCache } from './token-cache.js';

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
 * manager. Concurrent first uses of the same credentials share one call.
 */
export class BasicAuthVerifier {
  private readonly cache: TokenCache<Verified>;
  private readonly inFlight = new Map<string, Promise<BasicVerification>>();
  private readonly hmacKey = randomBytes(32);

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
      pending = this.ask(username, password, clientIp).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending.then((r) => {
      if (r.ok && this.cacheMs > 0)
        this.cache.set(key, { username: r.username, roles: r.roles, expiresAt: Date.now() + this.cacheMs });
      return r;
    });
  }

  private async ask(username: string, password: string, clientIp: string): Promise<BasicVerification> {
    const res = await request(`${this.keyManagerUrl}/internal/v1/users/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.internalSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username, password, clientIp }),
      headersTimeout: 5000,
      bodyTimeout: 5000,
    });
    const body = (await res.body.json().catch(() => ({}))) as { username?: unknown; roles?: unknown };
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
