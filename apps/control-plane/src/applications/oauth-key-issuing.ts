/**
 * OAuth keys: one client per application, key type and key manager. The resident key manager's
 * clients are created and changed through its internal API; an external provider's are registered
 * there (RFC 7591) or mapped (WSO2's map-keys: an existing client). The consumer secret is shown
 * once, when generated or regenerated; it is never stored here. A registered client's RFC 7592
 * credentials are stored (the access token sealed), so that removing its key deletes it there.
 */
import { RESIDENT_KEY_MANAGER, type KeyType } from '@apim/contracts';
import type { Devportal } from '@apim/rest-contract';
import type { AppContext } from '../context.js';
import { badRequest, conflict, HttpError, isUniqueViolation } from '../http/errors.js';
import { callerOf } from '../http/rest-api.js';
import {
  checkClientSecret,
  deleteRegisteredClient,
  registerClient,
} from '../key-managers/external-provider.js';
import { requestedKeyManager, type ExternalKeyManager } from '../key-managers/key-managers.js';
import { storedRegistration, type StoredRegistration } from './registered-clients.js';
import { ownedApplication } from './access.js';
import { isResident, keyDto, type ClientView, type KeyRow } from './oauth-key.js';
import { gatewayWrites } from '../model/gateway-writes.js';

type Owned = Awaited<ReturnType<typeof ownedApplication>>;

/** What the OAuth key operations do with a key manager: check the application, then create, register or map its client and store the key. */
export function keyIssuing({ prisma, keyManager, config, log }: AppContext) {
  const taken = (keyType: KeyType, km: string) =>
    conflict(`${keyType} keys from the key manager '${km}' already exist for this application`);

  async function approvedApplication(req: Parameters<typeof callerOf>[0], applicationId: string) {
    const app = await ownedApplication(prisma, callerOf(req), applicationId);
    if (app.status !== 'APPROVED')
      throw conflict(`The application is ${app.status}: keys can be added once it is approved`);
    return app;
  }

  async function refuseExisting(app: Owned, keyType: KeyType, km: string) {
    const existing = await prisma.applicationKey.findFirst({
      where: { applicationId: app.id, keyType, keyManager: km },
    });
    if (existing) throw taken(keyType, km);
  }

  /** Stores the key and tells the gateways, in one transaction. */
  function storeKey(
    app: Owned,
    keyType: KeyType,
    km: string,
    consumerKey: string,
    mapped: boolean,
    registration?: StoredRegistration,
  ) {
    return prisma.$transaction((tx) =>
      gatewayWrites.keyMapping.create(tx, {
        data: { applicationId: app.id, keyType, keyManager: km, consumerKey, mapped, ...registration },
      }),
    );
  }

  async function generateResident(app: Owned, body: Devportal.ApplicationKeyGenerateRequest) {
    const ttl = body.validityTime !== undefined ? Number(body.validityTime) : undefined;
    const client = await keyManager.createClient({
      clientName: `${app.owner.username}_${app.name}_${body.keyType}`.slice(0, 200),
      grantTypes: body.grantTypesToBeSupported ?? ['client_credentials'],
      ...(body.callbackUrl ? { callbackUrl: body.callbackUrl } : {}),
      ...(ttl && ttl > 0 ? { accessTokenTtl: ttl } : {}),
    });
    try {
      const key = await storeKey(app, body.keyType, RESIDENT_KEY_MANAGER, client.clientId, false);
      return keyDto(key, client, client.clientSecret);
    } catch (e) {
      // Another request won the race (or the database failed): do not leave the client behind.
      await keyManager
        .deleteClient(client.clientId)
        .catch((err: unknown) => log.warn({ err }, 'could not delete OAuth client'));
      if (isUniqueViolation(e)) throw taken(body.keyType, RESIDENT_KEY_MANAGER);
      throw e;
    }
  }

  /**
   * RFC 7591 registration at the provider. Its validity time and scopes are the provider's to
   * decide, so validityTime is not sent.
   */
  async function generateExternal(
    app: Owned,
    km: ExternalKeyManager,
    body: Devportal.ApplicationKeyGenerateRequest,
  ) {
    if (!km.registrationEndpoint)
      throw badRequest(
        `The key manager '${km.name}' offers no dynamic client registration: register the client at '${km.name}' and add it with POST /applications/{applicationId}/map-keys`,
      );
    const client = await registerClient(
      {
        name: km.name,
        registrationEndpoint: km.registrationEndpoint,
        initialAccessToken: km.initialAccessToken(),
      },
      {
        clientName: `${app.owner.username}_${app.name}_${body.keyType}`.slice(0, 200),
        grantTypes: body.grantTypesToBeSupported ?? ['client_credentials'],
        ...(body.callbackUrl ? { callbackUrl: body.callbackUrl } : {}),
      },
    );
    const registration = storedRegistration(config.internalSecret, client);
    if (!registration.registrationClientUri)
      log.info(
        { keyManager: km.name, clientId: client.clientId },
        'the key manager offers no RFC 7592 deletion: the client will stay there when its key is removed',
      );
    try {
      const key = await storeKey(app, body.keyType, km.name, client.clientId, false, registration);
      const view: ClientView = { grantTypes: client.grantTypes, callbackUrl: client.callbackUrl };
      return keyDto(key, view, client.clientSecret);
    } catch (e) {
      // As for the resident one: remove the client we just made, if the provider lets us (RFC 7592).
      const { registrationClientUri, registrationAccessToken } = client;
      if (registrationClientUri && registrationAccessToken)
        await deleteRegisteredClient(km.name, { registrationClientUri, registrationAccessToken }).catch(
          (err: unknown) => log.warn({ err, keyManager: km.name }, 'could not delete the registered client'),
        );
      else
        log.warn(
          { keyManager: km.name, clientId: client.clientId },
          'a registered client is left at the key manager (it offers no RFC 7592 deletion)',
        );
      if (isUniqueViolation(e)) throw taken(body.keyType, km.name);
      throw e;
    }
  }

  async function mapKeys(app: Owned, body: Devportal.ApplicationKeyMappingRequest) {
    const km = await requestedKeyManager(prisma, config.internalSecret, body.keyManager);
    await refuseExisting(app, body.keyType, km.name);
    const mappedElsewhere = await prisma.applicationKey.findUnique({
      where: { keyManager_consumerKey: { keyManager: km.name, consumerKey: body.consumerKey } },
    });
    // which application holds it is not the caller's business
    const alreadyMapped = () =>
      conflict(`The consumer key '${body.consumerKey}' of '${km.name}' is already the key of an application`);
    if (mappedElsewhere) throw alreadyMapped();
    let client: ClientView | undefined;
    if (km.kind === 'resident') {
      // Our own clients include the console's and the gateways': only the holder of a client's
      // secret may make it an application's key.
      if (!body.consumerSecret)
        throw badRequest(`'consumerSecret' is required to map a client of the ${RESIDENT_KEY_MANAGER}`);
      client = await keyManager.getClient(body.consumerKey).catch((e: unknown) => {
        if (e instanceof HttpError && e.status === 404)
          throw badRequest(`The ${RESIDENT_KEY_MANAGER} has no client '${body.consumerKey}'`);
        throw e;
      });
      await checkClientSecret(
        { name: RESIDENT_KEY_MANAGER, tokenEndpoint: keyManager.tokenEndpoint },
        body.consumerKey,
        body.consumerSecret,
      );
    } else if (body.consumerSecret && km.tokenEndpoint) {
      await checkClientSecret(
        { name: km.name, tokenEndpoint: km.tokenEndpoint },
        body.consumerKey,
        body.consumerSecret,
      );
    }
    try {
      return keyDto(await storeKey(app, body.keyType, km.name, body.consumerKey, true), client);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // a concurrent request took either the consumer key or this key type and key manager
      const again = await prisma.applicationKey.findUnique({
        where: { keyManager_consumerKey: { keyManager: km.name, consumerKey: body.consumerKey } },
      });
      throw again ? alreadyMapped() : taken(body.keyType, km.name);
    }
  }

  /**
   * Keys of an external provider are changed there: we hold no credentials to change them. A
   * mapped client was made by someone else and is left as it is, wherever it lives.
   */
  function createdResidentOnly(key: KeyRow, what: string) {
    if (!isResident(key) || key.mapped)
      throw badRequest(`This key is managed at the key manager '${key.keyManager}': ${what} there`);
  }

  return {
    approvedApplication,
    refuseExisting,
    generateResident,
    generateExternal,
    mapKeys,
    createdResidentOnly,
  };
}
