/**
 * The gateway's policy on token timestamps, for every access token whatever its source (a JWT of
 * the key manager or of a trusted issuer, an introspected opaque token). Signatures and `exp`
 * prove nothing about an issuer whose clock is wrong or whose configuration mints near-eternal
 * tokens: a leaked one would then be good for years.
 */

/** Seconds of clock skew forgiven between the gateway and token issuers (exp, nbf, iat). */
export const CLOCK_TOLERANCE_SEC = 5;

export interface TokenAgePolicy {
  /** the longest lifetime accepted: exp - iat, or exp - now when the token has no iat */
  maxLifetimeSec: number;
}

/**
 * Why an access token's timestamps are refused, or null when they pass: issued in the future
 * (beyond the clock tolerance), or living longer than the policy allows. Expiry itself is checked
 * where the token is verified.
 */
export function tokenAgeProblem(
  claims: { iat?: unknown; exp?: unknown },
  policy: TokenAgePolicy,
  nowSec = Date.now() / 1000,
): string | null {
  const iat = typeof claims.iat === 'number' ? claims.iat : undefined;
  if (iat !== undefined && iat > nowSec + CLOCK_TOLERANCE_SEC)
    return 'The token was issued in the future (its "iat" is ahead of the gateway clock)';
  if (typeof claims.exp !== 'number') return null;
  const lifetime = claims.exp - (iat ?? nowSec);
  if (lifetime > policy.maxLifetimeSec + CLOCK_TOLERANCE_SEC)
    return `The token lives longer than this gateway accepts (${policy.maxLifetimeSec} seconds)`;
  return null;
}
