import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../http/errors.js';
import type { DesiredObject } from '@apim/manifests';
import { ManifestRejected } from './reconcile.js';
import { apiObject, desired, startDeclarativeBed, type DeclarativeBed } from './test-bed.js';

let bed: DeclarativeBed;

beforeAll(async () => {
  bed = await startDeclarativeBed();
});
afterAll(async () => bed?.close());

const environment = (description: string) =>
  desired('Environment', 'edge', { name: 'edge', description, vhosts: [{ host: 'edge.example.com' }] });
const policy = (requestCount: number) =>
  desired('ThrottlingPolicy', 'subscription/Partner', {
    policyType: 'subscription',
    policyName: 'Partner',
    defaultLimit: { type: 'REQUESTCOUNTLIMIT', requestCount: { timeUnit: 'min', unitTime: 1, requestCount } },
  });
const keyManager = (audience: string) =>
  desired('KeyManager', 'partner-idp', {
    name: 'partner-idp',
    issuer: 'https://idp.example.com',
    certificates: { type: 'JWKS', value: 'https://idp.example.com/jwks' },
    audience,
    registrationToken: 'a-registration-token',
  });
const application = (throttlingPolicy: string) =>
  desired('Application', 'admin/shop', { name: 'shop', owner: 'admin', throttlingPolicy, keys: [] });
const subscription = (throttlingPolicy: string) =>
  desired('Subscription', 'admin/shop@billing:v1', {
    application: { name: 'shop', owner: 'admin' },
    api: { name: 'billing', version: 'v1' },
    throttlingPolicy,
  });
const billing = apiObject({ name: 'billing', lifecycleStatus: 'PUBLISHED', policies: ['Gold', 'Partner'] });

const set = (variant: 1 | 2): DesiredObject[] => [
  // out of order on purpose: the apply sorts them by what depends on what
  subscription(variant === 1 ? 'Gold' : 'Partner'),
  application(variant === 1 ? '10PerMin' : '20PerMin'),
  billing,
  keyManager(variant === 1 ? 'gateways' : 'apim-gateways'),
  policy(variant === 1 ? 100 : 200),
  environment(variant === 1 ? 'the edge' : 'the outer edge'),
];

describe('reconciling every kind', () => {
  it('creates each kind, changes nothing the second time, and updates what changed', async () => {
    const created = await bed.apply(set(1), { label: 'shop' });
    expect(created.objects.map((o) => [o.kind, o.action])).toEqual([
      ['Environment', 'create'],
      ['KeyManager', 'create'],
      ['ThrottlingPolicy', 'create'],
      ['API', 'create'],
      ['Application', 'create'],
      ['Subscription', 'create'],
    ]);
    const events = await bed.eventCount();
    const again = await bed.apply(set(1), { label: 'shop' });
    expect(again.changed).toBe(false);
    expect(again.objects.every((o) => o.action === 'unchanged' && o.changes?.length === 0)).toBe(true);
    expect(await bed.eventCount()).toBe(events);

    const updated = await bed.apply(set(2), { label: 'shop' });
    expect(updated.objects.map((o) => [o.kind, o.action, o.changes])).toEqual([
      ['Environment', 'update', [{ path: '/description', from: 'the edge', to: 'the outer edge' }]],
      ['KeyManager', 'update', [{ path: '/audience', from: 'gateways', to: 'apim-gateways' }]],
      [
        'ThrottlingPolicy',
        'update',
        [{ path: '/defaultLimit/requestCount/requestCount', from: 100, to: 200 }],
      ],
      ['API', 'unchanged', []],
      ['Application', 'update', [{ path: '/throttlingPolicy', from: '10PerMin', to: '20PerMin' }]],
      ['Subscription', 'update', [{ path: '/throttlingPolicy', from: 'Gold', to: 'Partner' }]],
    ]);
    const sub = await bed.prisma.subscription.findFirstOrThrow({ where: { api: { name: 'billing' } } });
    expect(sub.throttlingPolicy).toBe('Partner');
    expect(await bed.prisma.managedObject.count({ where: { label: 'shop' } })).toBe(6);
  });

  it('refuses the whole apply when one object is refused, naming it, and changes nothing', async () => {
    const events = await bed.eventCount();
    const bad = {
      ...desired('Application', 'admin/broken', {
        name: 'broken',
        owner: 'admin',
        throttlingPolicy: 'NoSuchTier',
        keys: [],
      }),
    };
    bad.source = { file: 'apps.yaml', index: 2 };
    const attempt = bed.apply([apiObject({ name: 'fine' }), bad]);
    await expect(attempt).rejects.toBeInstanceOf(ManifestRejected);
    await expect(attempt).rejects.toMatchObject({
      problems: [
        {
          file: 'apps.yaml',
          document: 2,
          pointer: '/spec',
          message: "Application admin/broken: 'NoSuchTier' is not an application throttling policy",
        },
      ],
    });
    expect(await bed.prisma.api.count({ where: { name: 'fine' } })).toBe(0);
    expect(await bed.eventCount()).toBe(events);
  });

  it('prunes what an earlier apply under the label made and this one no longer holds', async () => {
    const result = await bed.apply(
      set(2).filter((o) => o.target.kind !== 'Subscription' && o.target.kind !== 'Application'),
      { label: 'shop', prune: true },
    );
    expect(result.objects.filter((o) => o.action === 'delete').map((o) => o.kind)).toEqual([
      'Subscription',
      'Application',
    ]);
    expect(await bed.prisma.application.count({ where: { name: 'shop' } })).toBe(0);
    expect(await bed.prisma.managedObject.count({ where: { label: 'shop' } })).toBe(4);
  });

  it('deletes the named objects, refusing an API with subscriptions as the REST API does', async () => {
    await bed.apply([application('10PerMin'), subscription('Gold')]);
    await expect(bed.apply([billing], { mode: 'delete' })).rejects.toSatisfy(
      (e) => e instanceof HttpError && e.status === 409 && /subscription/.test(e.description),
    );
    const removed = await bed.apply([subscription('Gold'), application('10PerMin'), billing, policy(1)], {
      mode: 'delete',
    });
    expect(removed.objects.map((o) => [o.kind, o.action])).toEqual([
      ['Subscription', 'delete'],
      ['Application', 'delete'],
      ['API', 'delete'],
      ['ThrottlingPolicy', 'delete'],
    ]);
    expect(await bed.prisma.api.count({ where: { name: 'billing' } })).toBe(0);
    expect(await bed.prisma.managedObject.count({ where: { kind: 'API', name: 'billing:v1' } })).toBe(0);
  });
});
