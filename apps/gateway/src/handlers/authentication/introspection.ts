/**
 * RFC 7662 token introspection, for opaque access tokens: the resident key manager's today, and
 * external providers' endpoints configured by admins. One Introspector per provider; the gateway
 * decides what an answer is worth, whatever the provider says (an `active` refresh token or a
 * token for another audience is not an access token for this gateway).
 */
import { createHash } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { request } from 'undici';
import { namesAudience } from '@apim/contracts';
import { clientSecretBasic, tracedCall } from '@apim/service';
import type { TokenBucket } from './introspection-limit.js';
import { CLOCK_TOLERANCE_SEC, tokenAgeProblem, type TokenAgePolicy } from './token-age.js';
import { TokenCache } from '../../shared/token-cache.js';

/**
 * The resident key manager's opaque tokens (oidc-provider's opaque format): a nanoid of
 * `formats.bitsOfOpaqueRandomness` bits (256 by default: 43 symbols of its 64-symbol URL-safe
 * alphabet). Refresh tokens share the shape; introspection tells them apart.
 */
export const KEY_MANAGER_OPAQUE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface IntrospectionEndpoint {
  /** the RFC 7662 endpoint */
  url: string;
  /** how the gateway authenticates to it (client_secret_basic) */
  clientId: string;
  clientSecret: string;
  /** an access token must name it in `aud` to be accepted */
  audience: string;
  /** the shape of the provider's tokens: anything else is refused without a call; null: any */
  tokenShape: RegExp | null;
}

export type IntrospectionOutcome = 'active' | 'inactive' | 'error';

export interface IntrospectionMetrics {
  called(outcome: IntrospectionOutcome): void;
  /** a call not made because the worker's introspection rate was used up */
  limited(): void;
}

export interface IntrospectionOptions {
  /** longest an answer (active or not) is reused; an active one never beyond the token's expiry */
  cacheMs: number;
  /** active answers kept */
  cacheSize: number;
  /** inactive answers kept, apart, so a flood of junk cannot push the good answers out */
  negativeCacheSize: number;
  /** calls allowed (shared by the providers of a worker) */
  limit: TokenBucket;
  age: TokenAgePolicy;
  metrics?: IntrospectionMetrics;
  timeoutMs?: number;
}

export type IntrospectedClaims = JWTPayload & Record<string, unknown>;

export type Introspected =
  | { active: true; claims: IntrospectedClaims; expiresAt: number }
  /** reason: why the gateway refuses it, for the caller; undefined when the provider said inactive */
  | { active: false; reason?: string; expiresAt: number };

/** The answer could not be had: over the rate limit, or the provider failed. */
export class IntrospectionUnavailable extends Error {
  constructor(
    readonly reason: 'rate-limited' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'IntrospectionUnavailable';
  }
}

/** token_type values of access tokens (RFC 6750 Bearer, RFC 9449 DPoP), compared lower-cased */
const ACCESS_TOKEN_TYPES = new Set(['bearer', 'dpop']);
/** explicit markers a provider may add for the kind of token; absent is fine, any other refused */
const ACCESS_TOKEN_USES = new Set(['access_token', 'access']);
const NOT_ACCESS_TOKEN = 'The token is not an access token';

/**
 * What an introspection answer is worth to a gateway of `audience`: active claims, or why not.
 * Strict on purpose: `active` alone also describes refresh tokens and tokens for other audiences.
 */
export function judgeIntrospection(
  body: Record<string, unknown>,
  audience: string,
  age: TokenAgePolicy,
  nowMs = Date.now(),
): { claims: IntrospectedClaims; exp: number } | { reason?: string } {
  if (body.active !== true) return {};
  const { exp, token_type: type, token_use: use, aud } = body;
  if (typeof exp !== 'number') return { reason: 'The token service gave the token no expiry' };
  if (exp * 1000 <= nowMs - CLOCK_TOLERANCE_SEC * 1000) return { reason: 'The access token has expired' };
  if (typeof type !== 'string' || !ACCESS_TOKEN_TYPES.has(type.toLowerCase()))
    return { reason: NOT_ACCESS_TOKEN };
  if (use !== undefined && !(typeof use === 'string' && ACCESS_TOKEN_USES.has(use.toLowerCase())))
    return { reason: NOT_ACCESS_TOKEN };
  if (!namesAudience(aud, audience)) return { reason: 'The token is not meant for this gateway' };
  const problem = tokenAgeProblem(body, age, nowMs / 1000);
  if (problem) return { reason: problem };
  return { claims: body as IntrospectedClaims, exp };
}

/** One provider's introspection endpoint, with its answers cached and its calls rate-limited. */
export class Introspector {
  private readonly active: TokenCache<Introspected & { active: true }>;
  private readonly inactive: TokenCache<Introspected & { active: false }>;
  /** calls under way by token hash: concurrent requests with a new token share one call */
  private readonly pending = new Map<string, Promise<Introspected>>();
  private readonly authorization: string;
  private readonly notAToken: Introspected;

  constructor(
    readonly endpoint: IntrospectionEndpoint,
    private readonly o: IntrospectionOptions,
  ) {
    this.active = new TokenCache(o.cacheSize);
    this.inactive = new TokenCache(o.negativeCacheSize);
    this.authorization = clientSecretBasic(endpoint.clientId, endpoint.clientSecret);
    this.notAToken = {
      active: false,
      reason: 'The bearer token is not a token this gateway accepts',
      expiresAt: Number.POSITIVE_INFINITY,
    };
  }

  /**
   * The provider's verdict on `token`, as the gateway judges it. Throws IntrospectionUnavailable
   * when no answer can be had now (rate limit, provider failure).
   */
  introspect(token: string): Promise<Introspected> {
    const shape = this.endpoint.tokenShape;
    if (shape && !shape.test(token)) return Promise.resolve(this.notAToken);
    const key = createHash('sha256').update(token).digest('base64url');
    const known = this.active.get(key) ?? this.inactive.get(key);
    if (known) return Promise.resolve(known);
    let call = this.pending.get(key);
    if (!call) {
      if (!this.o.limit.take()) {
        this.o.metrics?.limited();
        return Promise.reject(
          new IntrospectionUnavailable('rate-limited', 'the introspection rate of this gateway is used up'),
        );
      }
      call = this.call(token, key).finally(() => this.pending.delete(key));
      this.pending.set(key, call);
    }
    return call;
  }

  private async call(token: string, key: string): Promise<Introspected> {
    let body: unknown;
    try {
      // a span of the request being authenticated when tracing is on; its traceparent makes the
      // key manager's span a child of it
      body = await tracedCall('token introspection', { 'url.full': this.endpoint.url }, async (trace) => {
        const res = await request(this.endpoint.url, {
          method: 'POST',
          headers: {
            ...trace,
            authorization: this.authorization,
            accept: 'application/json',
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
          headersTimeout: this.o.timeoutMs ?? 5000,
          bodyTimeout: this.o.timeoutMs ?? 5000,
        });
        const json: unknown = await res.body.json().catch(() => null);
        if (res.statusCode !== 200) throw new Error(`introspection answered ${res.statusCode}`);
        return json;
      });
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new Error('introspection answered something other than a JSON object');
    } catch (e) {
      this.o.metrics?.called('error');
      throw new IntrospectionUnavailable('failed', (e as Error).message);
    }
    const now = Date.now();
    const verdict = judgeIntrospection(
      body as Record<string, unknown>,
      this.endpoint.audience,
      this.o.age,
      now,
    );
    if ('claims' in verdict) {
      this.o.metrics?.called('active');
      const entry = {
        active: true as const,
        claims: verdict.claims,
        expiresAt: Math.min(verdict.exp * 1000, now + this.o.cacheMs),
      };
      this.active.set(key, entry);
      return entry;
    }
    this.o.metrics?.called('inactive');
    const entry = { active: false as const, reason: verdict.reason, expiresAt: now + this.o.cacheMs };
    this.inactive.set(key, entry);
    return entry;
  }
}
