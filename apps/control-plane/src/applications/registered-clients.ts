/**
 * Clients we registered at an external key manager (RFC 7591) are ours to delete there when their
 * key goes: the registration answer's RFC 7592 client configuration endpoint and registration access
 * token are kept with the key, the token sealed with the key manager secrets key. Deleting is done
 * after the key's removal has committed, and a provider that refuses (or cannot be reached) only
 * leaves a client behind: the gateways already refuse its tokens, so it is logged, never answered.
 */
import { KEY_MANAGER_SECRETS_PURPOSE, RESIDENT_KEY_MANAGER } from '@apim/contracts';
import { decryptSecret, derivedKey, encryptSecret, type Logger } from '@apim/service';
import { deleteRegisteredClient, type RegisteredClient } from '../key-managers/external-provider.js';

/** What an ApplicationKey row keeps of a registration (both set, or both null). */
export interface StoredRegistration {
  registrationClientUri: string | null;
  /** sealed */
  registrationAccessToken: string | null;
}

/** The fields of a stored key that deciding and deleting need. */
export interface RegisteredKey extends StoredRegistration {
  keyManager: string;
  consumerKey: string;
  mapped: boolean;
}

const sealingKey = (internalSecret: string) => derivedKey(internalSecret, KEY_MANAGER_SECRETS_PURPOSE);

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The RFC 7592 credentials of a client just registered, ready to store. A provider that gives no
 * (usable) client configuration endpoint or no registration access token offers no deletion: null.
 */
export function storedRegistration(
  internalSecret: string,
  client: Pick<RegisteredClient, 'registrationClientUri' | 'registrationAccessToken'>,
): StoredRegistration {
  const { registrationClientUri, registrationAccessToken } = client;
  if (!registrationClientUri || !registrationAccessToken || !isHttpUrl(registrationClientUri))
    return { registrationClientUri: null, registrationAccessToken: null };
  return {
    registrationClientUri,
    registrationAccessToken: encryptSecret(sealingKey(internalSecret), registrationAccessToken),
  };
}

/** A key whose client we registered at an external provider (not mapped, not the resident one's). */
export const isRegisteredExternally = (key: RegisteredKey) =>
  key.keyManager !== RESIDENT_KEY_MANAGER && !key.mapped;

/**
 * Deletes the client of a removed key at its provider (RFC 7592), when we registered it there and
 * kept the means to. Never throws; logs what is left behind, without the token.
 */
export async function deleteRegisteredClientOf(
  log: Logger,
  internalSecret: string,
  key: RegisteredKey,
): Promise<void> {
  if (!isRegisteredExternally(key)) return; // mapped: someone else's client; resident: not here
  const where = { keyManager: key.keyManager, clientId: key.consumerKey };
  const { registrationClientUri } = key;
  if (!registrationClientUri || !key.registrationAccessToken) {
    log.info(where, 'a registered client is left at the key manager (no RFC 7592 deletion was offered)');
    return;
  }
  let registrationAccessToken: string;
  try {
    registrationAccessToken = decryptSecret(sealingKey(internalSecret), key.registrationAccessToken);
  } catch {
    log.warn(
      where,
      'a registered client is left at the key manager: its registration access token cannot be opened (was APIM_INTERNAL_SECRET changed?)',
    );
    return;
  }
  try {
    await deleteRegisteredClient(key.keyManager, { registrationClientUri, registrationAccessToken });
  } catch (err) {
    // the error names the provider and its answer, with the token blanked out
    log.warn({ err, ...where }, 'the key manager did not delete the registered client: it is left there');
  }
}

/** deleteRegisteredClientOf for several keys at once (their providers answer independently). */
export async function deleteRegisteredClientsOf(
  log: Logger,
  internalSecret: string,
  keys: RegisteredKey[],
): Promise<void> {
  await Promise.all(keys.map((k) => deleteRegisteredClientOf(log, internalSecret, k)));
}
