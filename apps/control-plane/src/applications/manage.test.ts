/**
 * A developer manages an application after creating it, with the real key manager: its name, tier
 * and description; the grant types and callback URL of its OAuth client; the API keys issued to it,
 * listed (what is kept of them, never the keys) and revoked one by one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, restClient, startTestBed, type Caller, type TestBed } from '../test-support.js';

const DEV = '/api/am/devportal/v3';

let bed: TestBed;
let call: ReturnType<typeof restClient>;
let dev: Caller;
let other: Caller;
let appId: string;

interface Application {
  applicationId: string;
  name: string;
  throttlingPolicy: string;
  description: string | null;
}

beforeAll(async () => {
  bed = await startTestBed({ keyManager: true });
  call = restClient(bed.cp.url, bed.cp.app.documents);
  dev = await createUser(bed.prisma, 'appdev', ['subscriber']);
  other = await createUser(bed.prisma, 'otherdev', ['subscriber']);
  const app = await call<Application>('POST', `${DEV}/applications`, {
    as: dev,
    json: { name: 'Mobile', throttlingPolicy: 'Unlimited', description: 'first' },
  });
  appId = app.body.applicationId;
});
afterAll(async () => bed?.close());

describe('application edit', () => {
  it('changes the name, tier and description; a bad tier or a taken name changes nothing', async () => {
    const edited = await call<Application>('PUT', `${DEV}/applications/${appId}`, {
      as: dev,
      json: { name: 'Mobile app', throttlingPolicy: '10PerMin', description: 'the phone client' },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({
      name: 'Mobile app',
      throttlingPolicy: '10PerMin',
      description: 'the phone client',
    });

    const badTier = await call('PUT', `${DEV}/applications/${appId}`, {
      as: dev,
      json: { name: 'Mobile app', throttlingPolicy: 'NoSuchTier' },
    });
    expect(badTier.status).toBe(400);
    await call('POST', `${DEV}/applications`, {
      as: dev,
      json: { name: 'Web', throttlingPolicy: 'Unlimited' },
    });
    const taken = await call('PUT', `${DEV}/applications/${appId}`, {
      as: dev,
      json: { name: 'Web', throttlingPolicy: 'Unlimited' },
    });
    expect(taken.status).toBe(409);
    const stored = await call<Application>('GET', `${DEV}/applications/${appId}`, { as: dev });
    expect(stored.body).toMatchObject({ name: 'Mobile app', throttlingPolicy: '10PerMin' });

    // nobody else's
    const foreign = await call('PUT', `${DEV}/applications/${appId}`, {
      as: other,
      json: { name: 'Mine now', throttlingPolicy: 'Unlimited' },
    });
    expect(foreign.status).toBe(404);
  });

  it("changes the grant types and callback URL of the application's OAuth client", async () => {
    const keys = await call<{ keyMappingId: string }>('POST', `${DEV}/applications/${appId}/generate-keys`, {
      as: dev,
      json: { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'] },
    });
    expect(keys.status, JSON.stringify(keys.body)).toBe(200);
    const url = `${DEV}/applications/${appId}/oauth-keys/${keys.body.keyMappingId}`;
    const changed = await call('PUT', url, {
      as: dev,
      json: {
        supportedGrantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
        callbackUrl: 'https://app.example/callback',
      },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const stored = await call<{ supportedGrantTypes: string[]; callbackUrl: string }>('GET', url, {
      as: dev,
    });
    expect(stored.body.supportedGrantTypes.slice().sort()).toEqual([
      'authorization_code',
      'client_credentials',
      'refresh_token',
    ]);
    expect(stored.body.callbackUrl).toBe('https://app.example/callback');

    const none = await call('PUT', url, { as: dev, json: { supportedGrantTypes: [] } });
    expect(none.status).toBe(400);
  });
});

describe('API keys of an application', () => {
  interface KeyInfo {
    keyUUID: string;
    keyName: string;
    keyType: string;
    lastCharacters: string | null;
    createdTime: string;
    expiresAt: string | null;
  }
  const list = async () =>
    (await call<{ list: KeyInfo[] }>('GET', `${DEV}/applications/${appId}/api-keys/PRODUCTION`, { as: dev }))
      .body.list;
  const issue = async (validityPeriod: number) => {
    const res = await call<{ apikey: string; keyName: string }>(
      'POST',
      `${DEV}/applications/${appId}/api-keys/PRODUCTION/generate`,
      { as: dev, json: { validityPeriod } },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  it('lists the issued keys (never the key) and revokes one by its id', async () => {
    const lasting = await issue(-1);
    const hourly = await issue(3600);
    const keys = await list();
    expect(keys.map((k) => [k.keyName, k.lastCharacters, k.keyType])).toEqual([
      [lasting.keyName, lasting.apikey.slice(-4), 'PRODUCTION'],
      [hourly.keyName, hourly.apikey.slice(-4), 'PRODUCTION'],
    ]);
    expect(keys[0]!.expiresAt).toBeNull();
    expect(Date.parse(keys[1]!.expiresAt!)).toBeGreaterThan(Date.parse(keys[1]!.createdTime));
    expect(JSON.stringify(keys)).not.toContain(lasting.apikey);

    const path = `${DEV}/applications/${appId}/api-keys/PRODUCTION/${keys[0]!.keyUUID}`;
    // another developer, or the wrong key type, finds no such key
    expect((await call('DELETE', path, { as: other })).status).toBe(404);
    expect((await call('DELETE', path.replace('/PRODUCTION/', '/SANDBOX/'), { as: dev })).status).toBe(404);
    expect(await list()).toHaveLength(2);

    const before = (await bed.prisma.gatewayEvent.findFirst({ orderBy: { id: 'desc' } }))!.id;
    expect((await call('DELETE', path, { as: dev })).status).toBe(200);
    const events = await bed.prisma.gatewayEvent.findMany({ where: { id: { gt: before } } });
    expect(events.map((e) => [e.type, (e.payload as { jti?: string }).jti])).toEqual([
      ['TOKEN_REVOKED', lasting.keyName],
    ]);
    expect((await list()).map((k) => k.keyName)).toEqual([hourly.keyName]);
    // revoking it again is not an error, and revokes nothing more
    expect((await call('DELETE', path, { as: dev })).status).toBe(200);
    expect(await bed.prisma.gatewayEvent.count({ where: { id: { gt: before } } })).toBe(1);
  });
});
