import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Publisher } from '@apim/rest-contract';
import { ADMIN, restClient, startTestBed, type TestBed } from '../test-support.js';

const M = '/api/am/admin/v4/manifests';
let bed: TestBed;
let call: ReturnType<typeof restClient>;

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
});
afterAll(async () => bed?.close());

const httpbin = {
  apiVersion: 'gateway.kyma-project.io/v2',
  kind: 'APIRule',
  metadata: { name: 'httpbin', namespace: 'default' },
  spec: {
    hosts: ['httpbin.example.com'],
    service: { name: 'httpbin', namespace: 'default', port: 8000 },
    gateway: 'kyma-system/kyma-gateway',
    rules: [
      { path: '/headers', methods: ['GET'], noAuth: true },
      { path: '/{**}', methods: ['GET', 'POST'], noAuth: true, timeout: 20 },
    ],
  },
};
const pets = {
  apiVersion: 'apim.io/v1',
  kind: 'API',
  metadata: { name: 'pets', labels: { team: 'zoo' } },
  spec: {
    version: '1.0',
    context: '/pets',
    endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://127.0.0.1:9/pets' } },
    operations: [{ target: '/pets', verb: 'GET' }],
    deployments: [{ environment: 'Default' }],
  },
};
const documents = (...manifests: Array<Record<string, unknown>>) =>
  manifests.map((manifest, index) => ({ source: { file: 'app.yaml', index }, manifest }));

const post = (path: string, json: Admin.ManifestRequest) =>
  call<Admin.ManifestResult & { problems?: Admin.ManifestProblem[] }>('POST', `${M}/${path}`, {
    as: ADMIN,
    json,
  });

describe('the manifests REST API', () => {
  it('serves the JSON Schema of every kind', async () => {
    const { status, body } = await call('GET', `${M}/schemas`, { as: ADMIN });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(
      expect.arrayContaining([
        'gateway.kyma-project.io/v2/APIRule',
        'apim.io/v1/API',
        'apim.io/v1/Subscription',
      ]),
    );
  });

  it('refuses invalid documents among good ones, naming file, document and pointer, changing nothing', async () => {
    const broken = { ...httpbin, metadata: { name: 'broken' }, spec: { ...httpbin.spec, timeout: 5000 } };
    const { status, body } = await post('apply', { documents: documents(pets, broken) });
    expect(status).toBe(400);
    expect(body.problems).toEqual([
      expect.objectContaining({ file: 'app.yaml', document: 1, pointer: '/spec/timeout' }),
    ]);
    expect(await bed.prisma.api.count({ where: { name: 'pets' } })).toBe(0);
  });

  it('applies an APIRule and an API, answers their state, and shows who manages the API', async () => {
    const applied = await post('apply', {
      documents: documents(httpbin, pets),
      label: 'zoo',
      waitSeconds: 0,
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.objects).toEqual([
      expect.objectContaining({
        kind: 'APIRule',
        name: 'default/httpbin',
        action: 'create',
        state: 'Processing',
      }),
      expect.objectContaining({ kind: 'API', name: 'pets:1.0', action: 'create', state: 'Processing' }),
    ]);
    // no gateway runs in this test: the state says what it waits for
    expect(applied.body.objects[0]!.description).toMatch(/No gateway of environment 'Default' is running/);

    const rule = await bed.prisma.api.findUniqueOrThrow({
      where: { name_version: { name: 'default-httpbin', version: 'v2' } },
    });
    const api = await call<Publisher.API>('GET', `/api/am/publisher/v4/apis/${rule.id}`, { as: ADMIN });
    expect(api.body.hosts).toEqual(['httpbin.example.com']);
    expect(api.body.operations?.map((o) => `${o.verb} ${o.target}`)).toEqual([
      'GET /headers',
      'GET /{**}',
      'POST /{**}',
    ]);
    expect(api.body.managedBy).toMatchObject({
      kind: 'APIRule',
      name: 'default/httpbin',
      label: 'zoo',
      state: 'Processing',
    });

    const listed = await call<Admin.ManagedObjectList>('GET', `${M}?label=zoo`, { as: ADMIN });
    expect(listed.body.list.map((o) => `${o.kind} ${o.name} ${o.state}`)).toEqual([
      'API pets:1.0 Processing',
      'APIRule default/httpbin Processing',
    ]);

    const diff = await post('diff', { documents: documents(httpbin, pets) });
    expect(diff.body).toMatchObject({ changed: false, dryRun: true });
    const changed = structuredClone(httpbin);
    changed.spec.rules[1]!.timeout = 30;
    const diff2 = await post('diff', { documents: documents(changed) });
    expect(diff2.body.objects[0]).toMatchObject({
      action: 'update',
      changes: [
        { path: '/operations/1/rule/timeoutMs', from: 20_000, to: 30_000 },
        { path: '/operations/2/rule/timeoutMs', from: 20_000, to: 30_000 },
      ],
    });
    expect(await bed.prisma.apiRevision.count({ where: { apiId: rule.id } })).toBe(1);
  });

  it('exports what it applied; deleting and applying the export makes the same objects again', async () => {
    const exported = async () =>
      (
        await Promise.all(
          ['APIRule', 'API'].map(
            async (kind) =>
              (await call<Admin.ManifestExport>('GET', `${M}/export?kind=${kind}`, { as: ADMIN })).body
                .documents,
          ),
        )
      ).flat();
    const first = await exported();
    expect(first[0]).toEqual(httpbin);
    expect(
      first.find((d) => d.kind === 'API' && (d.metadata as { name: string }).name === 'pets'),
    ).toMatchObject({
      metadata: { name: 'pets', labels: { team: 'zoo' } },
      spec: {
        version: '1.0',
        context: '/pets',
        deployments: [{ environment: 'Default', vhost: 'localhost' }],
      },
    });
    const ours = first.filter(
      (d) => d.kind === 'APIRule' || (d.metadata as { name: string }).name === 'pets',
    );
    const removed = await post('delete', { documents: documents(...ours) });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body.objects.map((o) => o.action)).toEqual(['delete', 'delete']);
    expect(await bed.prisma.api.count({ where: { name: { in: ['pets', 'default-httpbin'] } } })).toBe(0);

    const again = await post('apply', { documents: documents(...ours), waitSeconds: 0 });
    expect(again.body.objects.map((o) => o.action)).toEqual(['create', 'create']);
    expect(await exported()).toEqual(first);
    expect((await post('diff', { documents: documents(...ours) })).body.changed).toBe(false);
  });
});
