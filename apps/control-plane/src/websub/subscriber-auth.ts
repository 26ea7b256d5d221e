/**
 * Who is registering at the hub: an application, by its access token from the resident key manager,
 * with an active subscription to the WebSub API, as any call of the API must be. The token is
 * checked as gateways check it: signature and issuer, our audience, not revoked (by id, or all of
 * its client's tokens issued before a revocation), its client one of the application's keys.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { RESIDENT_KEY_MANAGER } from '@apim/contracts';
import type { PrismaClient } from '@apim/db';
import { HttpError } from '../http/errors.js';

export interface SubscriberAuthOptions {
  prisma: PrismaClient;
  keyManagerUrl: string;
  audience: string;
}

const unauthorized = (description: string) =>
  new HttpError(401, description, { 'www-authenticate': 'Bearer realm="apim"' });

/** The application calling, or a 401 (credentials) or 403 (no active subscription to the API). */
export function subscriberAuthenticator(options: SubscriberAuthOptions) {
  const { prisma } = options;
  const jwks = createRemoteJWKSet(new URL(`${options.keyManagerUrl}/oauth2/jwks`));

  async function claimsOf(authorization: string | undefined) {
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization ?? '')?.[1];
    if (!token)
      throw unauthorized(
        'Missing Credentials: give the application\'s access token as "Authorization: Bearer <token>"',
      );
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: options.keyManagerUrl,
        audience: options.audience,
        algorithms: ['RS256', 'ES256'],
      });
      return payload;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw unauthorized('The access token has expired');
      if (e instanceof joseErrors.JOSEError)
        throw unauthorized('Invalid Credentials: the access token is not valid');
      throw new HttpError(503, 'The key manager cannot be reached to verify the access token');
    }
  }

  return async function applicationOf(authorization: string | undefined, apiId: string): Promise<string> {
    const claims = await claimsOf(authorization);
    const clientId = claims.client_id ?? claims.azp;
    if (typeof clientId !== 'string') throw unauthorized('Invalid Credentials: the token names no client');
    const [revokedToken, revokedClient] = await Promise.all([
      typeof claims.jti === 'string' ? prisma.revokedToken.findUnique({ where: { jti: claims.jti } }) : null,
      prisma.revokedClient.findUnique({ where: { clientId } }),
    ]);
    if (revokedToken || (revokedClient && (claims.iat ?? 0) * 1000 < revokedClient.revokedBefore.getTime()))
      throw unauthorized('Invalid Credentials: the access token has been revoked');
    const key = await prisma.applicationKey.findUnique({
      where: { keyManager_consumerKey: { keyManager: RESIDENT_KEY_MANAGER, consumerKey: clientId } },
      include: { application: { select: { status: true } } },
    });
    if (!key || key.application.status !== 'APPROVED')
      throw unauthorized('Invalid Credentials: the token is of no approved application');
    const subscription = await prisma.subscription.findUnique({
      where: { applicationId_apiId: { applicationId: key.applicationId, apiId } },
    });
    if (subscription?.status !== 'UNBLOCKED')
      throw new HttpError(
        403,
        'The application is not subscribed to this API (or its subscription is blocked)',
      );
    return key.applicationId;
  };
}
