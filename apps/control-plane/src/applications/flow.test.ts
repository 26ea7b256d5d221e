/**
 * The whole path over HTTP with the real key manager: import Swagger Petstore v3, revise, deploy,
 * publish; a subscriber signs up, creates an application, generates keys, subscribes on Gold and
 * gets a token; the gateway event log holds the expected events in order.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { StartedKeyManager } from '@apim/key-manager/testing';
import { repoRoot } from '@apim/db';
import { ADMIN, importForm, PETSTORE_YAML, restClient, startTestBed, type TestBed } from '../test-support.js';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';
const petstore3 = path.resolve(repoRoot, '../shared/corpora/openapi/swagger-petstore3-openapi.yaml');

let km: StartedKeyManager;
let bed: TestBed;
let call: ReturnType<typeof restClient>;

beforeAll(async () => {
  bed = await startTestBed({ keyManager: true });
  km = bed.km!;
  call = restClient(bed.cp.url, bed.cp.app.documents);
});
afterAll(async () => bed?.close());

describe('publish, sign up, subscribe and get a token', () => {
  it('runs end to end and logs the gateway events in order', async () => {
    const startId = (await bed.prisma.gatewayEvent.findFirst({ orderBy: { id: 'desc' } }))?.id ?? 0n;
    const spec = existsSync(petstore3) ? readFileSync(petstore3, 'utf8') : PETSTORE_YAML;

    const imported = await call<{ id: string }>('POST', `${PUB}/apis/import-openapi`, {
      as: ADMIN,
      form: importForm(
        {
          additionalProperties: JSON.stringify({
            name: 'SwaggerPetstore',
            context: '/petstore',
            version: '1.0.0',
            policies: ['Gold', 'Bronze'],
          }),
        },
        [{ name: 'openapi.yaml', text: spec }],
      ),
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    const apiId = imported.body.id;
    const rev = await call<{ id: string }>('POST', `${PUB}/apis/${apiId}/revisions`, {
      as: ADMIN,
      json: { description: 'v1' },
    });
    expect(rev.status).toBe(201);
    expect(
      (
        await call('POST', `${PUB}/apis/${apiId}/deploy-revision?revisionId=${rev.body.id}`, {
          as: ADMIN,
          json: [{ name: 'Default' }],
        })
      ).status,
    ).toBe(201);
    expect(
      (await call('POST', `${PUB}/apis/change-lifecycle?apiId=${apiId}&action=Publish`, { as: ADMIN }))
        .status,
    ).toBe(200);

    // anonymous visitors see the published API; it names the gateway URL, not the backend
    const catalog = await call<{ list: Array<{ id: string }> }>(
      'GET',
      `${DEV}/apis?query=${encodeURIComponent('context:/petstore')}`,
    );
    expect(catalog.body.list.map((a) => a.id)).toEqual([apiId]);
    const doc = await call<{
      servers: Array<{ url: string }>;
      paths: Record<string, Record<string, { requestBody?: { content: object } }>>;
    }>('GET', `${DEV}/apis/${apiId}/swagger`);
    // the seeded environment's gateways listen on HTTP only: no HTTPS URL where nothing answers
    expect(doc.body.servers.map((s) => s.url)).toEqual(['http://localhost:8280/petstore/1.0.0']);
    // JSON first where an operation takes JSON and XML (stored as jsonb, the shorter key came first)
    expect(Object.keys(doc.body.paths['/pet']!.put!.requestBody!.content)[0]).toBe('application/json');
    expect(JSON.stringify(doc.body)).not.toContain('x-wso2-production-endpoints');
    // which key managers' tokens it takes, so a developer knows where to get keys
    const detail = await call<{
      keyManagers: string[];
      endpointURLs: Array<{ URLs: { http: string; https: string | null } }>;
    }>('GET', `${DEV}/apis/${apiId}`);
    expect(detail.body.keyManagers).toEqual(['all']);
    expect(detail.body.endpointURLs.map((e) => e.URLs)).toEqual([
      { http: 'http://localhost:8280/petstore/1.0.0', https: null },
    ]);

    const dev = { username: 'dana', password: 'dana-password-1' };
    const signUp = await call<{ roles: string[] }>('POST', `${DEV}/me/sign-up`, {
      json: { ...dev, email: 'dana@example.com' },
    });
    expect(signUp.status).toBe(201);
    expect(signUp.body.roles).toEqual(['subscriber']);
    expect((await call('POST', `${DEV}/me/sign-up`, { json: dev })).status).toBe(409);

    const app = await call<{ applicationId: string; status: string }>('POST', `${DEV}/applications`, {
      as: dev,
      json: { name: 'PetClient', throttlingPolicy: '50PerMin', tokenType: 'JWT' },
    });
    expect(app.status).toBe(201);
    expect(app.body.status).toBe('APPROVED');
    const appId = app.body.applicationId;

    const keys = await call<{
      keyMappingId: string;
      consumerKey: string;
      consumerSecret: string;
      supportedGrantTypes: string[];
    }>('POST', `${DEV}/applications/${appId}/generate-keys`, {
      as: dev,
      json: { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'], validityTime: '1800' },
    });
    expect(keys.status, JSON.stringify(keys.body)).toBe(200);
    expect(keys.body.consumerSecret).toBeTruthy();
    expect(keys.body.supportedGrantTypes).toEqual(['client_credentials']);
    const again = await call('POST', `${DEV}/applications/${appId}/generate-keys`, {
      as: dev,
      json: { keyType: 'PRODUCTION' },
    });
    expect(again.status).toBe(409);
    const listed = await call<{ list: Array<Record<string, unknown>> }>(
      'GET',
      `${DEV}/applications/${appId}/oauth-keys`,
      { as: dev },
    );
    expect(listed.body.list).toHaveLength(1);
    expect(listed.body.list[0]).not.toHaveProperty('consumerSecret');

    const sub = await call<{ subscriptionId: string; status: string }>('POST', `${DEV}/subscriptions`, {
      as: dev,
      json: { applicationId: appId, apiId, throttlingPolicy: 'Gold' },
    });
    expect(sub.status).toBe(201);
    expect(sub.body.status).toBe('UNBLOCKED');
    const wrongTier = await call('POST', `${DEV}/subscriptions`, {
      as: dev,
      json: { applicationId: appId, apiId, throttlingPolicy: 'Silver' },
    });
    expect(wrongTier.status).toBe(400);

    // the scopes the document declares were created by the import: tokens can carry them
    const token = await call<{ accessToken: string; validityTime: number; tokenScopes: string[] }>(
      'POST',
      `${DEV}/applications/${appId}/oauth-keys/${keys.body.keyMappingId}/generate-token`,
      { as: dev, json: { consumerSecret: keys.body.consumerSecret, scopes: ['write:pets', 'read:pets'] } },
    );
    expect(token.status, JSON.stringify(token.body)).toBe(200);
    expect(token.body.validityTime).toBe(1800);
    expect(token.body.tokenScopes.sort()).toEqual(['read:pets', 'write:pets']);
    const { payload } = await jwtVerify(token.body.accessToken, createRemoteJWKSet(new URL(km.jwksUri)), {
      issuer: km.issuer,
      audience: 'apim-gateway',
    });
    expect(String(payload.scope).split(' ').sort()).toEqual(['read:pets', 'write:pets']);
    expect(payload).toMatchObject({
      client_id: keys.body.consumerKey,
      keytype: 'PRODUCTION',
      application: { id: appId },
    });
    const badSecret = await call('POST', `${DEV}/applications/${appId}/keys/PRODUCTION/generate-token`, {
      as: dev,
      json: { consumerSecret: 'wrong' },
    });
    expect(badSecret.status).toBe(400);

    const events = await bed.prisma.gatewayEvent.findMany({
      where: { id: { gt: startId } },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => e.type)).toEqual([
      'API_DEPLOYED',
      'API_STATUS_CHANGED',
      'APPLICATION_UPSERTED',
      'KEY_MAPPING_UPSERTED',
      'SUBSCRIPTION_UPSERTED',
    ]);
    expect(events[2]!.payload).toMatchObject({
      application: { id: appId, ownerName: 'dana', throttlingPolicy: '50PerMin', status: 'APPROVED' },
    });
    expect(events[3]!.payload).toEqual({
      keyMapping: {
        consumerKey: keys.body.consumerKey,
        applicationId: appId,
        keyType: 'PRODUCTION',
        keyManager: 'Resident Key Manager',
      },
    });
    expect(events[4]!.payload).toMatchObject({
      subscription: { applicationId: appId, apiId, throttlingPolicy: 'Gold', status: 'UNBLOCKED' },
    });
  });

  it('regenerates secrets, issues and revokes API keys, removes keys and applications', async () => {
    const dev = { username: 'kim', password: 'kim-password-1' };
    expect((await call('POST', `${DEV}/me/sign-up`, { json: dev })).status).toBe(201);
    const app = await call<{ applicationId: string }>('POST', `${DEV}/applications`, {
      as: dev,
      json: { name: 'Keys', throttlingPolicy: 'Unlimited' },
    });
    const appId = app.body.applicationId;
    const sandbox = await call<{ keyMappingId: string; consumerKey: string; consumerSecret: string }>(
      'POST',
      `${DEV}/applications/${appId}/generate-keys`,
      {
        as: dev,
        json: {
          keyType: 'SANDBOX',
          grantTypesToBeSupported: ['client_credentials', 'authorization_code'],
          callbackUrl: 'https://app.example/cb',
        },
      },
    );
    expect(sandbox.status, JSON.stringify(sandbox.body)).toBe(200);
    const keyUrl = `${DEV}/applications/${appId}/oauth-keys/${sandbox.body.keyMappingId}`;

    const changed = await call<{
      supportedGrantTypes: string[];
      additionalProperties: Record<string, string>;
    }>('PUT', keyUrl, {
      as: dev,
      json: {
        supportedGrantTypes: ['client_credentials'],
        additionalProperties: { application_access_token_expiry_time: '600' },
      },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.supportedGrantTypes).toEqual(['client_credentials']);
    expect(changed.body.additionalProperties.application_access_token_expiry_time).toBe('600');

    const regenerated = await call<{ consumerSecret: string }>('POST', `${keyUrl}/regenerate-secret`, {
      as: dev,
    });
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.consumerSecret).not.toBe(sandbox.body.consumerSecret);
    const oldSecret = await call('POST', `${keyUrl}/generate-token`, {
      as: dev,
      json: { consumerSecret: sandbox.body.consumerSecret },
    });
    expect(oldSecret.status).toBe(400);
    const token = await call<{ accessToken: string; validityTime: number }>(
      'POST',
      `${keyUrl}/generate-token`,
      {
        as: dev,
        json: { consumerSecret: regenerated.body.consumerSecret },
      },
    );
    expect(token.status).toBe(200);
    expect(token.body.validityTime).toBe(600);

    const badIp = await call('POST', `${DEV}/applications/${appId}/api-keys/SANDBOX/generate`, {
      as: dev,
      json: { validityPeriod: 3600, additionalProperties: { permittedIP: 'not-an-ip' } },
    });
    expect(badIp.status).toBe(400);
    const apiKey = await call<{ apikey: string; keyName: string; validityTime: number }>(
      'POST',
      `${DEV}/applications/${appId}/api-keys/SANDBOX/generate`,
      {
        as: dev,
        json: {
          validityPeriod: 3600,
          additionalProperties: {
            permittedIP: '127.0.0.1, 10.0.0.0/8',
            permittedReferer: 'https://app.example/*',
          },
        },
      },
    );
    expect(apiKey.status, JSON.stringify(apiKey.body)).toBe(200);
    const { payload } = await jwtVerify(apiKey.body.apikey, createRemoteJWKSet(new URL(km.jwksUri)), {
      issuer: km.issuer,
    });
    expect(payload.jti).toBe(apiKey.body.keyName);
    const listedKeys = await call<{ list: Array<{ keyName: string; permittedIP: string }> }>(
      'GET',
      `${DEV}/applications/${appId}/api-keys/SANDBOX`,
      { as: dev },
    );
    expect(listedKeys.body.list).toEqual([
      expect.objectContaining({ keyName: apiKey.body.keyName, permittedIP: '127.0.0.1,10.0.0.0/8' }),
    ]);
    const before = (await bed.prisma.gatewayEvent.findFirst({ orderBy: { id: 'desc' } }))!.id;
    expect(
      (
        await call('POST', `${DEV}/applications/${appId}/api-keys/SANDBOX/revoke`, {
          as: dev,
          json: { apikey: apiKey.body.apikey },
        })
      ).status,
    ).toBe(200);
    const revokedEvents = await bed.prisma.gatewayEvent.findMany({ where: { id: { gt: before } } });
    expect(revokedEvents.map((e) => [e.type, (e.payload as { jti?: string }).jti])).toEqual([
      ['TOKEN_REVOKED', apiKey.body.keyName],
    ]);
    expect(
      (await call<{ list: unknown[] }>('GET', `${DEV}/applications/${appId}/api-keys/SANDBOX`, { as: dev }))
        .body.list,
    ).toEqual([]);

    expect((await call('POST', `${keyUrl}/clean-up`, { as: dev })).status).toBe(200);
    expect(await bed.prisma.oAuthClient.count({ where: { clientId: sandbox.body.consumerKey } })).toBe(0);
    const production = await call<{ consumerKey: string }>(
      'POST',
      `${DEV}/applications/${appId}/generate-keys`,
      { as: dev, json: { keyType: 'PRODUCTION' } },
    );
    expect(production.status).toBe(200);
    const beforeDelete = (await bed.prisma.gatewayEvent.findFirst({ orderBy: { id: 'desc' } }))!.id;
    expect((await call('DELETE', `${DEV}/applications/${appId}`, { as: dev })).status).toBe(200);
    const deleted = await bed.prisma.gatewayEvent.findMany({
      where: { id: { gt: beforeDelete } },
      orderBy: { id: 'asc' },
    });
    // the key manager revokes the deleted client's tokens after the application is gone
    expect(deleted.map((e) => e.type)).toEqual([
      'KEY_MAPPING_DELETED',
      'APPLICATION_DELETED',
      'CLIENT_TOKENS_REVOKED',
    ]);
    expect(await bed.prisma.oAuthClient.count({ where: { clientId: production.body.consumerKey } })).toBe(0);
  });

  it('accepts bearer tokens from the key manager, with the scopes of the token', async () => {
    const res = await fetch(`${km.url}/internal/v1/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${km.internalSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientName: 'cli', grantTypes: ['password'], allowPasswordGrant: true }),
    });
    const client = (await res.json()) as { clientId: string; clientSecret: string };
    const tokenFor = async (scope: string) => {
      const r = await fetch(`${km.url}/oauth2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'password',
          username: ADMIN.username,
          password: ADMIN.password,
          scope,
        }),
      });
      expect(r.status).toBe(200);
      return ((await r.json()) as { access_token: string }).access_token;
    };
    const viewOnly = await tokenFor('apim:api_view');
    const list = await fetch(`${bed.cp.url}${PUB}/apis`, {
      headers: { authorization: `Bearer ${viewOnly}` },
    });
    expect(list.status).toBe(200);
    const create = await fetch(`${bed.cp.url}${PUB}/apis`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewOnly}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'T', context: '/t', version: '1' }),
    });
    expect(create.status).toBe(403);
    const forged = await fetch(`${bed.cp.url}${PUB}/apis`, {
      headers: { authorization: `Bearer ${viewOnly.slice(0, -4)}AAAA` },
    });
    expect(forged.status).toBe(401);
    // a token revoked at the key manager is refused here too
    const revoke = await fetch(`${km.url}/oauth2/revoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token: viewOnly }),
    });
    expect(revoke.status).toBe(200);
    const afterRevoke = await fetch(`${bed.cp.url}${PUB}/apis`, {
      headers: { authorization: `Bearer ${viewOnly}` },
    });
    expect(afterRevoke.status).toBe(401);
  });
});
