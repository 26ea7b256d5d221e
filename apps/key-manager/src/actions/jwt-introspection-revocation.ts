/**
 * oidc-provider does not introspect or revoke JWT access tokens (it does not store them). Our
 * gateways verify JWTs themselves, but clients expect both endpoints to work for every token we
 * issue, as in WSO2. So when oidc-provider has authenticated the caller and declined a JWT, this
 * answers for it: verified against our keys, checked against the revocation lists.
 */
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { PrismaClient } from '@apim/db';
import { mayIntrospect, REFRESH_TOKEN_TYPE } from '../provider/introspection-policy.js';
import { opaqueTokenId, revokeTokenId } from '../models/revocations.js';
import type { PublishedKey } from '../models/signing-keys.js';

export interface StructuredTokenDeps {
  prisma: PrismaClient;
  issuer: string;
  keys: () => readonly PublishedKey[];
  /** APIM_TOKEN_AUDIENCE: the gateways' client learns only about tokens for it */
  gatewayAudience: string;
}

export interface OwnToken {
  claims: JWTPayload;
  /** an access token (RFC 9068 `typ: at+jwt`, as oidc-provider signs them), not an API key */
  accessToken: boolean;
}

/** A JWT (access token or API key) we issued and nobody revoked; null otherwise. */
export async function verifyOwnToken(deps: StructuredTokenDeps, token: string): Promise<OwnToken | null> {
  const keys = deps.keys();
  let payload: JWTPayload;
  let typ: string | undefined;
  try {
    const jwks = createLocalJWKSet({ keys: keys.map((k) => k.publicJwk) });
    let protectedHeader;
    ({ payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: deps.issuer,
      algorithms: [...new Set(keys.map((k) => k.alg))],
    }));
    typ = protectedHeader.typ;
  } catch {
    return null;
  }
  if (!payload.jti) return null;
  if (await deps.prisma.revokedToken.findUnique({ where: { jti: payload.jti } })) return null;
  const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
  if (clientId && payload.iat !== undefined) {
    const cut = await deps.prisma.revokedClient.findUnique({ where: { clientId } });
    if (cut && payload.iat * 1000 < cut.revokedBefore.getTime()) return null;
  }
  return { claims: payload, accessToken: typ?.toLowerCase() === 'at+jwt' };
}

type Body = Record<string, unknown> | undefined;

export function structuredTokenEndpoints(deps: StructuredTokenDeps) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    const route = ctx.oidc?.route;
    if (route !== 'introspection' && route !== 'revocation') return;
    const body = ctx.body as Body;
    const token = ctx.oidc.params?.token;
    if (typeof token !== 'string') return;

    if (route === 'introspection' && body?.active === true) {
      // Opaque tokens: gateways know them by their hash (the id in revocation events).
      body.jti ??= opaqueTokenId(token);
      body.nbf ??= body.iat;
      // as in the JWT: an application token's subject is its client
      body.sub ??= body.client_id;
      // what the token is (provider/introspection-policy.ts); oidc-provider set token_type and cnf
      // for access tokens
      if (ctx.oidc.entities.RefreshToken) {
        body.token_use = 'refresh_token';
        body.token_type = REFRESH_TOKEN_TYPE;
      } else body.token_use = 'access_token';
      return;
    }
    const client = ctx.oidc.client;
    if (body?.error !== 'unsupported_token_type' || !client) return;

    const own = await verifyOwnToken(deps, token);
    const payload = own?.claims;
    if (route === 'introspection') {
      const allowed =
        own?.accessToken === true &&
        mayIntrospect(
          client.clientId,
          {
            use: 'access_token',
            clientId: typeof payload?.client_id === 'string' ? payload.client_id : undefined,
            aud: payload?.aud,
          },
          deps.gatewayAudience,
        );
      const jkt = (payload?.cnf as { jkt?: unknown } | undefined)?.jkt;
      ctx.status = 200;
      ctx.body = allowed
        ? {
            ...payload,
            active: true,
            token_type: typeof jkt === 'string' ? 'DPoP' : 'Bearer',
            token_use: 'access_token',
          }
        : { active: false };
      return;
    }
    if (payload && payload.client_id !== client.clientId) {
      // RFC 7009: a client revokes only its own tokens (same answer as oidc-provider's).
      if (client.clientAuthMethod !== 'none') {
        ctx.status = 400;
        ctx.body = {
          error: 'invalid_request',
          error_description: 'client is not authorized to revoke the presented token',
        };
        return;
      }
    } else if (payload?.jti && payload.exp) {
      const { jti, exp } = payload;
      await deps.prisma.$transaction((tx) => revokeTokenId(tx, jti, new Date(exp * 1000)));
    }
    ctx.status = 200;
    ctx.body = '';
  };
}
