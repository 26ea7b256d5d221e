import {
  createRemoteJWKSet,
  decodeJwt,
  errors,
  jwtVerify,
  type JWTHeaderParameters,
  type JWTPayload,
  type RemoteJWKSet,
} from 'jose';
import {
  KEY_MANAGER_SECRETS_PURPOSE,
  namesAudience,
  RESIDENT_KEY_MANAGER,
  type GatewayErrorName,
  type GatewayIssuer,
} from '@apim/contracts';
import { decryptSecret, derivedKey, type Logger } from '@apim/service';
import type { GatewayConfig } from '../../config.js';
import type { GatewayState } from '../../store/state.js';
import { BasicAuthVerifier } from './basic-auth.js';
import { TokenBucket } from './introspection-limit.js';
import {
  IntrospectionUnavailable,
  Introspector,
  KEY_MANAGER_OPAQUE_TOKEN,
  type IntrospectionMetrics,
  type IntrospectionOptions,
} from './introspection.js';
import { CLOCK_TOLERANCE_SEC, tokenAgeProblem, type TokenAgePolicy } from './token-age.js';
import { TokenCache } from '../../shared/token-cache.js';

/**
 * A key manager whose tokens the gateway trusts: the resident one, or an admin-registered external
 * OpenID provider. Its name is what APIs allow and what application keys are mapped under.
 */
export interface TrustedIssuer {
  issuer: string;
  name: string;
  jwksUrl: string;
  keys: RemoteJWKSet;
  audience: string;
  algorithms: string[];
  /** claim holding the OAuth client id, and claim holding the scopes */
  clientIdClaim: string;
  scopesClaim: string;
  /** remote claim -> local claim, for the backend JWT */
  claimMappings: Record<string, string>;
  /** its RFC 7662 endpoint for opaque tokens, when it has one */
  introspector: Introspector | null;
  builtIn: boolean;
}

/** Which key managers' tokens an API accepts, by name (WSO2's keyManagers; null: all of them). */
export type KeyManagerAllowance = ReadonlySet<string> | null;

export interface VerifiedToken {
  claims: JWTPayload & Record<string, unknown>;
  issuer: TrustedIssuer;
  expiresAt: number;
  /** the checks a cached JWT passed: an access token's (audience, expiry, age) or an API key's */
  verifiedAs?: 'access' | 'apiKey';
}

export type Verification =
  | { ok: true; token: VerifiedToken }
  | {
      ok: false;
      error: GatewayErrorName;
      description?: string;
      /** headers of the answer (Retry-After when the credential cannot be verified now) */
      headers?: Record<string, string>;
      /** an API key sent where an access token goes: the caller is told which header takes it */
      apiKeyAsBearer?: true;
    };

const KEY_MANAGER_ALGORITHMS = ['RS256', 'ES256', 'PS256'];
const RETRY_SOON = { 'retry-after': '1' };
/** the key manager's client id at its introspection endpoint (a built-in client) */
const GATEWAY_CLIENT_ID = 'apim-gateway';

function fail(error: GatewayErrorName, description?: string, headers?: Record<string, string>): Verification {
  return { ok: false, error, description, ...(headers ? { headers } : {}) };
}

/**
 * An OpenID Connect ID token, which says who logged in to a client, not what may be called: never
 * an access token. Where the audience check would not catch it (an issuer whose access tokens name
 * the client as their audience, as its ID tokens do) it is recognised by what ID tokens carry and
 * access tokens do not; an RFC 9068 access token (typ at+jwt) is taken at its word.
 */
function isIdToken(header: JWTHeaderParameters, claims: JWTPayload): boolean {
  const typ = header.typ?.toLowerCase().replace(/^application\//, '');
  if (typ === 'at+jwt') return false;
  return (
    claims.nonce !== undefined ||
    claims.at_hash !== undefined ||
    claims.c_hash !== undefined ||
    claims.s_hash !== undefined ||
    // Keycloak marks its tokens in a claim of its own
    claims.typ === 'ID'
  );
}

/**
 * What keeps a verified JWT (not an API key) from being an access token for this gateway: no
 * expiry, another audience, an ID token, or timestamps outside the age policy.
 */
function accessTokenProblem(
  header: JWTHeaderParameters,
  claims: JWTPayload,
  audience: string,
  age: TokenAgePolicy,
): string | null {
  if (typeof claims.exp !== 'number') return 'An access token must have an expiry ("exp")';
  if (!namesAudience(claims.aud, audience))
    return 'The token is not meant for this gateway (its "aud" claim does not name it)';
  if (isIdToken(header, claims)) return 'An ID token is not an access token';
  return tokenAgeProblem(claims, age);
}

/** How a jose verification failure reads to a caller. */
function describeJoseError(e: unknown): Verification {
  if (e instanceof errors.JWTExpired) return fail('ACCESS_TOKEN_EXPIRED');
  if (e instanceof errors.JWTClaimValidationFailed)
    return fail('INVALID_CREDENTIALS', `The token's "${e.claim}" claim is not accepted: ${e.reason}`);
  if (e instanceof errors.JOSEAlgNotAllowed)
    return fail('INVALID_CREDENTIALS', 'The token signing algorithm is not allowed');
  if (e instanceof errors.JWKSNoMatchingKey)
    return fail('INVALID_CREDENTIALS', 'The token was signed with an unknown key');
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid)
    return fail('INVALID_CREDENTIALS', 'The key set of the token issuer could not be fetched');
  return fail('INVALID_CREDENTIALS');
}

/**
 * Verifies bearer JWTs and API keys against the trusted issuers' key sets, opaque tokens by RFC 7662
 * introspection at the key manager, and revocation against the event-fed state. Signature checks
 * are cached per token until expiry; revocation is checked on every use.
 */
export class CredentialVerifier {
  private issuers = new Map<string, TrustedIssuer>();
  private readonly keyManager: TrustedIssuer;
  private readonly jwtCache: TokenCache<VerifiedToken>;
  private readonly agePolicy: TokenAgePolicy;
  /** introspection calls of this worker, whatever the provider */
  private readonly introspectionLimit: TokenBucket;
  private readonly introspectionOptions: IntrospectionOptions;
  /** external issuers already refused for want of an audience, told once in the log */
  private readonly untrusted = new Set<string>();
  /** Basic user credentials, checked at the key manager */
  readonly basic: BasicAuthVerifier;
  /** bumped whenever cached verifications are dropped; verifications remembered elsewhere compare it */
  private cacheGeneration = 0;

  constructor(
    private readonly config: GatewayConfig,
    private readonly state: GatewayState,
    private readonly logger: Logger,
    introspectionMetrics?: IntrospectionMetrics,
  ) {
    this.jwtCache = new TokenCache(config.tokenCacheSize);
    this.agePolicy = { maxLifetimeSec: config.maxTokenLifetimeSec };
    this.introspectionLimit = new TokenBucket(config.introspection.rate, config.introspection.burst);
    this.introspectionOptions = {
      cacheMs: config.introspectionCacheMs,
      cacheSize: config.tokenCacheSize,
      negativeCacheSize: config.introspection.negativeCacheSize,
      limit: this.introspectionLimit,
      age: this.agePolicy,
      metrics: introspectionMetrics,
    };
    const jwksUrl = `${config.keyManagerUrl}/oauth2/jwks`;
    this.keyManager = {
      issuer: config.keyManagerUrl,
      name: RESIDENT_KEY_MANAGER,
      jwksUrl,
      keys: createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: 5000 }),
      audience: config.tokenAudience,
      algorithms: KEY_MANAGER_ALGORITHMS,
      clientIdClaim: 'client_id',
      scopesClaim: 'scope',
      claimMappings: {},
      introspector: new Introspector(
        {
          url: `${config.keyManagerUrl}/oauth2/introspect`,
          clientId: GATEWAY_CLIENT_ID,
          clientSecret: config.internalSecret,
          audience: config.tokenAudience,
          tokenShape: KEY_MANAGER_OPAQUE_TOKEN,
        },
        this.introspectionOptions,
      ),
      builtIn: true,
    };
    this.basic = new BasicAuthVerifier(
      config.keyManagerUrl,
      config.internalSecret,
      config.basicAuthCacheMs,
      config.tokenCacheSize,
    );
    this.refreshIssuers();
  }

  /** After SIGNING_KEYS_CHANGED or an issuer change: drop cached verifications and refetch keys. */
  signingKeysChanged(): void {
    this.jwtCache.clear();
    this.cacheGeneration++;
    this.refreshIssuers();
    void this.keyManager.keys
      .reload()
      .catch((e: unknown) =>
        this.logger.warn({ err: (e as Error).message }, 'could not refetch the key manager key set'),
      );
  }

  /**
   * The trusted issuers from the state: the resident key manager and every enabled external one
   * with an audience. Key sets and introspection clients are kept while their settings stay the
   * same (a JWKS URL or introspection change makes new ones at once).
   */
  private refreshIssuers(): void {
    const next = new Map<string, TrustedIssuer>([[this.keyManager.issuer, this.keyManager]]);
    for (const i of this.state.issuers.values()) {
      if (!i.enabled || !i.jwksUrl || i.issuer === this.keyManager.issuer) continue;
      if (!i.audience) {
        if (!this.untrusted.has(i.name))
          this.logger.warn({ keyManager: i.name }, 'key manager has no audience: its tokens are refused');
        this.untrusted.add(i.name);
        continue;
      }
      const known = [...this.issuers.values()].find((t) => !t.builtIn && t.name === i.name);
      next.set(i.issuer, {
        issuer: i.issuer,
        name: i.name,
        jwksUrl: i.jwksUrl,
        keys: known?.jwksUrl === i.jwksUrl ? known.keys : createRemoteJWKSet(new URL(i.jwksUrl)),
        audience: i.audience,
        algorithms: i.algorithms.length ? i.algorithms : KEY_MANAGER_ALGORITHMS,
        clientIdClaim: i.consumerKeyClaim ?? i.claimMappings.consumerKeyClaim ?? 'azp',
        scopesClaim: i.scopesClaim ?? i.claimMappings.scopesClaim ?? 'scope',
        claimMappings: i.claimMappings,
        introspector: this.introspectorOf(i, i.audience, known?.introspector ?? null),
        builtIn: false,
      });
    }
    this.issuers = next;
  }

  /** An external issuer's introspection client: the known one while its settings are unchanged. */
  private introspectorOf(
    i: GatewayIssuer,
    audience: string,
    known: Introspector | null,
  ): Introspector | null {
    const spec = i.introspection;
    if (!spec) return null;
    let clientSecret: string;
    try {
      clientSecret = decryptSecret(
        derivedKey(this.config.internalSecret, KEY_MANAGER_SECRETS_PURPOSE),
        spec.sealedSecret,
      );
    } catch {
      this.logger.warn(
        { keyManager: i.name },
        'the introspection secret of a key manager cannot be opened (another APIM_INTERNAL_SECRET?): its opaque tokens are refused',
      );
      return null;
    }
    const e = known?.endpoint;
    if (
      e &&
      e.url === spec.endpoint &&
      e.clientId === spec.clientId &&
      e.clientSecret === clientSecret &&
      e.audience === audience
    )
      return known;
    return new Introspector(
      { url: spec.endpoint, clientId: spec.clientId, clientSecret, audience, tokenShape: null },
      this.introspectionOptions,
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
    for (const issuer of this.issuers.values()) {
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
