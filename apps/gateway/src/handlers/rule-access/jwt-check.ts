import { decodeJwt, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtAuthorization, JwtRule } from '@apim/contracts';
import { errorResponse } from '../../pipeline/respond.js';
import type { Outcome, RequestContext } from '../../pipeline/types.js';
import type { RuleKeySets } from './key-sets.js';

/** Asymmetric algorithms only: a shared-secret (HS*) or `none` token proves nothing about its issuer. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 5;
/** jose's answers about the token itself; any other failure (a key set not fetched) is ours, not the caller's */
const TOKEN_FAULTS = new Set([
  errors.JWTExpired.code,
  errors.JWTClaimValidationFailed.code,
  errors.JWTInvalid.code,
  errors.JWSInvalid.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
]);

/** Where a token is looked for: a header (after its prefix) or a query parameter. */
type Location = { header: string; prefix: string } | { param: string };
const DEFAULT_LOCATION: Location = { header: 'authorization', prefix: 'Bearer ' };

interface Issuer {
  issuer: string;
  keys: JWTVerifyGetKey;
  locations: Location[];
}

function tokenAt(ctx: RequestContext, at: Location): string | undefined {
  if ('param' in at) return new URLSearchParams(ctx.target.query).get(at.param) || undefined;
  const raw = ctx.req.headers[at.header];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value.length <= at.prefix.length) return undefined;
  if (value.slice(0, at.prefix.length).toLowerCase() !== at.prefix.toLowerCase()) return undefined;
  return value.slice(at.prefix.length).trim() || undefined;
}

const sameLocation = (a: Location, b: Location) =>
  'param' in a
    ? 'param' in b && a.param === b.param
    : 'header' in b && a.header === b.header && a.prefix === b.prefix;

/** The scopes a token carries, in `scp`, `scope` or `scopes` (space-separated or a list). */
function scopesOf(claims: JWTPayload): Set<string> {
  const scopes = new Set<string>();
  for (const v of [claims.scp, claims.scope, claims.scopes])
    for (const s of typeof v === 'string' ? v.split(/\s+/) : Array.isArray(v) ? v : [])
      if (typeof s === 'string' && s) scopes.add(s);
  return scopes;
}

/** What the token lacks of one authorization, in words; empty when it satisfies it. */
function lacking(a: JwtAuthorization, scopes: Set<string>, aud: JWTPayload['aud']): string {
  const audiences = typeof aud === 'string' ? [aud] : (aud ?? []);
  const scopesMissing = (a.requiredScopes ?? []).filter((s) => !scopes.has(s));
  const audiencesMissing = (a.audiences ?? []).filter((s) => !audiences.includes(s));
  return [
    scopesMissing.length ? `the scopes ${scopesMissing.join(', ')}` : '',
    audiencesMissing.length ? `the audiences ${audiencesMissing.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
}

/**
 * Kyma's `jwt` access strategy, compiled once per rule: a token from the first location that holds
 * one, issued by one of the rule's issuers (and found where that issuer's tokens are looked for),
 * signed with an asymmetric key of the issuer's key set and within its validity; then any one of
 * the authorizations (all its scopes and audiences), or any valid token when none are listed.
 */
export class JwtCheck {
  private readonly issuers: Issuer[];
  private readonly locations: Location[];
  private readonly authorizations: JwtAuthorization[];

  constructor(rule: JwtRule, keySets: RuleKeySets) {
    this.issuers = rule.authentications.map((a) => {
      const locations: Location[] = [
        ...(a.fromHeaders ?? []).map((h) => ({ header: h.name.toLowerCase(), prefix: h.prefix ?? '' })),
        ...(a.fromParams ?? []).map((param) => ({ param })),
      ];
      return {
        issuer: a.issuer,
        keys: keySets.get(a.jwksUri),
        locations: locations.length ? locations : [DEFAULT_LOCATION],
      };
    });
    this.locations = this.issuers
      .flatMap((i) => i.locations)
      .filter((l, n, all) => all.findIndex((o) => sameLocation(o, l)) === n);
    this.authorizations = rule.authorizations ?? [];
  }

  async check(ctx: RequestContext): Promise<Outcome> {
    const found = this.findToken(ctx);
    if (!found) return errorResponse('MISSING_CREDENTIALS', this.missingDescription());
    const { token, at } = found;
    let iss: string | undefined;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      return errorResponse('INVALID_CREDENTIALS', 'The token is not a JWT');
    }
    const issuer = this.issuers.find((i) => i.issuer === iss && i.locations.some((l) => sameLocation(l, at)));
    if (!issuer)
      return errorResponse('INVALID_CREDENTIALS', 'The token is not from an issuer this resource accepts');
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, issuer.keys, {
        issuer: issuer.issuer,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code && TOKEN_FAULTS.has(code))
        return errorResponse(
          'INVALID_CREDENTIALS',
          code === errors.JWTExpired.code ? 'The token has expired' : 'The token is not valid',
        );
      return errorResponse('CREDENTIALS_UNVERIFIABLE', 'The token cannot be verified now', {
        'retry-after': '1',
      });
    }
    if (this.authorizations.length === 0) return undefined;
    const scopes = scopesOf(claims);
    const lacks = this.authorizations.map((a) => lacking(a, scopes, claims.aud));
    if (lacks.includes('')) return undefined;
    return errorResponse(
      'INVALID_SCOPE',
      `The token does not carry ${lacks.join(', or ')} this resource requires`,
    );
  }

  /** The token in the first of the rule's locations that holds one. */
  private findToken(ctx: RequestContext): { token: string; at: Location } | null {
    for (const at of this.locations) {
      const token = tokenAt(ctx, at);
      if (token !== undefined) return { token, at };
    }
    return null;
  }

  private missingDescription(): string {
    const first = this.locations[0]!;
    return 'header' in first
      ? `Make sure your request has a header: "${first.header}: ${first.prefix}<token>"`
      : `Make sure your request has the token in the query parameter "${first.param}"`;
  }
}
