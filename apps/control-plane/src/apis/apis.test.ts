import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEventPayloads } from '@apim/contracts';
import {
  ADMIN,
  createUser,
  importForm,
  PETSTORE_YAML,
  restClient,
  startTestBed,
  type Caller,
  type TestBed,
} from '../test-support.js';

const BASE = '/api/am/publisher/v4';
let bed: TestBed;
let call: ReturnType<typeof restClient>;
let publisher: Caller;
let creator: Caller;

async function eventsAfter(id: bigint) {
  return bed.prisma.gatewayEvent.findMany({ where: { id: { gt: id } }, orderBy: { id: 'asc' } });
}
async function lastEventId() {
  return (await bed.prisma.gatewayEvent.findFirst({ orderBy: { id: 'desc' } }))?.id ?? 0n;
}

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
  publisher = await createUser(bed.prisma, 'pub', ['publisher']);
  creator = await createUser(bed.prisma, 'cre', ['creator']);
});
afterAll(async () => bed?.close());

async function importPetstore(context: string, version = '1.0.0', extra: Record<string, unknown> = {}) {
  const res = await call('POST', `${BASE}/apis/import-openapi`, {
    as: publisher,
    form: importForm(
      {
        additionalProperties: JSON.stringify({
          name: `Pets${context.replace(/\W/g, '')}`,
          context,
          version,
          policies: ['Gold', 'Silver'],
          ...extra,
        }),
      },
      [{ name: 'petstore.yaml', text: PETSTORE_YAML }],
    ),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as {
    id: string;
    operations: Array<{ verb: string; target: string; authType: string; scopes: string[] }>;
  };
}

describe('publisher API', () => {
  it('imports an OpenAPI document with its operations, auth settings and scopes', async () => {
    const api = await importPetstore('/pets');
    expect(api.operations.map((o) => `${o.verb} ${o.target}`).sort()).toEqual([
      'DELETE /pets/{petId}',
      'GET /health',
      'GET /pets',
      'GET /pets/{petId}',
      'POST /pets',
    ]);
    expect(api.operations.find((o) => o.target === '/health')?.authType).toBe('None');
    expect(api.operations.find((o) => o.verb === 'POST')?.scopes).toEqual(['write:pets']);
    const got = await call('GET', `${BASE}/apis/${api.id}`, { as: creator });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      name: 'Petspets',
      context: '/pets',
      version: '1.0.0',
      provider: 'pub',
      lifeCycleStatus: 'CREATED',
      policies: ['Gold', 'Silver'],
      endpointConfig: {
        endpoint_type: 'http',
        production_endpoints: { url: 'http://127.0.0.1:9/petstore/v1' },
      },
    });
  });

  it('creates a revision, deploys it and publishes, writing the gateway events in order', async () => {
    const api = await importPetstore('/orders');
    const before = await lastEventId();
    const rev = await call<{ id: string; displayName: string }>('POST', `${BASE}/apis/${api.id}/revisions`, {
      as: publisher,
      json: { description: 'first' },
    });
    expect(rev.status).toBe(201);
    expect(rev.body.displayName).toBe('Revision 1');
    const deployed = await call<unknown[]>(
      'POST',
      `${BASE}/apis/${api.id}/deploy-revision?revisionId=${rev.body.id}`,
      {
        as: publisher,
        json: [{ name: 'Default', vhost: 'localhost', displayOnDevportal: true }],
      },
    );
    expect(deployed.status).toBe(201);
    expect(deployed.body).toEqual([
      expect.objectContaining({ name: 'Default', vhost: 'localhost', revisionUuid: rev.body.id }),
    ]);
    const published = await call('POST', `${BASE}/apis/change-lifecycle?apiId=${api.id}&action=Publish`, {
      as: publisher,
    });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({
      workflowStatus: 'APPROVED',
      lifecycleState: { state: 'PUBLISHED' },
    });

    const events = await eventsAfter(before);
    expect(events.map((e) => e.type)).toEqual(['API_DEPLOYED', 'API_STATUS_CHANGED']);
    const deployedApi = (events[0]!.payload as unknown as GatewayEventPayloads['API_DEPLOYED']).api;
    expect(deployedApi).toMatchObject({
      id: api.id,
      context: '/orders',
      version: '1.0.0',
      environment: 'Default',
      vhost: 'localhost',
      revisionId: rev.body.id,
      lifecycleStatus: 'CREATED',
      subscriptionPolicies: ['Gold', 'Silver'],
    });
    expect(deployedApi.operations).toHaveLength(5);
    expect(events[1]!.payload).toEqual({ apiId: api.id, lifecycleStatus: 'PUBLISHED' });

    // a deployed revision cannot be deleted
    const del = await call('DELETE', `${BASE}/apis/${api.id}/revisions/${rev.body.id}`, { as: publisher });
    expect(del.status).toBe(409);
  });

  it('keeps at most five revisions', async () => {
    const api = await importPetstore('/limits');
    for (let i = 1; i <= 5; i++) {
      const r = await call('POST', `${BASE}/apis/${api.id}/revisions`, { as: publisher, json: {} });
      expect(r.status).toBe(201);
    }
    const sixth = await call('POST', `${BASE}/apis/${api.id}/revisions`, { as: publisher, json: {} });
    expect(sixth.status).toBe(400);
    expect(sixth.body.description).toMatch(/maximum of 5/);
    const list = await call<{ count: number; list: Array<{ id: string }> }>(
      'GET',
      `${BASE}/apis/${api.id}/revisions`,
      { as: publisher },
    );
    expect(list.body.count).toBe(5);
    const removed = await call('DELETE', `${BASE}/apis/${api.id}/revisions/${list.body.list[0]!.id}`, {
      as: publisher,
    });
    expect(removed.status).toBe(200);
    expect((await call('POST', `${BASE}/apis/${api.id}/revisions`, { as: publisher, json: {} })).status).toBe(
      201,
    );
  });

  it('follows the lifecycle: invalid transitions are refused, retiring undeploys and ends subscriptions', async () => {
    const api = await importPetstore('/life');
    const rev = await call<{ id: string }>('POST', `${BASE}/apis/${api.id}/revisions`, {
      as: publisher,
      json: {},
    });
    await call('POST', `${BASE}/apis/${api.id}/deploy-revision?revisionId=${rev.body.id}`, {
      as: publisher,
      json: [{ name: 'Default' }],
    });
    const wrong = await call('POST', `${BASE}/apis/change-lifecycle?apiId=${api.id}&action=Retire`, {
      as: publisher,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.description).toMatch(/not possible from the state CREATED/);
    const before = await lastEventId();
    for (const action of ['Publish', 'Block', 'Deprecate', 'Retire']) {
      const r = await call(
        'POST',
        `${BASE}/apis/change-lifecycle?apiId=${api.id}&action=${encodeURIComponent(action)}`,
        { as: publisher },
      );
      expect(r.status, action).toBe(200);
    }
    const events = await eventsAfter(before);
    expect(events.map((e) => [e.type, (e.payload as { lifecycleStatus?: string }).lifecycleStatus])).toEqual([
      ['API_STATUS_CHANGED', 'PUBLISHED'],
      ['API_STATUS_CHANGED', 'BLOCKED'],
      ['API_STATUS_CHANGED', 'DEPRECATED'],
      ['API_STATUS_CHANGED', 'RETIRED'],
      ['API_UNDEPLOYED', undefined],
    ]);
    const state = await call('GET', `${BASE}/apis/${api.id}/lifecycle-state`, { as: publisher });
    expect(state.body).toEqual({ state: 'RETIRED', availableTransitions: [] });
    expect((await call('GET', `${BASE}/apis/${api.id}/deployments`, { as: publisher })).body).toEqual([]);
  });

  it('copies an API to a new default version', async () => {
    const api = await importPetstore('/versions');
    const before = await lastEventId();
    const copy = await call<{
      id: string;
      version: string;
      isDefaultVersion: boolean;
      operations: unknown[];
    }>('POST', `${BASE}/apis/copy-api?apiId=${api.id}&newVersion=2.0.0&defaultVersion=true`, {
      as: publisher,
    });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ version: '2.0.0', isDefaultVersion: true });
    expect(copy.body.operations).toHaveLength(5);
    const events = await eventsAfter(before);
    expect(events.map((e) => [e.type, e.payload])).toEqual([
      ['API_DEFAULT_VERSION_CHANGED', { apiId: copy.body.id, context: '/versions', defaultVersion: '2.0.0' }],
    ]);
    const again = await call('POST', `${BASE}/apis/copy-api?apiId=${api.id}&newVersion=2.0.0`, {
      as: publisher,
    });
    expect(again.status).toBe(409);
  });

  it('creates an API from JSON and validates the body, naming the field', async () => {
    const missing = await call('POST', `${BASE}/apis`, {
      as: creator,
      json: { context: '/x', version: '1' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.description).toMatch(/'name' is required/);
    const badContext = await call('POST', `${BASE}/apis`, {
      as: creator,
      json: { name: 'X', context: 'no-slash', version: '1' },
    });
    expect(badContext.status).toBe(400);
    expect(badContext.body.description).toMatch(/'context'/);
    const badTier = await call('POST', `${BASE}/apis`, {
      as: creator,
      json: { name: 'X', context: '/x', version: '1', policies: ['Platinum'] },
    });
    expect(badTier.status).toBe(400);
    expect(badTier.body.description).toMatch(/Platinum/);
    const notJson = await fetch(`${bed.cp.url}${BASE}/apis`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain',
        authorization: `Basic ${Buffer.from('cre:cre-password').toString('base64')}`,
      },
      body: 'name=X',
    });
    expect(notJson.status).toBe(415);
    const brokenJson = await fetch(`${bed.cp.url}${BASE}/apis`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from('cre:cre-password').toString('base64')}`,
      },
      body: '{"name":',
    });
    expect(brokenJson.status).toBe(400);

    const created = await call<{ id: string; operations: unknown[]; securityScheme: string[] }>(
      'POST',
      `${BASE}/apis`,
      {
        as: creator,
        json: {
          name: 'Weather',
          context: '/weather',
          version: 'v1',
          tags: ['weather'],
          endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://127.0.0.1:9/w' } },
          operations: [{ target: '/forecast', verb: 'GET', authType: 'None' }],
        },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.operations).toHaveLength(1);
    expect(created.body.securityScheme).toEqual(['oauth2', 'oauth_basic_auth_api_key_mandatory']);
    const dup = await call('POST', `${BASE}/apis`, {
      as: creator,
      json: { name: 'Weather2', context: '/weather', version: 'v1' },
    });
    expect(dup.status).toBe(409);
    const renamed = await call('PUT', `${BASE}/apis/${created.body.id}`, {
      as: creator,
      json: { name: 'Other', context: '/weather', version: 'v1' },
    });
    expect(renamed.status).toBe(400);
    const updated = await call<{ tags: string[]; operations: unknown[] }>(
      'PUT',
      `${BASE}/apis/${created.body.id}`,
      {
        as: creator,
        json: { name: 'Weather', context: '/weather', version: 'v1', tags: ['sky'] },
      },
    );
    expect(updated.status).toBe(200);
    expect(updated.body.tags).toEqual(['sky']);
    expect(updated.body.operations).toHaveLength(1);
    // creators may not publish or delete
    expect(
      (
        await call('POST', `${BASE}/apis/change-lifecycle?apiId=${created.body.id}&action=Publish`, {
          as: creator,
        })
      ).status,
    ).toBe(403);
    expect((await call('DELETE', `${BASE}/apis/${created.body.id}`, { as: creator })).status).toBe(403);
    expect((await call('DELETE', `${BASE}/apis/${created.body.id}`, { as: publisher })).status).toBe(200);
    const audit = await bed.prisma.auditLog.findMany({
      where: { entityId: created.body.id },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => [a.action, a.actorName])).toEqual([
      ['createAPI', 'cre'],
      ['updateAPI', 'cre'],
      ['deleteAPI', 'pub'],
    ]);
    expect((await call('GET', `${BASE}/apis/${created.body.id}`, { as: publisher })).status).toBe(404);
  });

  it('searches and pages APIs', async () => {
    const page1 = await call<{
      count: number;
      list: Array<{ name: string }>;
      pagination: { total: number; next: string };
    }>('GET', `${BASE}/apis?limit=2&offset=0`, { as: ADMIN });
    expect(page1.status).toBe(200);
    expect(page1.body.count).toBe(2);
    expect(page1.body.pagination.total).toBeGreaterThan(2);
    expect(page1.body.pagination.next).toBe('/apis?limit=2&offset=2');
    const byContext = await call<{ list: Array<{ context: string }> }>(
      'GET',
      `${BASE}/apis?query=${encodeURIComponent('context:/orders')}`,
      { as: ADMIN },
    );
    expect(byContext.body.list.map((a) => a.context)).toEqual(['/orders']);
    const badLimit = await call('GET', `${BASE}/apis?limit=abc`, { as: ADMIN });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.description).toMatch(/limit/);
  });

  it('exports an API as OpenAPI with x-wso2 extensions, and serves its own OpenAPI document', async () => {
    const api = await importPetstore('/export');
    const doc = await call<Record<string, unknown>>('GET', `${BASE}/apis/${api.id}/swagger`, {
      as: publisher,
    });
    expect(doc.status).toBe(200);
    expect(doc.body['x-wso2-basePath']).toBe('/export/1.0.0');
    const paths = doc.body.paths as Record<string, Record<string, Record<string, unknown>>>;
    expect(paths['/health']!.get!['x-auth-type']).toBe('None');
    // write:pets, or this API's own copy of it when a Petstore imported before here owns it
    expect(paths['/pets']!.post!['x-scopes']).toEqual([expect.stringMatching(/^(petsexport:)?write:pets$/)]);
    // importing the export as a new version recreates the API's settings
    await call('PUT', `${BASE}/apis/${api.id}`, {
      as: publisher,
      json: {
        ...(await call('GET', `${BASE}/apis/${api.id}`, { as: publisher })).body,
        corsConfiguration: {
          corsConfigurationEnabled: true,
          accessControlAllowOrigins: ['https://app.example'],
        },
        securityScheme: ['api_key'],
        responseCachingEnabled: true,
        cacheTimeout: 60,
      },
    });
    const exported = await call('GET', `${BASE}/apis/${api.id}/swagger?format=yaml`, { as: publisher });
    expect(exported.headers.get('content-type')).toMatch(/yaml/);
    const reimported = await call<Record<string, unknown>>('POST', `${BASE}/apis/import-openapi`, {
      as: publisher,
      form: importForm({ additionalProperties: JSON.stringify({ name: 'ExportCopy', version: '2.0.0' }) }, [
        { name: 'export.yaml', text: exported.body as unknown as string },
      ]),
    });
    expect(reimported.status, JSON.stringify(reimported.body)).toBe(201);
    expect(reimported.body).toMatchObject({
      context: '/export',
      policies: ['Gold', 'Silver'],
      securityScheme: ['api_key'],
      corsConfiguration: {
        corsConfigurationEnabled: true,
        accessControlAllowOrigins: ['https://app.example'],
      },
      endpointConfig: { production_endpoints: { url: 'http://127.0.0.1:9/petstore/v1' } },
      responseCachingEnabled: true,
      cacheTimeout: 60,
    });
    expect((reimported.body.operations as unknown[]).length).toBe(5);
    // a cache timeout must be a positive number of seconds
    const current = (await call('GET', `${BASE}/apis/${api.id}`, { as: publisher })).body;
    const zero = await call<{ description: string }>('PUT', `${BASE}/apis/${api.id}`, {
      as: publisher,
      json: { ...current, cacheTimeout: 0 },
    });
    expect(zero.status).toBe(400);
    expect(zero.body.description).toMatch(/cacheTimeout/);
    const own = await call<{ openapi: string; paths: Record<string, unknown> }>(
      'GET',
      `${BASE}/openapi.json`,
    );
    expect(own.status).toBe(200);
    expect(own.body.openapi).toBe('3.1.0');
    expect(Object.keys(own.body.paths)).toContain('/apis/{apiId}/deploy-revision');
    const yaml = await fetch(`${bed.cp.url}${BASE}/openapi.yaml`);
    expect(yaml.headers.get('content-type')).toMatch(/yaml/);
  });

  it('blocks and unblocks subscriptions, and deprecated APIs take no new ones', async () => {
    const api = await importPetstore('/blocking');
    await call('POST', `${BASE}/apis/change-lifecycle?apiId=${api.id}&action=Publish`, { as: publisher });
    const dev = await createUser(bed.prisma, 'blockdev', ['subscriber']);
    const app = await call<{ applicationId: string }>('POST', '/api/am/devportal/v3/applications', {
      as: dev,
      json: { name: 'B', throttlingPolicy: 'Unlimited' },
    });
    const sub = await call<{ subscriptionId: string }>('POST', '/api/am/devportal/v3/subscriptions', {
      as: dev,
      json: { applicationId: app.body.applicationId, apiId: api.id, throttlingPolicy: 'Silver' },
    });
    expect(sub.status).toBe(201);
    const before = await lastEventId();
    const id = sub.body.subscriptionId;
    expect(
      (
        await call(
          'POST',
          `${BASE}/subscriptions/block-subscription?subscriptionId=${id}&blockState=PROD_ONLY_BLOCKED`,
          { as: creator },
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await call(
          'POST',
          `${BASE}/subscriptions/block-subscription?subscriptionId=${id}&blockState=PROD_ONLY_BLOCKED`,
          { as: publisher },
        )
      ).status,
    ).toBe(200);
    const listed = await call<{
      list: Array<{ subscriptionStatus: string; applicationInfo: { subscriber: string } }>;
    }>('GET', `${BASE}/subscriptions?apiId=${api.id}`, { as: creator });
    expect(listed.body.list).toEqual([
      expect.objectContaining({
        subscriptionStatus: 'PROD_ONLY_BLOCKED',
        applicationInfo: expect.objectContaining({ subscriber: 'blockdev' }),
      }),
    ]);
    expect(
      (
        await call('POST', `${BASE}/subscriptions/unblock-subscription?subscriptionId=${id}`, {
          as: publisher,
        })
      ).status,
    ).toBe(200);
    const events = await eventsAfter(before);
    expect(
      events.map((e) => (e.payload as { subscription: { status: string } }).subscription.status),
    ).toEqual(['PROD_ONLY_BLOCKED', 'UNBLOCKED']);

    await call('POST', `${BASE}/apis/change-lifecycle?apiId=${api.id}&action=Deprecate`, { as: publisher });
    const app2 = await call<{ applicationId: string }>('POST', '/api/am/devportal/v3/applications', {
      as: dev,
      json: { name: 'B2', throttlingPolicy: 'Unlimited' },
    });
    const late = await call('POST', '/api/am/devportal/v3/subscriptions', {
      as: dev,
      json: { applicationId: app2.body.applicationId, apiId: api.id, throttlingPolicy: 'Silver' },
    });
    expect(late.status).toBe(400);
    expect(late.body.description).toMatch(/DEPRECATED/);
    // the API cannot be deleted while subscribed
    expect((await call('DELETE', `${BASE}/apis/${api.id}`, { as: publisher })).status).toBe(409);
  });

  it('keeps API scopes with their role bindings, shared by the versions of one API only', async () => {
    const body = {
      name: 'Scoped',
      context: '/scoped',
      version: '1',
      scopes: [
        { scope: { name: 'scoped:read', displayName: 'Read', bindings: ['subscriber'] }, shared: false },
      ],
      operations: [{ target: '/things', verb: 'GET', scopes: ['scoped:read'] }],
    };
    const api = await call<{ id: string; scopes: unknown[] }>('POST', `${BASE}/apis`, {
      as: publisher,
      json: body,
    });
    expect(api.status).toBe(201);
    expect(api.body.scopes).toEqual([
      {
        scope: expect.objectContaining({
          name: 'scoped:read',
          displayName: 'Read',
          bindings: ['subscriber'],
        }),
        shared: false,
      },
    ]);
    const copy = await call<{ id: string; scopes: unknown[] }>(
      'POST',
      `${BASE}/apis/copy-api?apiId=${api.body.id}&newVersion=2`,
      { as: publisher },
    );
    expect(copy.body.scopes).toEqual(api.body.scopes);
    // the scope outlives the version that created it
    expect((await call('DELETE', `${BASE}/apis/${api.body.id}`, { as: publisher })).status).toBe(200);
    const survivor = await call<{ scopes: unknown[] }>('GET', `${BASE}/apis/${copy.body.id}`, {
      as: publisher,
    });
    expect(survivor.body.scopes).toEqual(api.body.scopes);
    const thief = await call('POST', `${BASE}/apis`, {
      as: publisher,
      json: { ...body, name: 'Other', context: '/other' },
    });
    expect(thief.status).toBe(400);
    // the owner named: the version that holds the scope since the first was deleted
    expect(thief.body.description).toMatch(/already used by another API: 'Scoped' \(2\)/);
    const shared = await call<{ id: string }>('POST', `${BASE}/scopes`, {
      as: publisher,
      json: { name: 'common:read', bindings: ['subscriber'] },
    });
    expect(shared.status).toBe(201);
    const usesShared = await call<{ scopes: Array<{ shared: boolean }> }>('POST', `${BASE}/apis`, {
      as: publisher,
      json: {
        name: 'Sharing',
        context: '/sharing',
        version: '1',
        scopes: [{ scope: { name: 'common:read' }, shared: true }],
        operations: [{ target: '/x', verb: 'GET', scopes: ['common:read'] }],
      },
    });
    expect(usesShared.status).toBe(201);
    expect(usesShared.body.scopes).toEqual([expect.objectContaining({ shared: true })]);
    expect((await call('DELETE', `${BASE}/scopes/${shared.body.id}`, { as: publisher })).status).toBe(409);
  });

  it('creates the scopes an imported document declares or requires, and exports them for the next import', async () => {
    const shared = await call<{ id: string }>('POST', `${BASE}/scopes`, {
      as: publisher,
      json: { name: 'common:audit', description: 'shared' },
    });
    expect(shared.status).toBe(201);
    const doc = {
      openapi: '3.0.3',
      info: { title: 'Orders', version: '1.0.0' },
      servers: [{ url: 'http://127.0.0.1:9/orders' }],
      paths: {
        '/orders': {
          get: {
            security: [{ oauth: ['orders:read', 'common:audit'] }],
            responses: { 200: { description: 'ok' } },
          },
          post: { security: [{ oauth: ['orders:write'] }], responses: { 201: { description: 'ok' } } },
        },
        // a scope named by a non-OAuth2 scheme only (OpenAPI 3.1 allows it)
        '/orders/{id}': {
          delete: { security: [{ bearer: ['orders:admin'] }], responses: { 204: { description: 'ok' } } },
        },
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          oauth: {
            type: 'oauth2',
            flows: {
              authorizationCode: {
                authorizationUrl: 'https://idp.example/authorize',
                tokenUrl: 'https://idp.example/token',
                scopes: { 'orders:read': 'Read orders', 'common:audit': 'Audit' },
              },
              clientCredentials: {
                tokenUrl: 'https://idp.example/token',
                scopes: { 'orders:write': 'Change orders', 'orders:unused': 'Declared only' },
                'x-scopes-bindings': { 'orders:write': 'publisher, admin' },
              },
            },
          },
        },
      },
    };
    const importDoc = (name: string, context: string, text = JSON.stringify(doc)) =>
      call<{ id: string; scopes: Array<{ scope: { name: string; bindings: string[] }; shared: boolean }> }>(
        'POST',
        `${BASE}/apis/import-openapi`,
        {
          as: publisher,
          form: importForm({
            inlineAPIDefinition: text,
            additionalProperties: JSON.stringify({ name, context }),
          }),
        },
      );
    const api = await importDoc('Orders', '/orders-scoped');
    expect(api.status, JSON.stringify(api.body)).toBe(201);
    const listed = (a: typeof api.body) =>
      Object.fromEntries(
        a.scopes.map((s) => [s.scope.name, { bindings: s.scope.bindings, shared: s.shared }]),
      );
    expect(listed(api.body)).toEqual({
      'common:audit': { bindings: [], shared: true },
      'orders:admin': { bindings: [], shared: false },
      'orders:read': { bindings: [], shared: false },
      'orders:unused': { bindings: [], shared: false },
      'orders:write': { bindings: ['publisher', 'admin'], shared: false },
    });
    const rows = await bed.prisma.scope.findMany({
      where: { name: { startsWith: 'orders:' } },
      orderBy: { name: 'asc' },
    });
    expect(rows.map((r) => [r.name, r.apiId, r.description])).toEqual([
      ['orders:admin', api.body.id, null],
      ['orders:read', api.body.id, 'Read orders'],
      ['orders:unused', api.body.id, 'Declared only'],
      ['orders:write', api.body.id, 'Change orders'],
    ]);
    expect((await bed.prisma.scope.findFirstOrThrow({ where: { name: 'common:audit' } })).apiId).toBeNull();

    // a second API importing the same names uses them as they are
    const again = await importDoc('OrdersToo', '/orders-too');
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(await bed.prisma.scope.count({ where: { name: { startsWith: 'orders:' } } })).toBe(4);

    // the export declares the scopes with their bindings (WSO2's `default` scheme)
    const full = (
      await call<Record<string, unknown>>('GET', `${BASE}/apis/${api.body.id}`, { as: publisher })
    ).body;
    await call('PUT', `${BASE}/apis/${api.body.id}`, {
      as: publisher,
      json: {
        ...full,
        scopes: [{ scope: { name: 'orders:read', description: 'Read orders', bindings: ['subscriber'] } }],
      },
    });
    type Flow = {
      tokenUrl: string;
      scopes: Record<string, string>;
      'x-scopes-bindings': Record<string, string>;
    };
    type Scheme = { type: string; flows: { clientCredentials: Flow } };
    const exported = await call<{ components: { securitySchemes: Record<string, Scheme> } }>(
      'GET',
      `${BASE}/apis/${api.body.id}/swagger`,
      { as: publisher },
    );
    const declared = exported.body.components.securitySchemes.default!;
    expect(declared.type).toBe('oauth2');
    expect(declared.flows.clientCredentials.tokenUrl).toBe('http://127.0.0.1:9/oauth2/token');
    expect(Object.keys(declared.flows.clientCredentials.scopes).sort()).toEqual([
      'common:audit',
      'orders:admin',
      'orders:read',
      'orders:unused',
      'orders:write',
    ]);
    expect(declared.flows.clientCredentials['x-scopes-bindings']).toMatchObject({
      'orders:read': 'subscriber',
      'orders:write': 'publisher,admin',
    });

    // deleting the API hands its scopes to the API that still uses them ...
    expect((await call('DELETE', `${BASE}/apis/${api.body.id}`, { as: publisher })).status).toBe(200);
    const heirs = await bed.prisma.scope.findMany({ where: { name: { startsWith: 'orders:' } } });
    expect(heirs.map((r) => r.apiId)).toEqual(heirs.map(() => again.body.id));
    // ... and once nobody uses them they go; importing the export recreates them with their bindings
    expect((await call('DELETE', `${BASE}/apis/${again.body.id}`, { as: publisher })).status).toBe(200);
    expect(await bed.prisma.scope.count({ where: { name: { startsWith: 'orders:' } } })).toBe(0);
    const restored = await importDoc('Orders', '/orders-scoped', JSON.stringify(exported.body));
    expect(restored.status, JSON.stringify(restored.body)).toBe(201);
    expect(listed(restored.body)).toMatchObject({
      'orders:read': { bindings: ['subscriber'], shared: false },
      'orders:write': { bindings: ['publisher', 'admin'], shared: false },
      'orders:unused': { bindings: [], shared: false },
    });

    // replacing the definition replaces the operations and brings the new document's scopes
    const refunds = {
      openapi: '3.0.3',
      info: { title: 'Orders', version: '1.0.0' },
      paths: {
        '/refunds': {
          post: { security: [{ oauth: ['orders:refund'] }], responses: { 201: { description: 'ok' } } },
        },
      },
      components: {
        securitySchemes: {
          oauth: {
            type: 'oauth2',
            flows: {
              clientCredentials: {
                tokenUrl: 'https://idp.example/token',
                scopes: { 'orders:refund': 'Refund orders' },
                'x-scopes-bindings': { 'orders:refund': 'admin' },
              },
            },
          },
        },
      },
    };
    const replaced = await call<{ paths: Record<string, unknown> }>(
      'PUT',
      `${BASE}/apis/${restored.body.id}/swagger`,
      { as: publisher, form: importForm({ apiDefinition: JSON.stringify(refunds) }) },
    );
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(Object.keys(replaced.body.paths)).toEqual(['/refunds']);
    const after = await call<typeof api.body & { operations: Array<{ target: string; scopes: string[] }> }>(
      'GET',
      `${BASE}/apis/${restored.body.id}`,
      { as: publisher },
    );
    expect(after.body.operations).toEqual([
      expect.objectContaining({ target: '/refunds', scopes: ['orders:refund'] }),
    ]);
    expect(listed(after.body)['orders:refund']).toEqual({ bindings: ['admin'], shared: false });
  });

  it('refuses an imported scope name that no token could carry, keeping nothing', async () => {
    const before = await bed.prisma.api.count();
    for (const name of ['read pets', 'apim:mine']) {
      const res = await call('POST', `${BASE}/apis/import-openapi`, {
        as: publisher,
        form: importForm({
          inlineAPIDefinition: JSON.stringify({
            openapi: '3.0.3',
            info: { title: 'Bad scope', version: '1' },
            paths: {
              '/x': { get: { security: [{ o: [name] }], responses: { 200: { description: 'ok' } } } },
            },
            components: {
              securitySchemes: {
                o: {
                  type: 'oauth2',
                  flows: {
                    clientCredentials: { tokenUrl: 'https://t.example/token', scopes: { [name]: 'x' } },
                  },
                },
              },
            },
          }),
        }),
      });
      expect(res.status, name).toBe(400);
      expect(res.body.description).toContain(name);
    }
    expect(await bed.prisma.api.count()).toBe(before);
    expect(await bed.prisma.scope.count({ where: { name: { in: ['read pets', 'apim:mine'] } } })).toBe(0);
  });

  it('keeps API documents, and shows API_LEVEL ones in the developer portal', async () => {
    const api = await importPetstore('/docs');
    const D = `${BASE}/apis/${api.id}/documents`;
    const guide = await call<{ documentId: string }>('POST', D, {
      as: creator,
      json: { name: 'Guide', type: 'HOWTO', sourceType: 'MARKDOWN', summary: 'how to' },
    });
    expect(guide.status).toBe(201);
    expect(
      (await call('POST', D, { as: creator, json: { name: 'Guide', type: 'HOWTO', sourceType: 'INLINE' } }))
        .status,
    ).toBe(409);
    const stored = await call('POST', `${D}/${guide.body.documentId}/content`, {
      as: creator,
      form: importForm({ inlineContent: '# Pets' }),
    });
    expect(stored.status).toBe(201);
    const file = await call<{ documentId: string }>('POST', D, {
      as: creator,
      json: { name: 'Spec', type: 'OTHER', sourceType: 'FILE', visibility: 'OWNER_ONLY' },
    });
    await call('POST', `${D}/${file.body.documentId}/content`, {
      as: creator,
      form: importForm({}, [{ name: 'evil.html', text: '<script>alert(1)</script>' }]),
    });
    const download = await fetch(`${bed.cp.url}${D}/${file.body.documentId}/content`, {
      headers: { authorization: `Basic ${Buffer.from('cre:cre-password').toString('base64')}` },
    });
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="evil.html"');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    const link = await call('POST', D, {
      as: creator,
      json: { name: 'Forum', type: 'PUBLIC_FORUM', sourceType: 'URL' },
    });
    expect(link.status).toBe(400);

    await call('POST', `${BASE}/apis/change-lifecycle?apiId=${api.id}&action=Publish`, { as: publisher });
    const portal = await call<{ list: Array<{ name: string }> }>(
      'GET',
      `/api/am/devportal/v3/apis/${api.id}/documents`,
    );
    expect(portal.body.list.map((d) => d.name)).toEqual(['Guide']);
    const text = await fetch(
      `${bed.cp.url}/api/am/devportal/v3/apis/${api.id}/documents/${guide.body.documentId}/content`,
    );
    expect(text.headers.get('content-type')).toMatch(/text\/markdown/);
    expect(await text.text()).toBe('# Pets');
    expect(
      (await call('GET', `/api/am/devportal/v3/apis/${api.id}/documents/${file.body.documentId}`)).status,
    ).toBe(404);
  });

  it('answers 401 without credentials, 404 for unknown ids and 405 for unknown methods', async () => {
    const anon = await call('GET', `${BASE}/apis`);
    expect(anon.status).toBe(401);
    expect(anon.body).toMatchObject({ code: 401, message: 'Unauthorized' });
    const wrongPassword = await call('GET', `${BASE}/apis`, { as: { username: 'pub', password: 'nope' } });
    expect(wrongPassword.status).toBe(401);
    expect((await call('GET', `${BASE}/apis/not-a-uuid`, { as: publisher })).status).toBe(404);
    expect(
      (await call('GET', `${BASE}/apis/00000000-0000-4000-8000-000000000000`, { as: publisher })).status,
    ).toBe(404);
    const patch = await call('PATCH', `${BASE}/apis`, { as: publisher });
    expect(patch.status).toBe(405);
    expect(patch.headers.get('allow')).toBe('GET, POST');
  });
});
