/**
 * A subscription's tier changed by its developer: at once, or held as requested until an admin
 * approves it when tier changes need approval; and an API cannot be deleted while applications are
 * subscribed to it (the answer says how many), but can once they are gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createUser, restClient, startTestBed, type Caller, type TestBed } from '../test-support.js';

const PUB = '/api/am/publisher/v4';
const DEV = '/api/am/devportal/v3';
const ADM = '/api/am/admin/v4';

let bed: TestBed;
let call: ReturnType<typeof restClient>;
let dev: Caller;
let apiId: string;

interface Subscription {
  subscriptionId: string;
  applicationId: string;
  apiId: string;
  throttlingPolicy: string;
  requestedThrottlingPolicy: string | null;
  status: string;
}

async function subscribeNewApp(name: string): Promise<Subscription> {
  const app = await call<{ applicationId: string }>('POST', `${DEV}/applications`, {
    as: dev,
    json: { name, throttlingPolicy: 'Unlimited' },
  });
  const sub = await call<Subscription>('POST', `${DEV}/subscriptions`, {
    as: dev,
    json: { applicationId: app.body.applicationId, apiId, throttlingPolicy: 'Bronze' },
  });
  expect(sub.status, JSON.stringify(sub.body)).toBe(201);
  return sub.body;
}

function changeTier(s: Subscription, throttlingPolicy: string) {
  return call<Subscription>('PUT', `${DEV}/subscriptions/${s.subscriptionId}`, {
    as: dev,
    json: { applicationId: s.applicationId, apiId: s.apiId, throttlingPolicy },
  });
}

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
  dev = await createUser(bed.prisma, 'tierdev', ['subscriber']);
  const api = await call<{ id: string }>('POST', `${PUB}/apis`, {
    as: ADMIN,
    json: { name: 'Tiers', context: '/tiers', version: '1', policies: ['Gold', 'Silver', 'Bronze'] },
  });
  apiId = api.body.id;
  await call('POST', `${PUB}/apis/change-lifecycle?apiId=${apiId}&action=Publish`, { as: ADMIN });
});
afterAll(async () => bed?.close());

describe('subscription tier change', () => {
  it('moves the subscription to another of the API’s tiers at once when no approval is needed', async () => {
    const sub = await subscribeNewApp('Direct');
    const changed = await changeTier(sub, 'Gold');
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ throttlingPolicy: 'Gold', status: 'UNBLOCKED' });
    // a tier the API does not offer is refused, and nothing changes
    const refused = await changeTier(sub, 'Unlimited');
    expect(refused.status).toBe(400);
    const after = await call<Subscription>('GET', `${DEV}/subscriptions/${sub.subscriptionId}`, { as: dev });
    expect(after.body.throttlingPolicy).toBe('Gold');
  });

  it('holds the new tier as requested until an admin approves it, when tier changes need approval', async () => {
    await call('PUT', `${ADM}/settings`, { as: ADMIN, json: { workflows: { SUBSCRIPTION_UPDATE: true } } });
    const sub = await subscribeNewApp('Approved');
    const requested = await changeTier(sub, 'Silver');
    expect(requested.status).toBe(200);
    // still served on its tier while the request waits
    expect(requested.body).toMatchObject({
      throttlingPolicy: 'Bronze',
      requestedThrottlingPolicy: 'Silver',
      status: 'UNBLOCKED',
    });
    const pending = await call<{ list: Array<{ externalWorkflowReference: string; referenceId: string }> }>(
      'GET',
      `${ADM}/workflows?workflowType=AM_SUBSCRIPTION_UPDATE`,
      { as: ADMIN },
    );
    const wf = pending.body.list.find((w) => w.referenceId === sub.subscriptionId);
    expect(wf).toBeDefined();
    const approved = await call(
      'POST',
      `${ADM}/workflows/update-workflow-status?workflowReferenceId=${wf!.externalWorkflowReference}`,
      { as: ADMIN, json: { status: 'APPROVED' } },
    );
    expect(approved.status).toBe(200);
    const after = await call<Subscription>('GET', `${DEV}/subscriptions/${sub.subscriptionId}`, { as: dev });
    expect(after.body).toMatchObject({ throttlingPolicy: 'Silver', status: 'UNBLOCKED' });
    expect(after.body.requestedThrottlingPolicy ?? null).toBeNull();
    await call('PUT', `${ADM}/settings`, { as: ADMIN, json: { workflows: { SUBSCRIPTION_UPDATE: false } } });
  });
});

describe('deleting an API', () => {
  it('is refused while applications are subscribed, saying how many, and done once they are gone', async () => {
    const subs = await call<{ list: Subscription[] }>('GET', `${DEV}/subscriptions?apiId=${apiId}`, {
      as: dev,
    });
    expect(subs.body.list).toHaveLength(2);
    const refused = await call<{ description: string }>('DELETE', `${PUB}/apis/${apiId}`, { as: ADMIN });
    expect(refused.status).toBe(409);
    expect(refused.body.description).toBe(
      'The API cannot be deleted: 2 applications are subscribed: remove their subscriptions or retire the API',
    );
    expect((await call('GET', `${PUB}/apis/${apiId}`, { as: ADMIN })).status).toBe(200);

    await call('DELETE', `${DEV}/subscriptions/${subs.body.list[0]!.subscriptionId}`, { as: dev });
    const one = await call<{ description: string }>('DELETE', `${PUB}/apis/${apiId}`, { as: ADMIN });
    expect(one.body.description).toMatch(/: 1 application is subscribed:/);

    await call('DELETE', `${DEV}/subscriptions/${subs.body.list[1]!.subscriptionId}`, { as: dev });
    expect((await call('DELETE', `${PUB}/apis/${apiId}`, { as: ADMIN })).status).toBe(200);
    expect((await call('GET', `${PUB}/apis/${apiId}`, { as: ADMIN })).status).toBe(404);
  });
});
