/**
 * generate-token without the consumer secret, end to end with the real key manager: the signed-in
 * owner of the application gets a token with scopes of the APIs it is subscribed to; anyone else,
 * an administrator included, does not; scopes no subscribed API defines are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { ADMIN, importForm, PETSTORE_YAML, restClient, startTestBed, type TestBed } from '../test-support.js';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';

let bed: TestBed;
let call: ReturnType<typeof restClient>;
const owner = { username: 'olga', password: 'olga-password-1' };
const other = { username: 'oscar', password: 'oscar-password-1' };
let appId: string;
let keys: { keyMappingId: string; consumerKey: string };

interface Token {
  accessToken: string;
  tokenScopes: string[];
  validityTime: number;
  description?: string;
}

beforeAll(async () => {
  bed = await startTestBed({ keyManager: true });
  call = restClient(bed.cp.url, bed.cp.app.documents);
  const imported = await call<{ id: string }>('POST', `${PUB}/apis/import-openapi`, {
    as: ADMIN,
    form: importForm(
      {
        additionalProperties: JSON.stringify({
          name: 'OwnerPets',
          context: '/ownerpets',
          version: '1.0.0',
          policies: ['Gold'],
        }),
      },
      [{ name: 'openapi.yaml', text: PETSTORE_YAML }],
    ),
  });
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
  const apiId = imported.body.id;
  const rev = await call<{ id: string }>('POST', `${PUB}/apis/${apiId}/revisions`, { as: ADMIN, json: {} });
  await call('POST', `${PUB}/apis/${apiId}/deploy-revision?revisionId=${rev.body.id}`, {
    as: ADMIN,
    json: [{ name: 'Default' }],
  });
  expect(
    (await call('POST', `${PUB}/apis/change-lifecycle?apiId=${apiId}&action=Publish`, { as: ADMIN })).status,
  ).toBe(200);

  for (const user of [owner, other])
    expect((await call('POST', `${DEV}/me/sign-up`, { json: user })).status).toBe(201);
  const app = await call<{ applicationId: string }>('POST', `${DEV}/applications`, {
    as: owner,
    json: { name: 'OwnerApp', throttlingPolicy: 'Unlimited' },
  });
  appId = app.body.applicationId;
  const generated = await call<typeof keys>('POST', `${DEV}/applications/${appId}/generate-keys`, {
    as: owner,
    json: { keyType: 'SANDBOX', grantTypesToBeSupported: ['client_credentials'], validityTime: '900' },
  });
  expect(generated.status, JSON.stringify(generated.body)).toBe(200);
  keys = generated.body;
  const sub = await call('POST', `${DEV}/subscriptions`, {
    as: owner,
    json: { applicationId: appId, apiId, throttlingPolicy: 'Gold' },
  });
  expect(sub.status).toBe(201);
});
afterAll(async () => bed?.close());

const tokenPath = () => `${DEV}/applications/${appId}/oauth-keys/${keys.keyMappingId}/generate-token`;

describe('generate-token without the consumer secret', () => {
  it("gives the owner a token of the application's client with the scopes and validity asked for", async () => {
    const token = await call<Token>('POST', tokenPath(), {
      as: owner,
      json: { scopes: ['read:pets'], validityPeriod: 300 },
    });
    expect(token.status, JSON.stringify(token.body)).toBe(200);
    expect(token.body.tokenScopes).toEqual(['read:pets']);
    expect(token.body.validityTime).toBe(300);
    const { payload } = await jwtVerify(token.body.accessToken, createRemoteJWKSet(new URL(bed.km!.jwksUri)));
    expect(payload).toMatchObject({
      client_id: keys.consumerKey,
      keytype: 'SANDBOX',
      scope: 'read:pets',
      application: { id: appId, owner: owner.username },
    });
    expect(payload.exp! - payload.iat!).toBe(300);

    // the older path by key type, no scopes: the key's validity time
    const byType = await call<Token>('POST', `${DEV}/applications/${appId}/keys/SANDBOX/generate-token`, {
      as: owner,
      json: {},
    });
    expect(byType.status, JSON.stringify(byType.body)).toBe(200);
    expect(byType.body.validityTime).toBe(900);
  });

  it('refuses scopes that no API the application is subscribed to defines, naming them', async () => {
    const res = await call<Token>('POST', tokenPath(), {
      as: owner,
      json: { scopes: ['read:pets', 'apim:admin', 'nobody:knows'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.description).toBe(
      "Scopes 'apim:admin', 'nobody:knows' are not defined by an API this application is subscribed to",
    );
  });

  it("refuses anyone but the owner: an administrator (403), another developer (404, as every path of another's application)", async () => {
    const admin = await call<Token>('POST', tokenPath(), { as: ADMIN, json: { scopes: [] } });
    expect(admin.status).toBe(403);
    expect(admin.body.description).toMatch(/owner/);
    expect((await call('POST', tokenPath(), { as: other, json: {} })).status).toBe(404);
  });
});
