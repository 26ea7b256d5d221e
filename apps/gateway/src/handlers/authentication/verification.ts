import { errors, type JWTHeaderParameters, type JWTPayload, type RemoteJWKSet } from 'jose';
import { namesAudience, type GatewayErrorName } from '@apim/contracts';
import type { Introspector } from './introspection.js';
import { tokenAgeProblem, type TokenAgePolicy } from './token-age.js';

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

export function fail(
  error: GatewayErrorName,
  description?: string,
  headers?: Record<string, string>,
): Verification {
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
export function accessTokenProblem(
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
export function describeJoseError(e: unknown): Verification {
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
