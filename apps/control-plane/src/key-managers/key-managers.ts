/**
 * The key managers an application can get keys from: the resident one (our own key manager) and
 * the enabled external ones (TrustedIssuer rows, found by their immutable name).
 */
import { KEY_MANAGER_SECRETS_PURPOSE, RESIDENT_KEY_MANAGER } from '@apim/contracts';
import type { Prisma, PrismaClient } from '@apim/db';
import { decryptSecret, derivedKey } from '@apim/service';
import { badRequest, HttpError } from '../http/errors.js';

type IssuerRow = Prisma.TrustedIssuerGetPayload<object>;

export interface ExternalKeyManager {
  kind: 'external';
  name: string;
  displayName: string;
  type: string;
  description: string;
  id: string;
  enabled: boolean;
  tokenEndpoint: string | null;
  registrationEndpoint: string | null;
  /** the RFC 7591 initial access token, opened only when a client is registered */
  initialAccessToken(): string | null;
}

export type KeyManagerRef = { kind: 'resident'; name: typeof RESIDENT_KEY_MANAGER } | ExternalKeyManager;

export const RESIDENT: KeyManagerRef = { kind: 'resident', name: RESIDENT_KEY_MANAGER };

/** The resident key manager as the publisher's and devportal's lists show it (WSO2's type "default"). */
export const RESIDENT_SUMMARY = {
  name: RESIDENT_KEY_MANAGER,
  displayName: RESIDENT_KEY_MANAGER,
  type: 'default',
  enabled: true,
} as const;

export function externalKeyManager(row: IssuerRow, internalSecret: string): ExternalKeyManager {
  return {
    kind: 'external',
    id: row.id,
    name: row.name,
    displayName: row.displayName ?? row.name,
    type: row.type,
    description: row.description ?? '',
    enabled: row.enabled,
    tokenEndpoint: row.tokenEndpoint,
    registrationEndpoint: row.registrationEndpoint,
    initialAccessToken() {
      if (!row.registrationToken) return null;
      try {
        return decryptSecret(derivedKey(internalSecret, KEY_MANAGER_SECRETS_PURPOSE), row.registrationToken);
      } catch {
        throw new HttpError(
          502,
          `The registration token of the key manager '${row.name}' cannot be opened (was APIM_INTERNAL_SECRET changed?): an admin must set it again`,
        );
      }
    },
  };
}

/**
 * The key manager a request names (absent: the resident one). Unknown or disabled: 400 naming it,
 * since it is a field of the request that is wrong.
 */
export async function requestedKeyManager(
  prisma: PrismaClient,
  internalSecret: string,
  name: string | undefined,
): Promise<KeyManagerRef> {
  if (name === undefined || name === RESIDENT_KEY_MANAGER) return RESIDENT;
  const row = await prisma.trustedIssuer.findUnique({ where: { name } });
  if (!row)
    throw badRequest(`'${name}' is not a key manager: GET /key-managers lists the ones applications can use`);
  if (!row.enabled) throw badRequest(`The key manager '${name}' is disabled`);
  return externalKeyManager(row, internalSecret);
}

/**
 * The key manager of a stored key, to act on the key (token, secret check). It may have been
 * disabled or removed since the key was made: then nothing but removing the key is possible.
 */
export async function keyManagerOfKey(
  prisma: PrismaClient,
  internalSecret: string,
  keyManager: string,
): Promise<KeyManagerRef> {
  if (keyManager === RESIDENT_KEY_MANAGER) return RESIDENT;
  const row = await prisma.trustedIssuer.findUnique({ where: { name: keyManager } });
  if (!row)
    throw new HttpError(409, `The key manager '${keyManager}' of this key no longer exists: remove the key`);
  if (!row.enabled) throw new HttpError(409, `The key manager '${keyManager}' of this key is disabled`);
  return externalKeyManager(row, internalSecret);
}
