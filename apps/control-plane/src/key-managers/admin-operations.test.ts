/**
 * Admin key managers against a real second OpenID provider: discovery fills the endpoints, presets
 * set the claims, secrets are sealed and never shown, an audience is required, the resident issuer
 * and name are refused, names cannot change, and gateways are told in the same transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_MANAGER_SECRETS_PURPOSE, type GatewayEventPayloads } from '@apim/contracts';
import { decryptSecret, derivedKey, encryptSecret } from '@apim/service';
import { startExternalIdp, type ExternalIdp } from '@apim/testing';
import { ADMIN, createUser, restClient, startTestBed, type TestBed } from '../test-support.js';

const A = '/api/am/admin/v4/key-managers';
let bed: TestBed;
let idp: ExternalIdp;
let call: ReturnType<typeof restClient>;

interface KeyManagerBody {
  id: string;
  name: string;
  [k: string]: unknown;
}

beforeAll(async () => {
  [bed, idp] = await Promise.all([startTestBed(), startExternalIdp({ audience: 'apim-gateways' })]);
  call = restClient(bed.cp.url, bed.cp.app.documents);
});
afterAll(async () => Promise.all([bed?.close(), idp?.close()]));

async function lastEventId() {
  return (await bed.prisma.gatewayEvent.findFirst({ orderBy: { id: 'desc' } }))?.id ?? 0n;
}
async function eventsAfter(id: bigint) {
  return bed.prisma.gatewayEvent.findMany({ where: { id: { gt: id } }, orderBy: { id: 'asc' } });
}

describe('admin key managers', () => {
  it('reads a provider from its discovery document, seals its secrets and tells gateways', async () => {
    const before = await lastEventId();
    const created = await call<KeyManagerBody>('POST', A, {
      as: ADMIN,
      json: {
        name: 'keycloak',
        type: 'Keycloak',
        wellKnownEndpoint: idp.discoveryUrl,
        audience: 'apim-gateways',
        introspectionClientId: idp.introspectionClient.clientId,
        introspectionClientSecret: idp.introspectionClient.clientSecret,
        registrationToken: idp.initialAccessToken,
        claimMapping: [{ remoteClaim: 'email', localClaim: 'http://wso2.org/claims/emailaddress' }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      type: 'Keycloak',
      issuer: idp.issuer,
      certificates: { type: 'JWKS', value: idp.jwksUri },
      introspectionEndpoint: idp.introspectionEndpoint,
      tokenEndpoint: idp.tokenEndpoint,
      clientRegistrationEndpoint: idp.registrationEndpoint,
      consumerKeyClaim: 'azp',
      scopesClaim: 'scope',
      introspectionClientId: idp.introspectionClient.clientId,
      registrationTokenSet: true,
    });
    const shown = JSON.stringify(created.body);
    expect(shown).not.toContain(idp.introspectionClient.clientSecret);
    expect(shown).not.toContain(idp.initialAccessToken);

    const row = await bed.prisma.trustedIssuer.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.introspectionClientSecret).not.toContain(idp.introspectionClient.clientSecret);
    const key = derivedKey(bed.cp.app.context.config.internalSecret, KEY_MANAGER_SECRETS_PURPOSE);
    expect(decryptSecret(key, row.registrationToken!)).toBe(idp.initialAccessToken);

    const [event] = await eventsAfter(before);
    expect(event?.type).toBe('ISSUER_UPSERTED');
    const { issuer } = event!.payload as unknown as GatewayEventPayloads['ISSUER_UPSERTED'];
    expect(issuer).toMatchObject({
      issuer: idp.issuer,
      audience: 'apim-gateways',
      consumerKeyClaim: 'azp',
      scopesClaim: 'scope',
      claimMappings: { email: 'http://wso2.org/claims/emailaddress' },
      introspection: { endpoint: idp.introspectionEndpoint, clientId: idp.introspectionClient.clientId },
    });
    expect(decryptSecret(key, issuer.introspection!.sealedSecret)).toBe(idp.introspectionClient.clientSecret);

    // a change that leaves the secrets out keeps them; the name cannot change
    const changed = await call<KeyManagerBody>('PUT', `${A}/${created.body.id}`, {
      as: ADMIN,
      json: {
        name: 'keycloak',
        type: 'Okta',
        issuer: idp.issuer,
        certificates: { type: 'JWKS', value: `${idp.issuer}/other-jwks` },
        introspectionEndpoint: idp.introspectionEndpoint,
        audience: 'apim-gateways',
      },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({
      consumerKeyClaim: 'cid',
      scopesClaim: 'scp',
      certificates: { value: `${idp.issuer}/other-jwks` },
      introspectionClientId: idp.introspectionClient.clientId,
      registrationTokenSet: true,
    });
    const renamed = await call('PUT', `${A}/${created.body.id}`, {
      as: ADMIN,
      json: {
        name: 'renamed',
        issuer: idp.issuer,
        certificates: { type: 'JWKS', value: idp.jwksUri },
        audience: 'x',
      },
    });
    expect(renamed.status).toBe(400);
    expect(JSON.stringify(renamed.body)).toContain('cannot change');
  });

  it('refuses what would trust tokens by too little', async () => {
    const base = {
      issuer: 'https://idp.example',
      certificates: { type: 'JWKS', value: 'https://idp.example/jwks' },
    };
    const noAudience = await call('POST', A, { as: ADMIN, json: { name: 'no-aud', ...base } });
    expect(noAudience.status).toBe(400);
    expect(JSON.stringify(noAudience.body)).toContain('audience');
    const blank = await call('POST', A, { as: ADMIN, json: { name: 'blank-aud', ...base, audience: '  ' } });
    expect(blank.status).toBe(400);

    const resident = await call('POST', A, {
      as: ADMIN,
      json: {
        ...base,
        name: 'again',
        issuer: bed.cp.app.context.config.keyManagerUrl,
        audience: 'apim-gateway',
      },
    });
    expect(resident.status).toBe(409);
    expect(JSON.stringify(resident.body)).toContain('Resident Key Manager');
    const residentName = await call('POST', A, {
      as: ADMIN,
      json: { ...base, name: 'Resident Key Manager', audience: 'a' },
    });
    expect([400, 409]).toContain(residentName.status);

    const noIntrospectionClient = await call('POST', A, {
      as: ADMIN,
      json: {
        ...base,
        name: 'no-client',
        audience: 'a',
        introspectionEndpoint: 'https://idp.example/introspect',
      },
    });
    expect(noIntrospectionClient.status).toBe(400);
    expect(JSON.stringify(noIntrospectionClient.body)).toContain('introspectionClientId');

    const unknownType = await call('POST', A, {
      as: ADMIN,
      json: { ...base, name: 'odd', audience: 'a', type: 'Other' },
    });
    expect(unknownType.status).toBe(400);
    expect(await bed.prisma.trustedIssuer.count({ where: { issuer: 'https://idp.example' } })).toBe(0);
  });

  it('is for admins only, and removing one removes the application keys it issued and the clients we registered', async () => {
    const dev = await createUser(bed.prisma, 'km-dev', ['subscriber']);
    expect((await call('GET', A, { as: dev })).status).toBe(403);

    const km = await call<KeyManagerBody>('POST', A, {
      as: ADMIN,
      json: {
        name: 'okta',
        type: 'Okta',
        issuer: 'https://okta.example/oauth2/default',
        certificates: { type: 'JWKS', value: 'https://okta.example/oauth2/default/v1/keys' },
        audience: 'api://default',
      },
    });
    expect(km.status, JSON.stringify(km.body)).toBe(201);
    const owner = await bed.prisma.user.findUniqueOrThrow({ where: { username: 'km-dev' } });
    const app = await bed.prisma.application.create({
      data: { name: 'okta-app', ownerId: owner.id, throttlingPolicy: 'Unlimited' },
    });
    await bed.prisma.applicationKey.create({
      data: {
        applicationId: app.id,
        keyType: 'PRODUCTION',
        keyManager: 'okta',
        consumerKey: '0oa1',
        mapped: true,
      },
    });
    // a client registered for the application (as generate-keys does), with its RFC 7592 credentials
    const registered = await idp.registerClient('okta-app');
    const sealKey = derivedKey(bed.cp.app.context.config.internalSecret, KEY_MANAGER_SECRETS_PURPOSE);
    await bed.prisma.applicationKey.create({
      data: {
        applicationId: app.id,
        keyType: 'SANDBOX',
        keyManager: 'okta',
        consumerKey: registered.clientId,
        registrationClientUri: registered.registrationClientUri,
        registrationAccessToken: encryptSecret(sealKey, registered.registrationAccessToken),
      },
    });
    await idp.token(registered);
    const before = await lastEventId();
    expect((await call('DELETE', `${A}/${km.body.id}`, { as: ADMIN })).status).toBe(200);
    expect(await bed.prisma.applicationKey.count({ where: { keyManager: 'okta' } })).toBe(0);
    await expect(idp.token(registered)).rejects.toThrow(/invalid_client/);
    expect((await eventsAfter(before)).map((e) => e.type)).toEqual(['ISSUER_DELETED']);
  });
});
