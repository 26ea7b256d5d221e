/**
 * oidc-provider does not introspect or revoke JWT access tokens (it does not store them). Our
 * gateways verify JWTs themselves, but clients expect both endpoints to work for every token we
 * issue, as in WSO2. So when oidc-provider has authenticated the caller and declined a JWT, this
 * answers for it: verified against our keys, checked against the revocation lists.
 */
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { PrismaClient } from '@apim/db';
import { GATEWAY_CLIENT_ID } from './builtin-clients.js';
import { opaqueTokenId, revokeTokenId } from './revocation.js';
import type { PublishedKey } from './signing-keys.js';

export interface StructuredTokenDeps {
  prisma: PrismaClient;
  issuer: string;
  keys: () => readonly PublishedKey[];
}

/** The claims of a JWT (access token or API key) we issued and nobody revoked; null otherwise. */
export async function verifyOwnToken(deps: StructuredTokenDeps, token: string): Promise<JWTPayload | null> {
  const keys = deps.keys();
  let payload: JWTPayload;
  try {
    const jwks = createLocalJWKSet({ keys: keys.map((k) => k.publicJwk) });
    ({ payload } = await jwtVerify(token, jwks, {
      issuer: deps.issuer,
      algorithms: [...new Set(keys.map((k) => k.alg))],
    }));
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
  return payload;
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
      return;
    }
    const client = ctx.oidc.client;
    if (body?.error !== 'unsupported_token_type' || !client) return;

    const payload = await verifyOwnToken(deps, token);
    if (route === 'introspection') {
      const allowed = client.clientId === GATEWAY_CLIENT_ID || payload?.client_id === client.clientId;
      ctx.status = 200;
      ctx.body =
        payload && allowed
          ? { ...payload, active: true, token_type: payload.token_type ?? 'Bearer' }
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
