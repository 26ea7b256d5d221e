import { decodeJwt, jwtVerify } from 'jose';
import type { Logger } from '@apim/service';
import type { GatewayConfig } from '../../config.js';
import { TokenCache } from '../../shared/token-cache.js';
import type { GatewayState } from '../../store/state.js';
import { BasicAuthVerifier } from './basic-auth.js';
import { TokenBucket } from './introspection-limit.js';
import {
  IntrospectionUnavailable,
  type IntrospectionMetrics,
  type IntrospectionOptions,
} from './introspection.js';
import { CLOCK_TOLERANCE_SEC, type TokenAgePolicy } from './token-age.js';
import { TrustedIssuers } from './trusted-issuers.js';
import {
  accessTokenProblem,
  describeJoseError,
  fail,
  type KeyManagerAllowance,
  type Verification,
  type VerifiedToken,
} from './verification.js';

const RETRY_SOON = { 'retry-after': '1' };

/**
 * Verifies bearer JWTs and API keys against the trusted issuers' key sets, opaque tokens by RFC 7662
 * introspection at the key manager, and revocation against the event-fed state. Signature checks
 * are cached per token until expiry; revocation is checked on every use.
 */
export class CredentialVerifier {
  private readonly issuers: TrustedIssuers;
  private readonly jwtCache: TokenCache<VerifiedToken>;
  private readonly agePolicy: TokenAgePolicy;
  /** Basic user credentials, checked at the key manager */
  readonly basic: BasicAuthVerifier;
  /** bumped whenever cached verifications are dropped; verifications remembered elsewhere compare it */
  private cacheGeneration = 0;

  constructor(
    config: GatewayConfig,
    private readonly state: GatewayState,
    private readonly logger: Logger,
    introspectionMetrics?: IntrospectionMetrics,
  ) {
    this.jwtCache = new TokenCache(config.tokenCacheSize);
    this.agePolicy = { maxLifetimeSec: config.maxTokenLifetimeSec };
    const introspection: IntrospectionOptions = {
      cacheMs: config.introspectionCacheMs,
      cacheSize: config.tokenCacheSize,
      negativeCacheSize: config.introspection.negativeCacheSize,
      // introspection calls of this worker, whatever the provider
      limit: new TokenBucket(config.introspection.rate, config.introspection.burst),
      age: this.agePolicy,
      metrics: introspectionMetrics,
    };
    this.issuers = new TrustedIssuers(config, state, logger, introspection);
    this.basic = new BasicAuthVerifier(
      config.keyManagerUrl,
      config.internalSecret,
      config.basicAuthCacheMs,
      config.tokenCacheSize,
    );
  }

  /** After SIGNING_KEYS_CHANGED or an issuer change: drop cached verifications and refetch keys. */
  signingKeysChanged(): void {
    this.jwtCache.clear();
    this.cacheGeneration++;
    this.issuers.refresh();
    void this.issuers.keyManager.keys
      .reload()
      .catch((e: unknown) =>
        this.logger.warn({ err: (e as Error).message }, 'could not refetch the key manager key set'),
      );
  }

  /** A signed JWT from a trusted issuer (access token or API key), checked for type and revocation. */
  async verifyJwt(token: string, expect: 'access' | 'apiKey'): Promise<Verification> {
    let verified = this.jwtCache.get(token);
    // A verification for the other use passed other checks (an API key needs no audience): only
    // a genuine API key is taken across, for admit() to answer.
    if (verified && verified.verifiedAs !== expect && verified.claims.token_type !== 'apiKey')
      verified = undefined;
    if (!verified) {
      let iss: string | undefined;
      try {
        iss = decodeJwt(token).iss;
      } catch {
        return fail('INVALID_CREDENTIALS', 'The token is not a well-formed JWT');
      }
      const issuer = iss === undefined ? undefined : this.issuers.get(iss);
      if (!issuer) return fail('INVALID_CREDENTIALS', 'The token was not issued by a trusted issuer');
      if (expect === 'apiKey' && !issuer.builtIn)
        return fail('INVALID_CREDENTIALS', 'API keys come only from the key manager');
      try {
        // exp and nbf are checked when present; what an access token needs more is checked below,
        // after telling an API key (audience-free, maybe without expiry) sent as one
        const { payload, protectedHeader } = await jwtVerify(token, issuer.keys, {
          issuer: issuer.issuer,
          algorithms: issuer.algorithms,
          clockTolerance: CLOCK_TOLERANCE_SEC,
        });
        const isApiKey = payload.token_type === 'apiKey';
        if (isApiKey && !issuer.builtIn)
          return fail('INVALID_CREDENTIALS', 'API keys come only from the key manager');
        if (expect === 'access' && !isApiKey) {
          const problem = accessTokenProblem(protectedHeader, payload, issuer.audience, this.agePolicy);
          if (problem) return fail('INVALID_CREDENTIALS', problem);
        }
        verified = {
          claims: payload as VerifiedToken['claims'],
          issuer,
          // an API key issued without expiry stays cached (revocation is checked on every use)
          expiresAt: payload.exp === undefined ? Number.POSITIVE_INFINITY : payload.exp * 1000,
          // an API key sent as a Bearer token passed an API key's checks: admit() answers it
          verifiedAs: isApiKey ? 'apiKey' : expect,
        };
      } catch (e) {
        return describeJoseError(e);
      }
      this.jwtCache.set(token, verified);
    }
    return this.admit(verified, expect);
  }

  get generation(): number {
    return this.cacheGeneration;
  }

  /**
   * A verification made earlier (remembered by a connection, see the authentication handler) used
   * again: null when it may no longer be used as it is (expired, or cached verifications were
   * dropped since), and the caller verifies afresh; otherwise the checks every use must pass.
   */
  reuse(verified: VerifiedToken, generation: number, expect: 'access' | 'apiKey'): Verification | null {
    if (generation !== this.cacheGeneration || verified.expiresAt <= Date.now()) return null;
    return this.admit(verified, expect);
  }

  /** What a verified token must pass on every use: its type, and not being revoked since. */
  private admit(verified: VerifiedToken, expect: 'access' | 'apiKey'): Verification {
    const isApiKey = verified.claims.token_type === 'apiKey';
    // WSO2 answers 900901 to an API key sent as a Bearer token
    if (isApiKey && expect === 'access')
      return {
        ok: false,
        error: 'INVALID_CREDENTIALS',
        description: 'An API key is not an access token: send it in the API key header',
        apiKeyAsBearer: true,
      };
    if (!isApiKey && expect === 'apiKey')
      return fail('INCORRECT_ACCESS_TOKEN_TYPE', 'An access token is not an API key');
    if (this.isRevoked(verified)) return fail('ACCESS_TOKEN_INACTIVE');
    return { ok: true, token: verified };
  }

  /**
   * An opaque access token, by introspection at the key managers the API allows that have an
   * introspection endpoint (answers cached, calls rate-limited: see Introspector), the resident one
   * first. Not an active access token for this gateway at any of them: 900901, as in WSO2; no
   * answer to be had now: 503, so that clients retry instead of dropping a good token.
   */
  async introspect(token: string, allowed: KeyManagerAllowance = null): Promise<Verification> {
    let refusal: string | undefined;
    for (const issuer of this.issuers.all()) {
      if (!issuer.introspector || (allowed && !allowed.has(issuer.name))) continue;
      let answer;
      try {
        answer = await issuer.introspector.introspect(token);
      } catch (e) {
        if (!(e instanceof IntrospectionUnavailable)) throw e;
        // the limit is counted in the metrics; a log line per refused request would flood the log
        if (e.reason === 'failed')
          this.logger.warn({ err: e.message, keyManager: issuer.name }, 'token introspection failed');
        return fail('CREDENTIALS_UNVERIFIABLE', 'The access token cannot be verified now', RETRY_SOON);
      }
      if (answer.active)
        return this.admit({ claims: answer.claims, issuer, expiresAt: answer.expiresAt }, 'access');
      refusal ??= answer.reason;
    }
    return fail('INVALID_CREDENTIALS', refusal ?? 'The bearer token is not a token this gateway accepts');
  }

  /** Revocations are the resident key manager's: an external provider's tokens are revoked there. */
  private isRevoked(t: VerifiedToken): boolean {
    if (!t.issuer.builtIn) return false;
    const { jti, iat } = t.claims;
    if (typeof jti === 'string' && this.state.revokedTokens.has(jti)) return true;
    const clientId = t.claims[t.issuer.clientIdClaim];
    if (typeof clientId === 'string' && typeof iat === 'number') {
      const before = this.state.revokedClients.get(clientId);
      if (before !== undefined && iat * 1000 < before) return true;
    }
    return false;
  }

  /** The consumer key a token names: an external provider's in its configured claim only. */
  clientIdOf(t: VerifiedToken): string | null {
    const c = t.claims;
    const v = t.issuer.builtIn
      ? (c[t.issuer.clientIdClaim] ?? c.client_id ?? c.azp)
      : c[t.issuer.clientIdClaim];
    return typeof v === 'string' ? v : null;
  }

  /** The local claims an external provider's claim mappings give a token (for the backend JWT). */
  mappedClaimsOf(t: VerifiedToken): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [remote, local] of Object.entries(t.issuer.claimMappings))
      if (t.claims[remote] !== undefined) out[local] = t.claims[remote];
    return out;
  }

  scopesOf(t: VerifiedToken): Set<string> {
    const v = t.claims[t.issuer.scopesClaim];
    if (typeof v === 'string') return new Set(v.split(' ').filter(Boolean));
    if (Array.isArray(v)) return new Set(v.filter((s): s is string => typeof s === 'string'));
    return new Set();
  }
}
