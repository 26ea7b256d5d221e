import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredObject } from '@apim/manifests';
import type { ReconcileRequest } from './reconcile.js';
import { apiObject, startDeclarativeBed, type DeclarativeBed } from './test-bed.js';

let bed: DeclarativeBed;

beforeAll(async () => {
  bed = await startDeclarativeBed();
});
afterAll(async () => bed?.close());

const apply = (objects: DesiredObject[], options: Partial<ReconcileRequest> = {}) =>
  bed.apply(objects, options);

async function counts(name: string) {
  const api = await bed.prisma.api.findUnique({ where: { name_version: { name, version: 'v1' } } });
  return {
    events: await bed.prisma.gatewayEvent.count(),
    revisions: api ? await bed.prisma.apiRevision.count({ where: { apiId: api.id } }) : 0,
    api,
  };
}

describe('reconciling APIs', () => {
  it('creates an API with one revision deployed, then changes nothing when applied again', async () => {
    const object = apiObject({ name: 'orders', operations: [{ target: '/orders', verb: 'GET' }] });
    const first = await apply([object]);
    expect(first.changed).toBe(true);
    expect(first.objects).toEqual([
      expect.objectContaining({ kind: 'API', name: 'orders:v1', action: 'create', state: 'Processing' }),
    ]);
    const after = await counts('orders');
    expect(after.revisions).toBe(1);
    expect(await bed.prisma.revisionDeployment.count({ where: { apiId: after.api!.id } })).toBe(1);

    const second = await apply([object]);
    expect(second).toMatchObject({ changed: false, objects: [{ action: 'unchanged', changes: [] }] });
    const again = await counts('orders');
    expect(again.events).toBe(after.events);
    expect(again.revisions).toBe(1);
  });

  it('takes one new revision for a changed API, naming the changed fields', async () => {
    const object = apiObject({ name: 'stock', operations: [{ target: '/stock', verb: 'GET' }] });
    await apply([object]);
    const before = await counts('stock');
    const changed = apiObject({
      name: 'stock',
      description: 'what we hold',
      operations: [{ target: '/stock', verb: 'GET', authType: 'None' }],
    });
    const result = await apply([changed]);
    expect(result.objects[0]).toMatchObject({
      action: 'update',
      changes: [
        { path: '/description', from: null, to: 'what we hold' },
        { path: '/operations/0/authType', from: 'Application & Application User', to: 'None' },
      ],
    });
    const after = await counts('stock');
    expect(after.revisions).toBe(before.revisions + 1);
    expect(after.api!.description).toBe('what we hold');
  });

  it('changes nothing on a dry run, yet answers what the apply would do', async () => {
    const before = await counts('catalog');
    const result = await apply([apiObject({ name: 'catalog' })], { dryRun: true });
    expect(result).toMatchObject({ changed: true, dryRun: true, objects: [{ action: 'create' }] });
    const after = await counts('catalog');
    expect(after.api).toBeNull();
    expect(after.events).toBe(before.events);
    expect(await bed.prisma.managedObject.count({ where: { name: 'catalog:v1' } })).toBe(0);
  });
});
