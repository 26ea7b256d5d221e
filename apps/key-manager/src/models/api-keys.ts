/**
 * API keys: JWTs signed with the token signing keys, with WSO2's claims. Gateways verify them
 * like access tokens; the control plane keeps the ApiKey row.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { PrismaClient } from '@apim/db';
import { ApiError } from '../helpers/api-error.js';
import { privateKeyOf, type PublishedKey } from './signing-keys.js';

export interface ApiKeyRequest {
  applicationId: string;
  keyType: 'PRODUCTION' | 'SANDBOX';
  validityPeriod: number;
  permittedIps: string[];
  permittedReferers: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function stringList(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0 && !v.includes(',')))
    throw ApiError.badRequest(`${name} must be an array of non-empty strings without commas`);
  return value as string[];
}

export function parseApiKeyRequest(body: unknown): ApiKeyRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.applicationId !== 'string' || !UUID.test(b.applicationId))
    throw ApiError.badRequest('applicationId must be an application id (UUID)');
  if (b.keyType !== 'PRODUCTION' && b.keyType !== 'SANDBOX')
    throw ApiError.badRequest('keyType must be PRODUCTION or SANDBOX');
  const v = b.validityPeriod;
  if (typeof v !== 'number' || !Number.isInteger(v) || (v !== -1 && (v < 1 || v > 100 * 365 * 86_400)))
    throw ApiError.badRequest('validityPeriod must be a positive number of seconds, or -1 for no expiry');
  return {
    applicationId: b.applicationId,
    keyType: b.keyType,
    validityPeriod: v,
    permittedIps: stringList(b.permittedIps, 'permittedIps'),
    permittedReferers: stringList(b.permittedReferers, 'permittedReferers'),
  };
}

export async function issueApiKey(
  prisma: PrismaClient,
  issuer: string,
  key: PublishedKey,
  request: ApiKeyRequest,
): Promise<{ apikey: string; jti: string; expiresAt: string | null }> {
  const app = await prisma.application.findUnique({
    where: { id: request.applicationId },
    select: { id: true, name: true, throttlingPolicy: true, owner: { select: { username: true } } },
  });
  if (!app) throw ApiError.notFound(`No application with id ${request.applicationId}`);
  const jti = randomUUID();
  const now = Math.floor(Date.now() / 1000);
  const exp = request.validityPeriod === -1 ? null : now + request.validityPeriod;
  const jwt = new SignJWT({
    keytype: request.keyType,
    application: { id: app.id, name: app.name, owner: app.owner.username, tier: app.throttlingPolicy },
    ...(request.permittedIps.length ? { permittedIP: request.permittedIps.join(',') } : {}),
    ...(request.permittedReferers.length ? { permittedReferer: request.permittedReferers.join(',') } : {}),
    token_type: 'apiKey',
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setSubject(app.owner.username)
    .setJti(jti)
    .setIssuedAt(now);
  if (exp !== null) jwt.setExpirationTime(exp);
  return {
    apikey: await jwt.sign(await privateKeyOf(key)),
    jti,
    expiresAt: exp === null ? null : new Date(exp * 1000).toISOString(),
  };
}
