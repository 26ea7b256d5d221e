/**
 * WSO2's keyManagers of an API (whose tokens it accepts): the publisher's list of key managers,
 * validation, revisions, new versions, export and import, and the API gateways receive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESIDENT_KEY_MANAGER, type ApiSnapshot, type GatewayEventPayloads } from '@apim/contracts';
import type { Prisma } from '@apim/db';
import {
  ADMIN,
  createUser,
  importForm,
  restClient,
  startTestBed,
  type Caller,
  type TestBed,
} from '../test-support.js';

const BASE = '/api/am/publisher/v4';
let bed: TestBed;
let call: ReturnType<typeof restClient>;
let publisher: Caller;

interface ApiBody {
  id: string;
  version: string;
  keyManagers: string[];
  [key: string]: unknown;
}

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
  publisher = await createUser(bed.prisma, 'kmpub', ['publisher']);
  // an external key manager, registered by the admin with its issuer and JWKS (no discovery); the
  // admin API's answer is not checked against its document, which wants a wellKnownEndpoint string
  const km = await restClient(bed.cp.url)('POST', '/api/am/admin/v4/key-managers', {
    as: ADMIN,
    json: {
      name: 'corp-idp',
      displayName: 'Corp IdP',
      issuer: 'https://idp.corp.example',
      certificates: { type: 'JWKS', value: 'https://idp.corp.example/jwks' },
      audience: 'apim',
    },
  });
  expect(km.status, JSON.stringify(km.body)).toBe(201);
});
afterAll(async () => bed?.close());

async function createApi(context: string, extra: Record<string, unknown> = {}) {
  const res = await call<ApiBody>('POST', `${BASE}/apis`, {
    as: publisher,
    json: { name: `Km${context.replace(/\W/g, '')}`, context, version: '1.0.0', ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function put(api: { id: string }, patch: Record<string, unknown>) {
  const current = (await call<ApiBody>('GET', `${BASE}/apis/${api.id}`, { as: publisher })).body;
  return call<ApiBody & { description: string }>('PUT', `${BASE}/apis/${api.id}`, {
    as: publisher,
    json: { ...current, ...patch },
  });
}

describe('key managers of an API', () => {
  it('lists the key managers to publishers by name, display name, type and state only', async () => {
    const creator = await createUser(bed.prisma, 'kmcre', ['creator']);
    const subscriber = await createUser(bed.prisma, 'kmsub', ['subscriber']);
    for (const caller of [publisher, creator]) {
      const list = await call<{ count: number; list: Array<Record<string, unknown>> }>(
        'GET',
        `${BASE}/key-managers`,
        { as: caller },
      );
      expect(list.status).toBe(200);
      expect(list.body).toEqual({
        count: 2,
        list: [
          { name: RESIDENT_KEY_MANAGER, displayName: RESIDENT_KEY_MANAGER, type: 'default', enabled: true },
          { name: 'corp-idp', displayName: 'Corp IdP', type: 'custom', enabled: true },
        ],
      });
    }
    expect((await call('GET', `${BASE}/key-managers`, { as: subscriber })).status).toBe(403);
    expect((await call('GET', `${BASE}/key-managers`)).status).toBe(401);
  });

  it('accepts all key managers by default, or names of existing ones, and refuses anything else', async () => {
    const api = await createApi('/km-default');
    expect(api.keyManagers).toEqual(['all']);
    const named = await put(api, { keyManagers: [RESIDENT_KEY_MANAGER, 'corp-idp'] });
    expect(named.status, JSON.stringify(named.body)).toBe(200);
    expect(named.body.keyManagers).toEqual([RESIDENT_KEY_MANAGER, 'corp-idp']);
    expect(
      (await call<ApiBody>('GET', `${BASE}/apis/${api.id}`, { as: publisher })).body.keyManagers,
    ).toEqual([RESIDENT_KEY_MANAGER, 'corp-idp']);

    const refused: Array<[unknown, RegExp]> = [
      [[], /keyManagers/],
      [['all', 'corp-idp'], /\["all"\] alone/],
      [['corp-idp', 'nobody', 'Other'], /Unknown key managers in 'keyManagers': 'nobody', 'Other'/],
      [['corp-idp', 'corp-idp'], /keyManagers/],
      [[''], /keyManagers/],
      ['all', /keyManagers/],
    ];
    for (const [keyManagers, message] of refused) {
      const res = await put(api, { keyManagers });
      expect(res.status, JSON.stringify(keyManagers)).toBe(400);
      expect(res.body.description).toMatch(message);
    }
    // nothing refused was kept
    expect(
      (await call<ApiBody>('GET', `${BASE}/apis/${api.id}`, { as: publisher })).body.keyManagers,
    ).toEqual([RESIDENT_KEY_MANAGER, 'corp-idp']);
    const created = await call<{ description: string }>('POST', `${BASE}/apis`, {
      as: publisher,
      json: { name: 'KmUnknown', context: '/km-unknown', version: '1', keyManagers: ['ghost'] },
    });
    expect(created.status).toBe(400);
    expect(created.body.description).toMatch(/'ghost'/);
    // a name is exact: the display name or another case is not a key manager
    expect((await put(api, { keyManagers: ['Corp IdP'] })).status).toBe(400);
    expect((await put(api, { keyManagers: ['resident key manager'] })).status).toBe(400);
  });

  it('keeps them in revisions, sends them to gateways and restores them', async () => {
    const api = await createApi('/km-revisions', { keyManagers: ['corp-idp'] });
    const rev = await call<{ id: string }>('POST', `${BASE}/apis/${api.id}/revisions`, {
      as: publisher,
      json: {},
    });
    expect(rev.status).toBe(201);
    const row = await bed.prisma.apiRevision.findUniqueOrThrow({ where: { id: rev.body.id } });
    expect((row.snapshot as unknown as ApiSnapshot).keyManagers).toEqual(['corp-idp']);
    const before = (await bed.prisma.gatewayEvent.findFirst({ orderBy: { id: 'desc' } }))?.id ?? 0n;
    const deployed = await call('POST', `${BASE}/apis/${api.id}/deploy-revision?revisionId=${rev.body.id}`, {
      as: publisher,
      json: [{ name: 'Default' }],
    });
    expect(deployed.status).toBe(201);
    const [event] = await bed.prisma.gatewayEvent.findMany({ where: { id: { gt: before } } });
    expect(event!.type).toBe('API_DEPLOYED');
    expect((event!.payload as unknown as GatewayEventPayloads['API_DEPLOYED']).api.keyManagers).toEqual([
      'corp-idp',
    ]);

    // the working copy changes; restoring the revision brings its key managers back
    expect((await put(api, { keyManagers: ['all'] })).body.keyManagers).toEqual(['all']);
    const restored = await call<ApiBody>(
      'POST',
      `${BASE}/apis/${api.id}/restore-revision?revisionId=${rev.body.id}`,
      {
        as: publisher,
      },
    );
    expect(restored.status).toBe(201);
    expect(restored.body.keyManagers).toEqual(['corp-idp']);

    // a revision taken before revisions named key managers accepted all of them
    const { keyManagers: _dropped, ...older } = row.snapshot as unknown as ApiSnapshot;
    await bed.prisma.apiRevision.update({
      where: { id: rev.body.id },
      data: { snapshot: older as unknown as Prisma.InputJsonValue },
    });
    const restoredOlder = await call<ApiBody>(
      'POST',
      `${BASE}/apis/${api.id}/restore-revision?revisionId=${rev.body.id}`,
      { as: publisher },
    );
    expect(restoredOlder.body.keyManagers).toEqual(['all']);
  });

  it('gives a new version the key managers of the one it copies', async () => {
    const api = await createApi('/km-copy', { keyManagers: [RESIDENT_KEY_MANAGER] });
    const copy = await call<ApiBody>('POST', `${BASE}/apis/copy-api?apiId=${api.id}&newVersion=2.0.0`, {
      as: publisher,
    });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ version: '2.0.0', keyManagers: [RESIDENT_KEY_MANAGER] });
    // each version's key managers then change on their own
    expect((await put(copy.body, { keyManagers: ['corp-idp'] })).status).toBe(200);
    expect(
      (await call<ApiBody>('GET', `${BASE}/apis/${api.id}`, { as: publisher })).body.keyManagers,
    ).toEqual([RESIDENT_KEY_MANAGER]);
  });

  it('exports them as x-wso2-keymanagers and imports them back, refusing unknown names', async () => {
    const api = await createApi('/km-export', { keyManagers: [RESIDENT_KEY_MANAGER, 'corp-idp'] });
    const doc = await call<Record<string, unknown>>('GET', `${BASE}/apis/${api.id}/swagger`, {
      as: publisher,
    });
    expect(doc.body['x-wso2-keymanagers']).toEqual([RESIDENT_KEY_MANAGER, 'corp-idp']);
    const yaml = await call<string>('GET', `${BASE}/apis/${api.id}/swagger?format=yaml`, { as: publisher });
    const imported = await call<ApiBody>('POST', `${BASE}/apis/import-openapi`, {
      as: publisher,
      form: importForm({ additionalProperties: JSON.stringify({ name: 'KmExportCopy', version: '2.0.0' }) }, [
        { name: 'export.yaml', text: yaml.body },
      ]),
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.keyManagers).toEqual([RESIDENT_KEY_MANAGER, 'corp-idp']);
    // the caller's additionalProperties win over the document
    const overridden = await call<ApiBody>('POST', `${BASE}/apis/import-openapi`, {
      as: publisher,
      form: importForm(
        {
          additionalProperties: JSON.stringify({
            name: 'KmExportAll',
            version: '3.0.0',
            keyManagers: ['all'],
          }),
        },
        [{ name: 'export.yaml', text: yaml.body }],
      ),
    });
    expect(overridden.status, JSON.stringify(overridden.body)).toBe(201);
    expect(overridden.body.keyManagers).toEqual(['all']);
    // a document naming a key manager this installation does not have is refused, naming it
    const elsewhere = await call<{ description: string }>('POST', `${BASE}/apis/import-openapi`, {
      as: publisher,
      form: importForm({ additionalProperties: JSON.stringify({ name: 'KmElsewhere', version: '4.0.0' }) }, [
        {
          name: 'export.json',
          text: JSON.stringify({ ...doc.body, 'x-wso2-keymanagers': ['corp-idp', 'partner-idp'] }),
        },
      ]),
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.description).toMatch(/'partner-idp'/);
  });
});
