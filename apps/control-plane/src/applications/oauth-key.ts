/** An application's OAuth key as stored and as answered (WSO2's ApplicationKey). */
import { RESIDENT_KEY_MANAGER, type KeyType } from '@apim/contracts';
import type { Prisma, PrismaClient } from '@apim/db';
import type { Principal } from '../http/auth.js';
import { HttpError, notFound } from '../http/errors.js';
import type { KeyManagerClient } from './key-manager-client.js';
import { ownedApplication } from './access.js';

export type KeyRow = Prisma.ApplicationKeyGetPayload<object>;

/** What is known of the client behind a key: read from the resident key manager, or just registered. */
export interface ClientView {
  grantTypes: string[];
  callbackUrl: string | null;
  accessTokenTtl?: number;
}

export const isResident = (key: KeyRow) => key.keyManager === RESIDENT_KEY_MANAGER;

/**
 * The key as WSO2 answers it. Without `client` (an external provider's key, whose client we can
 * only read when it was just registered) the answer holds what is stored: grant types and callback
 * URL are left out rather than guessed.
 */
export function keyDto(key: KeyRow, client?: ClientView, consumerSecret?: string) {
  return {
    keyMappingId: key.id,
    keyManager: key.keyManager,
    consumerKey: key.consumerKey,
    ...(consumerSecret ? { consumerSecret } : {}),
    ...(client ? { supportedGrantTypes: client.grantTypes, callbackUrl: client.callbackUrl } : {}),
    keyState: 'COMPLETED',
    keyType: key.keyType,
    mode: key.mapped ? 'MAPPED' : 'CREATED',
    additionalProperties:
      client?.accessTokenTtl !== undefined
        ? { application_access_token_expiry_time: String(client.accessTokenTtl) }
        : {},
  };
}

/**
 * The answer for a stored key: the resident key manager is asked for the client's settings; a
 * resident client removed behind our back (a mapped one, say) still shows what is stored.
 */
export async function storedKeyDto(keyManager: KeyManagerClient, key: KeyRow) {
  if (!isResident(key)) return keyDto(key);
  try {
    return keyDto(key, await keyManager.getClient(key.consumerKey));
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return keyDto(key);
    throw e;
  }
}

/**
 * A key of an application the caller owns, by id, or by key type (WSO2's older paths, which know
 * one key manager only: the resident key is taken first, else the only key of that type).
 */
export async function findKey(
  prisma: PrismaClient,
  principal: Principal,
  applicationId: string,
  where: { id: string } | { keyType: KeyType },
) {
  const app = await ownedApplication(prisma, principal, applicationId);
  const keys = await prisma.applicationKey.findMany({ where: { applicationId: app.id, ...where } });
  const key = keys.find(isResident) ?? (keys.length === 1 ? keys[0] : undefined);
  if (!key) {
    if (keys.length > 1)
      throw new HttpError(
        409,
        `This application has ${'keyType' in where ? where.keyType : ''} keys from several key managers: use /oauth-keys/{keyMappingId}/generate-token`,
      );
    throw notFound('Application key');
  }
  return { app, key };
}
