/**
 * Application keys from an external key manager, against real providers: the resident key manager
 * and a second OpenID provider configured like Keycloak (RFC 7591 registration behind an initial
 * access token). Keys are registered there (generate-keys) or mapped (map-keys), tokens come from
 * it, and the gateway event log names the key manager of every mapping. Removing a key deletes a
 * client we registered at the provider (RFC 7592), never a mapped one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { RESIDENT_KEY_MANAGER } from '@apim/contracts';
import { decryptSecret, derivedKey, encryptSecret } from '@apim/service';
import { startExternalIdp, type ExternalIdp } from '@apim/testing';
import { createUser, restClient, startTestBed, type Caller, type TestBed } from '../test-support.js';

const DEV = '/api/am/devportal/v3';

interface Key {
  keyMappingId: string;
  keyManager: string;
  consumerKey: string;
  consumerSecret?: string;
  supportedGrantTypes?: string[];
  keyType: string;
  mode: string;
}
interface ErrorReply {
  description: string;
}

let bed: TestBed;
let idp: ExternalIdp;
let call: ReturnType<typeof restClient>;
let dev: Caller;

const keyManagerSecrets = () => derivedKey(bed.km!.internalSecret, 'key-manager-secrets');

/** The provider no longer knows the client: client_credentials is refused with invalid_client. */
async function expectGoneAtProvider(client: { clientId: string; clientSecret: string }) {
  const refused = await idp.token(client).then(
    () => null,
    (e: Error) => e.message,
  );
  expect(refused ?? `${client.clientId} still gets tokens at the provider`).toContain('invalid_client');
}

/** The provider still issues the client's tokens. */
async function expectKnownAtProvider(client: { clientId: string; clientSecret: string }) {
  expect(decodeJwt(await idp.token(client))).toMatchObject({ iss: idp.issuer, azp: client.clientId });
}

async function addKeyManager(
  name: string,
  fields: { registrationToken?: string; registration?: boolean; enabled?: boolean } = {},
) {
  const seal = (plain: string) => encryptSecret(keyManagerSecrets(), plain);
  await bed.prisma.trustedIssuer.create({
    data: {
      name,
      displayName: `${name} (test)`,
      type: 'Keycloak',
      // issuers are unique: the same provider under several names needs distinct ones
      issuer: `${idp.issuer}/${name}`,
      jwksUrl: idp.jwksUri,
      audience: idp.audience,
      algorithms: ['RS256'],
      claimMappings: { consumerKeyClaim: 'azp' },
      tokenEndpoint: idp.tokenEndpoint,
      ...(fields.registration === false
        ? {}
        : {
            registrationEndpoint: idp.registrationEndpoint,
            registrationToken: seal(fields.registrationToken ?? idp.initialAccessToken),
          }),
      enabled: fields.enabled ?? true,
    },
  });
}

async function newApp(name: string): Promise<string> {
  const app = await call<{ applicationId: string }>('POST', `${DEV}/applications`, {
    as: dev,
    json: { name, throttlingPolicy: 'Unlimited' },
  });
  expect(app.status, JSON.stringify(app.body)).toBe(201);
  return app.body.applicationId;
}

async function lastEventId() {
  return (await bed.prisma.gatewayEvent.findFirst({ orderBy: { id: 'desc' } }))?.id ?? 0n;
}

async function eventsAfter(id: bigint) {
  const rows = await bed.prisma.gatewayEvent.findMany({ where: { id: { gt: id } }, orderBy: { id: 'asc' } });
  return rows.map((e) => ({ type: e.type, payload: e.payload }));
}

beforeAll(async () => {
  [bed, idp] = await Promise.all([startTestBed({ keyManager: true }), startExternalIdp()]);
  call = restClient(bed.cp.url, bed.cp.app.documents);
  dev = await createUser(bed.prisma, 'erin', ['subscriber']);
  await addKeyManager('keycloak');
  await addKeyManager('no-dcr', { registration: false });
  await addKeyManager('switched-off', { enabled: false });
  await addKeyManager('wrong-token', { registrationToken: 'not-the-initial-access-token' });
});
afterAll(async () => {
  await bed?.close();
  await idp?.close();
});

describe('keys from an external key manager', () => {
  it('lists the enabled key managers with what each supports', async () => {
    const res = await call<{ list: Array<Record<string, unknown>> }>('GET', `${DEV}/key-managers`, {
      as: dev,
    });
    expect(res.status).toBe(200);
    expect(res.body.list.map((k) => k.name)).toEqual([
      RESIDENT_KEY_MANAGER,
      'keycloak',
      'no-dcr',
      'wrong-token',
    ]);
    expect(res.body.list[1]).toMatchObject({
      displayName: 'keycloak (test)',
      type: 'Keycloak',
      enableOAuthAppCreation: true,
      enableMapOAuthConsumerApps: true,
      enableTokenGeneration: true,
    });
    expect(res.body.list[2]).toMatchObject({ name: 'no-dcr', enableOAuthAppCreation: false });
    expect(JSON.stringify(res.body)).not.toContain(idp.initialAccessToken);
  });

  it('registers the client at the provider, which then issues its tokens', async () => {
    const appId = await newApp('Orders');
    const before = await lastEventId();
    const keys = await call<Key>('POST', `${DEV}/applications/${appId}/generate-keys`, {
      as: dev,
      json: {
        keyType: 'PRODUCTION',
        keyManager: 'keycloak',
        grantTypesToBeSupported: ['client_credentials'],
      },
    });
    expect(keys.status, JSON.stringify(keys.body)).toBe(200);
    expect(keys.body).toMatchObject({
      keyManager: 'keycloak',
      keyType: 'PRODUCTION',
      mode: 'CREATED',
      supportedGrantTypes: ['client_credentials'],
    });
    const { consumerKey, consumerSecret } = keys.body;
    expect(consumerSecret).toBeTruthy();

    // the client really exists at the provider: it gets a token there directly
    const direct = decodeJwt(await idp.token({ clientId: consumerKey, clientSecret: consumerSecret! }));
    expect(direct).toMatchObject({ iss: idp.issuer, azp: consumerKey });

    const row = await bed.prisma.applicationKey.findUniqueOrThrow({ where: { id: keys.body.keyMappingId } });
    expect(row).toMatchObject({ keyManager: 'keycloak', consumerKey, mapped: false });
    expect(JSON.stringify(row)).not.toContain(consumerSecret);
    // its RFC 7592 credentials are kept, the registration access token sealed and never answered
    expect(row.registrationClientUri).toBe(`${idp.registrationEndpoint}/${consumerKey}`);
    const registrationAccessToken = decryptSecret(keyManagerSecrets(), row.registrationAccessToken!);
    expect(registrationAccessToken).not.toBe(row.registrationAccessToken);
    expect(JSON.stringify(keys.body)).not.toContain(registrationAccessToken);
    expect(JSON.stringify(keys.body)).not.toContain(row.registrationClientUri);
    expect(await eventsAfter(before)).toEqual([
      {
        type: 'KEY_MAPPING_UPSERTED',
        payload: {
          keyMapping: { consumerKey, applicationId: appId, keyType: 'PRODUCTION', keyManager: 'keycloak' },
        },
      },
    ]);

    // one key per key type and key manager: a resident PRODUCTION key may sit beside it
    const again = await call<ErrorReply>('POST', `${DEV}/applications/${appId}/generate-keys`, {
      as: dev,
      json: { keyType: 'PRODUCTION', keyManager: 'keycloak' },
    });
    expect(again.status).toBe(409);
    expect(again.body.description).toContain("'keycloak'");
    const resident = await call<Key>('POST', `${DEV}/applications/${appId}/generate-keys`, {
      as: dev,
      json: { keyType: 'PRODUCTION' },
    });
    expect(resident.status).toBe(200);
    expect(resident.body.keyManager).toBe(RESIDENT_KEY_MANAGER);

    const listed = await call<{ list: Key[] }>('GET', `${DEV}/applications/${appId}/oauth-keys`, { as: dev });
    expect(listed.body.list.map((k) => [k.keyManager, k.consumerKey]).sort()).toEqual(
      [
        ['keycloak', consumerKey],
        [RESIDENT_KEY_MANAGER, resident.body.consumerKey],
      ].sort(),
    );
    for (const k of listed.body.list) expect(k).not.toHaveProperty('consumerSecret');

    // tokens of the key come from the provider, with the scopes asked for
    const keyUrl = `${DEV}/applications/${appId}/oauth-keys/${keys.body.keyMappingId}`;
    const token = await call<{ accessToken: string; tokenScopes: string[]; validityTime: number }>(
      'POST',
      `${keyUrl}/generate-token`,
      { as: dev, json: { consumerSecret, scopes: ['read'] } },
    );
    expect(token.status, JSON.stringify(token.body)).toBe(200);
    expect(token.body.tokenScopes).toEqual(['read']);
    expect(decodeJwt(token.body.accessToken)).toMatchObject({
      iss: idp.issuer,
      azp: consumerKey,
      scope: 'read',
    });
    const wrong = await call<ErrorReply>('POST', `${keyUrl}/generate-token`, {
      as: dev,
      json: { consumerSecret: 'not-the-secret' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.description).toContain("'keycloak'");
    expect(wrong.body.description).not.toContain('not-the-secret');

    // its client is changed at the provider, not here
    const put = await call<ErrorReply>('PUT', keyUrl, {
      as: dev,
      json: { supportedGrantTypes: ['password'] },
    });
    expect(put.status).toBe(400);
    expect(put.body.description).toContain("managed at the key manager 'keycloak'");
    expect((await call('POST', `${keyUrl}/regenerate-secret`, { as: dev })).status).toBe(400);

    // clean-up removes the mapping (and tells the gateways which key manager's key it was)
    const beforeCleanUp = await lastEventId();
    expect((await call('POST', `${keyUrl}/clean-up`, { as: dev })).status).toBe(200);
    expect(await bed.prisma.applicationKey.count({ where: { id: keys.body.keyMappingId } })).toBe(0);
    expect(await eventsAfter(beforeCleanUp)).toEqual([
      { type: 'KEY_MAPPING_DELETED', payload: { consumerKey, keyManager: 'keycloak' } },
    ]);
    // and the client we registered is deleted at the provider (RFC 7592)
    await expectGoneAtProvider({ clientId: consumerKey, clientSecret: consumerSecret! });
  });

  it('removes the key even when the provider refuses to delete its client, which stays there', async () => {
    const appId = await newApp('Stubborn');
    const keys = await call<Key>('POST', `${DEV}/applications/${appId}/generate-keys`, {
      as: dev,
      json: { keyType: 'PRODUCTION', keyManager: 'keycloak' },
    });
    expect(keys.status, JSON.stringify(keys.body)).toBe(200);
    const client = { clientId: keys.body.consumerKey, clientSecret: keys.body.consumerSecret! };
    // a registration access token the provider does not take (revoked there, say)
    await bed.prisma.applicationKey.update({
      where: { id: keys.body.keyMappingId },
      data: { registrationAccessToken: encryptSecret(keyManagerSecrets(), 'revoked-at-the-provider') },
    });
    const keyUrl = `${DEV}/applications/${appId}/oauth-keys/${keys.body.keyMappingId}`;
    const cleanUp = await call('POST', `${keyUrl}/clean-up`, { as: dev });
    expect(cleanUp.status, JSON.stringify(cleanUp.body)).toBe(200);
    expect(await bed.prisma.applicationKey.count({ where: { id: keys.body.keyMappingId } })).toBe(0);
    await expectKnownAtProvider(client);
  });

  it('maps a client registered at the provider beforehand, once', async () => {
    const partner = await idp.registerClient('partner');
    const appId = await newApp('Partner');
    const wrongSecret = await call<ErrorReply>('POST', `${DEV}/applications/${appId}/map-keys`, {
      as: dev,
      json: {
        consumerKey: partner.clientId,
        consumerSecret: 'guess',
        keyType: 'SANDBOX',
        keyManager: 'keycloak',
      },
    });
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.body.description).toContain('does not accept this consumer key and secret');
    // a mapped client's RFC 7592 credentials are not ours: nothing is kept

    const before = await lastEventId();
    const mapped = await call<Key>('POST', `${DEV}/applications/${appId}/map-keys`, {
      as: dev,
      json: {
        consumerKey: partner.clientId,
        consumerSecret: partner.clientSecret,
        keyType: 'SANDBOX',
        keyManager: 'keycloak',
      },
    });
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(200);
    expect(mapped.body).toMatchObject({
      keyManager: 'keycloak',
      consumerKey: partner.clientId,
      mode: 'MAPPED',
    });
    expect(mapped.body).not.toHaveProperty('consumerSecret');
    expect(
      await bed.prisma.applicationKey.findUniqueOrThrow({ where: { id: mapped.body.keyMappingId } }),
    ).toMatchObject({ mapped: true, registrationClientUri: null, registrationAccessToken: null });
    expect(await eventsAfter(before)).toEqual([
      {
        type: 'KEY_MAPPING_UPSERTED',
        payload: {
          keyMapping: {
            consumerKey: partner.clientId,
            applicationId: appId,
            keyType: 'SANDBOX',
            keyManager: 'keycloak',
          },
        },
      },
    ]);

    // the same client for another application: refused, without naming the first
    const otherApp = await newApp('Partner2');
    const taken = await call<ErrorReply>('POST', `${DEV}/applications/${otherApp}/map-keys`, {
      as: dev,
      json: { consumerKey: partner.clientId, keyType: 'PRODUCTION', keyManager: 'keycloak' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.description).toContain('already the key of an application');
    expect(taken.body.description).not.toContain(appId);

    // without a secret nothing can be checked: the mapping is taken on trust (WSO2 does the same)
    const unchecked = await idp.registerClient('unchecked');
    const trusted = await call<Key>('POST', `${DEV}/applications/${otherApp}/map-keys`, {
      as: dev,
      json: { consumerKey: unchecked.clientId, keyType: 'PRODUCTION', keyManager: 'no-dcr' },
    });
    expect(trusted.status, JSON.stringify(trusted.body)).toBe(200);
    expect(trusted.body.keyManager).toBe('no-dcr');

    // removing a mapping leaves the client at the provider: it still gets its tokens
    const cleanUp = await call(
      'POST',
      `${DEV}/applications/${appId}/oauth-keys/${mapped.body.keyMappingId}/clean-up`,
      {
        as: dev,
      },
    );
    expect(cleanUp.status).toBe(200);
    await expectKnownAtProvider(partner);
  });

  it('names the key manager it cannot use', async () => {
    const appId = await newApp('Refused');
    const generate = (keyManager: string) =>
      call<ErrorReply>('POST', `${DEV}/applications/${appId}/generate-keys`, {
        as: dev,
        json: { keyType: 'PRODUCTION', keyManager },
      });
    const unknown = await generate('nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body.description).toContain("'nope' is not a key manager");
    const disabled = await generate('switched-off');
    expect(disabled.status).toBe(400);
    expect(disabled.body.description).toContain("'switched-off' is disabled");
    const noDcr = await generate('no-dcr');
    expect(noDcr.status).toBe(400);
    expect(noDcr.body.description).toContain('map-keys');

    // the provider refuses the registration: 502 with its words, never the token we sent
    const refused = await generate('wrong-token');
    expect(refused.status).toBe(502);
    expect(refused.body.description).toContain("'wrong-token'");
    expect(refused.body.description).toContain('invalid_token');
    expect(refused.body.description).not.toContain('not-the-initial-access-token');

    // a callback URL the provider refuses is the caller's to fix
    const badCallback = await call<ErrorReply>('POST', `${DEV}/applications/${appId}/generate-keys`, {
      as: dev,
      json: {
        keyType: 'PRODUCTION',
        keyManager: 'keycloak',
        grantTypesToBeSupported: ['authorization_code'],
        callbackUrl: 'not a url',
      },
    });
    expect(badCallback.status, JSON.stringify(badCallback.body)).toBe(400);
    expect(badCallback.body.description).toContain("'keycloak' refused the callback URL");
    expect(await bed.prisma.applicationKey.count({ where: { applicationId: appId } })).toBe(0);
  });

  it('maps a resident client only for whoever holds its secret', async () => {
    const appId = await newApp('ResidentMapped');
    const created = await fetch(`${bed.km!.url}/internal/v1/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bed.km!.internalSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientName: 'made-elsewhere', grantTypes: ['client_credentials'] }),
    });
    const client = (await created.json()) as { clientId: string; clientSecret: string };
    const map = (json: Record<string, unknown>) =>
      call<Key & ErrorReply>('POST', `${DEV}/applications/${appId}/map-keys`, {
        as: dev,
        json: { keyType: 'PRODUCTION', ...json },
      });
    expect((await map({ consumerKey: client.clientId })).status).toBe(400);
    expect((await map({ consumerKey: 'apim-console', consumerSecret: 'anything' })).status).toBe(400);
    expect((await map({ consumerKey: client.clientId, consumerSecret: 'wrong' })).status).toBe(400);
    const mapped = await map({ consumerKey: client.clientId, consumerSecret: client.clientSecret });
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(200);
    expect(mapped.body).toMatchObject({
      keyManager: RESIDENT_KEY_MANAGER,
      mode: 'MAPPED',
      supportedGrantTypes: ['client_credentials'],
    });
    // someone else's client: its secret is not ours to replace, and removing the key leaves it be
    const keyUrl = `${DEV}/applications/${appId}/oauth-keys/${mapped.body.keyMappingId}`;
    expect((await call('POST', `${keyUrl}/regenerate-secret`, { as: dev })).status).toBe(400);
    expect((await call('POST', `${keyUrl}/clean-up`, { as: dev })).status).toBe(200);
    expect(await bed.prisma.oAuthClient.count({ where: { clientId: client.clientId } })).toBe(1);
  });

  it('deletes an application with keys from several key managers', async () => {
    const appId = await newApp('Everything');
    const external = await call<Key>('POST', `${DEV}/applications/${appId}/generate-keys`, {
      as: dev,
      json: { keyType: 'SANDBOX', keyManager: 'keycloak' },
    });
    const resident = await call<Key>('POST', `${DEV}/applications/${appId}/generate-keys`, {
      as: dev,
      json: { keyType: 'SANDBOX' },
    });
    const partner = await idp.registerClient('partner-of-everything');
    const mapped = await call<Key>('POST', `${DEV}/applications/${appId}/map-keys`, {
      as: dev,
      json: { consumerKey: partner.clientId, keyType: 'PRODUCTION', keyManager: 'keycloak' },
    });
    expect([external.status, resident.status, mapped.status]).toEqual([200, 200, 200]);
    const registered = { clientId: external.body.consumerKey, clientSecret: external.body.consumerSecret! };
    await expectKnownAtProvider(registered);
    const before = await lastEventId();
    expect((await call('DELETE', `${DEV}/applications/${appId}`, { as: dev })).status).toBe(200);
    const events = await eventsAfter(before);
    expect(events.filter((e) => e.type === 'KEY_MAPPING_DELETED').map((e) => e.payload)).toEqual(
      expect.arrayContaining([
        { consumerKey: external.body.consumerKey, keyManager: 'keycloak' },
        { consumerKey: resident.body.consumerKey, keyManager: RESIDENT_KEY_MANAGER },
      ]),
    );
    expect(events.map((e) => e.type)).toContain('APPLICATION_DELETED');
    expect(await bed.prisma.applicationKey.count({ where: { applicationId: appId } })).toBe(0);
    // the clients we created are gone, the resident one and the one we registered at the
    // provider; the mapped one is someone else's and still gets its tokens
    expect(await bed.prisma.oAuthClient.count({ where: { clientId: resident.body.consumerKey } })).toBe(0);
    await expectGoneAtProvider(registered);
    await expectKnownAtProvider(partner);
  });
});
