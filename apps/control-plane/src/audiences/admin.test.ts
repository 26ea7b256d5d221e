import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewaySnapshot } from '@apim/gateway-model';
import { ADMIN, createUser, restClient, startTestBed, type Caller, type TestBed } from '../test-support.js';

const A = '/api/am/admin/v4';
const D = '/api/am/devportal/v3';
let bed: TestBed;
let call: ReturnType<typeof restClient>;

async function lastEventId() {
  return (await bed.prisma.gatewayEvent.findFirst({ orderBy: { id: 'desc' } }))?.id ?? 0n;
}
async function eventsAfter(id: bigint) {
  return bed.prisma.gatewayEvent.findMany({ where: { id: { gt: id } }, orderBy: { id: 'asc' } });
}

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
});
afterAll(async () => bed?.close());

describe('throttling policies', () => {
  it('creates, changes and deletes an advanced policy with conditional groups, telling gateways', async () => {
    const before = await lastEventId();
    const policy = {
      policyName: 'Partners',
      description: 'more for partners',
      defaultLimit: {
        type: 'REQUESTCOUNTLIMIT',
        requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 100 },
      },
      conditionalGroups: [
        {
          description: 'office',
          conditions: [
            {
              type: 'IPCONDITION',
              ipCondition: { ipConditionType: 'IPRANGE', startingIP: '10.0.0.1', endingIP: '10.0.0.255' },
            },
            {
              type: 'HEADERCONDITION',
              invertCondition: true,
              headerCondition: { headerName: 'x-tier', headerValue: 'free' },
            },
          ],
          limit: {
            type: 'REQUESTCOUNTLIMIT',
            requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 1000 },
          },
        },
        {
          conditions: [
            { type: 'JWTCLAIMSCONDITION', jwtClaimsCondition: { claimUrl: 'org', attribute: '^acme$' } },
          ],
          limit: {
            type: 'BANDWIDTHLIMIT',
            bandwidth: { timeUnit: 'hour', unitTime: 1, dataAmount: 10, dataUnit: 'MB' },
          },
        },
      ],
    };
    const created = await call<{ policyId: string; conditionalGroups: unknown[] }>(
      'POST',
      `${A}/throttling/policies/advanced`,
      { as: ADMIN, json: policy },
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.conditionalGroups).toEqual([
      expect.objectContaining({
        conditions: policy.conditionalGroups[0]!.conditions.map((c) => expect.objectContaining(c)),
      }),
      expect.objectContaining({ limit: policy.conditionalGroups[1]!.limit }),
    ]);
    expect(
      (await call('POST', `${A}/throttling/policies/advanced`, { as: ADMIN, json: policy })).status,
    ).toBe(409);
    const badIp = await call('POST', `${A}/throttling/policies/advanced`, {
      as: ADMIN,
      json: {
        ...policy,
        policyName: 'X',
        conditionalGroups: [
          {
            conditions: [
              { type: 'IPCONDITION', ipCondition: { ipConditionType: 'IPSPECIFIC', specificIP: 'nope' } },
            ],
            limit: policy.defaultLimit,
          },
        ],
      },
    });
    expect(badIp.status).toBe(400);
    expect(String(badIp.body.description)).toMatch(/specificIP/);

    const updated = await call('PUT', `${A}/throttling/policies/advanced/${created.body.policyId}`, {
      as: ADMIN,
      json: { ...policy, conditionalGroups: [] },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.conditionalGroups).toEqual([]);
    expect(
      (await call('DELETE', `${A}/throttling/policies/advanced/${created.body.policyId}`, { as: ADMIN }))
        .status,
    ).toBe(200);

    const events = await eventsAfter(before);
    expect(events.map((e) => e.type)).toEqual(['POLICY_UPSERTED', 'POLICY_UPSERTED', 'POLICY_DELETED']);
    expect(events[0]!.payload).toMatchObject({
      policy: {
        type: 'ADVANCED',
        name: 'Partners',
        quotaType: 'REQUESTCOUNT',
        requestCount: 100,
        conditionalGroups: [
          {
            requestCount: 1000,
            conditions: [
              {
                type: 'IPRANGECONDITION',
                startingIp: '10.0.0.1',
                endingIp: '10.0.0.255',
                invertCondition: false,
              },
              { type: 'HEADERCONDITION', name: 'x-tier', value: 'free', invertCondition: true },
            ],
          },
          {
            quotaType: 'BANDWIDTH',
            dataAmount: 10,
            dataUnit: 'MB',
            conditions: [{ type: 'JWTCLAIMSCONDITION', name: 'org', value: '^acme$' }],
          },
        ],
      },
    });
    expect(events[2]!.payload).toEqual({ type: 'ADVANCED', name: 'Partners' });
  });

  it('keeps built-in and used policies, and burst control on subscription tiers', async () => {
    const list = await call<{ list: Array<{ policyId: string; policyName: string }> }>(
      'GET',
      `${A}/throttling/policies/subscription`,
      { as: ADMIN },
    );
    const gold = list.body.list.find((p) => p.policyName === 'Gold')!;
    expect(
      (await call('DELETE', `${A}/throttling/policies/subscription/${gold.policyId}`, { as: ADMIN })).status,
    ).toBe(409);
    const platinum = await call<{ policyId: string; rateLimitCount: number; rateLimitTimeUnit: string }>(
      'POST',
      `${A}/throttling/policies/subscription`,
      {
        as: ADMIN,
        json: {
          policyName: 'Platinum',
          defaultLimit: {
            type: 'REQUESTCOUNTLIMIT',
            requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 10000 },
          },
          rateLimitCount: 50,
          rateLimitTimeUnit: 'sec',
        },
      },
    );
    expect(platinum.status).toBe(201);
    expect(platinum.body).toMatchObject({ rateLimitCount: 50, rateLimitTimeUnit: 'sec' });
    await call('POST', '/api/am/publisher/v4/apis', {
      as: ADMIN,
      json: { name: 'UsesPlatinum', context: '/plat', version: '1', policies: ['Platinum'] },
    });
    const inUse = await call('DELETE', `${A}/throttling/policies/subscription/${platinum.body.policyId}`, {
      as: ADMIN,
    });
    expect(inUse.status).toBe(409);
    expect(String(inUse.body.description)).toMatch(/1 API/);
  });
});

describe('deny policies, environments, key managers', () => {
  it('manages deny policies with their events', async () => {
    const before = await lastEventId();
    const ip = await call<{ conditionId: string }>('POST', `${A}/throttling/deny-policies`, {
      as: ADMIN,
      json: { conditionType: 'IP', conditionValue: '192.0.2.7' },
    });
    expect(ip.status).toBe(201);
    const range = await call('POST', `${A}/throttling/deny-policies`, {
      as: ADMIN,
      json: {
        conditionType: 'IPRANGE',
        conditionValue: { startingIp: '198.51.100.0', endingIp: '198.51.100.255' },
      },
    });
    expect(range.status).toBe(201);
    expect(
      (
        await call('POST', `${A}/throttling/deny-policies`, {
          as: ADMIN,
          json: { conditionType: 'IP', conditionValue: 'x' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('PATCH', `${A}/throttling/deny-policy/${ip.body.conditionId}`, {
          as: ADMIN,
          json: { conditionStatus: false },
        })
      ).body,
    ).toMatchObject({
      conditionStatus: false,
    });
    expect(
      (await call('DELETE', `${A}/throttling/deny-policy/${ip.body.conditionId}`, { as: ADMIN })).status,
    ).toBe(200);
    const events = await eventsAfter(before);
    expect(events.map((e) => e.type)).toEqual([
      'DENY_POLICY_UPSERTED',
      'DENY_POLICY_UPSERTED',
      'DENY_POLICY_UPSERTED',
      'DENY_POLICY_DELETED',
    ]);
    expect(events[2]!.payload).toEqual({
      denyPolicy: {
        id: ip.body.conditionId,
        conditionType: 'IP',
        conditionValue: '192.0.2.7',
        enabled: false,
      },
    });
  });

  it('manages gateway environments; one with deployments cannot be deleted', async () => {
    const env = await call<{ id: string }>('POST', `${A}/environments`, {
      as: ADMIN,
      json: { name: 'eu', displayName: 'Europe', vhosts: [{ host: 'eu.gw.example', httpPort: 8280 }] },
    });
    expect(env.status).toBe(201);
    const api = await call<{ id: string }>('POST', '/api/am/publisher/v4/apis', {
      as: ADMIN,
      json: { name: 'EuApi', context: '/eu', version: '1' },
    });
    const rev = await call<{ id: string }>('POST', `/api/am/publisher/v4/apis/${api.body.id}/revisions`, {
      as: ADMIN,
      json: {},
    });
    const badVhost = await call(
      'POST',
      `/api/am/publisher/v4/apis/${api.body.id}/deploy-revision?revisionId=${rev.body.id}`,
      {
        as: ADMIN,
        json: [{ name: 'eu', vhost: 'other.example' }],
      },
    );
    expect(badVhost.status).toBe(400);
    const deployed = await call(
      'POST',
      `/api/am/publisher/v4/apis/${api.body.id}/deploy-revision?revisionId=${rev.body.id}`,
      {
        as: ADMIN,
        json: [{ name: 'eu' }],
      },
    );
    expect(deployed.status).toBe(201);
    expect((await call('DELETE', `${A}/environments/${env.body.id}`, { as: ADMIN })).status).toBe(409);
    const state = await loadGatewaySnapshot(bed.prisma, 'eu');
    expect(state.apis.map((a) => [a.id, a.vhost])).toEqual([[api.body.id, 'eu.gw.example']]);
    const undeployed = await call(
      'POST',
      `/api/am/publisher/v4/apis/${api.body.id}/undeploy-revision?revisionId=${rev.body.id}&allEnvironments=true`,
      {
        as: ADMIN,
        json: [],
      },
    );
    expect(undeployed.status).toBe(201);
    expect((await call('DELETE', `${A}/environments/${env.body.id}`, { as: ADMIN })).status).toBe(200);
  });
});

describe('users and workflows', () => {
  let dev: Caller;
  it('lets an admin create users, and self sign-up follow its setting', async () => {
    const created = await call<{ id: string; roles: string[] }>('POST', `${A}/users`, {
      as: ADMIN,
      json: { username: 'pat', password: 'pat-password', roles: ['creator', 'subscriber'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.roles).toEqual(['creator', 'subscriber']);
    expect(created.body).not.toHaveProperty('password');
    const stored = await bed.prisma.user.findUniqueOrThrow({ where: { username: 'pat' } });
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(
      (
        await call('POST', `${A}/users`, {
          as: ADMIN,
          json: { username: 'pat', password: 'x-password', roles: [] },
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await call('POST', `${A}/users`, {
          as: ADMIN,
          json: { username: 'q1', password: 'short', roles: [] },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', `${A}/users`, {
          as: ADMIN,
          json: { username: 'q2', password: 'long-enough', roles: ['wizard'] },
        })
      ).status,
    ).toBe(400);

    await call('PUT', `${A}/settings`, { as: ADMIN, json: { selfSignUp: { enabled: false } } });
    expect(
      (await call('POST', `${D}/me/sign-up`, { json: { username: 'eve', password: 'eve-password' } })).status,
    ).toBe(403);
    await call('PUT', `${A}/settings`, { as: ADMIN, json: { selfSignUp: { enabled: true } } });
    dev = await createUser(bed.prisma, 'wfdev', ['subscriber']);
  });

  it('holds applications and subscriptions for approval and applies decisions through the job queue', async () => {
    await call('PUT', `${A}/settings`, {
      as: ADMIN,
      json: { workflows: { APPLICATION_CREATION: true, SUBSCRIPTION_CREATION: true } },
    });
    const api = await call<{ id: string }>('POST', '/api/am/publisher/v4/apis', {
      as: ADMIN,
      json: { name: 'Wf', context: '/wf', version: '1', policies: ['Gold'] },
    });
    await call('POST', `/api/am/publisher/v4/apis/change-lifecycle?apiId=${api.body.id}&action=Publish`, {
      as: ADMIN,
    });

    const app = await call<{ applicationId: string; status: string }>('POST', `${D}/applications`, {
      as: dev,
      json: { name: 'Pending', throttlingPolicy: 'Unlimited' },
    });
    expect(app.body.status).toBe('CREATED');
    const early = await call('POST', `${D}/subscriptions`, {
      as: dev,
      json: { applicationId: app.body.applicationId, apiId: api.body.id, throttlingPolicy: 'Gold' },
    });
    expect(early.status).toBe(409);

    const pending = await call<{
      list: Array<{ externalWorkflowReference: string; referenceId: string; workflowType: string }>;
    }>('GET', `${A}/workflows?workflowType=AM_APPLICATION_CREATION`, { as: ADMIN });
    const wf = pending.body.list.find((w) => w.referenceId === app.body.applicationId)!;
    const before = await lastEventId();
    const approved = await call(
      'POST',
      `${A}/workflows/update-workflow-status?workflowReferenceId=${wf.externalWorkflowReference}`,
      {
        as: ADMIN,
        json: { status: 'APPROVED', description: 'ok' },
      },
    );
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ workflowStatus: 'APPROVED', description: 'ok' });
    expect(
      (await call('GET', `${D}/applications/${app.body.applicationId}`, { as: dev })).body,
    ).toMatchObject({ status: 'APPROVED' });
    const twice = await call(
      'POST',
      `${A}/workflows/update-workflow-status?workflowReferenceId=${wf.externalWorkflowReference}`,
      {
        as: ADMIN,
        json: { status: 'REJECTED' },
      },
    );
    expect(twice.status).toBe(409);

    const sub = await call<{ subscriptionId: string; status: string }>('POST', `${D}/subscriptions`, {
      as: dev,
      json: { applicationId: app.body.applicationId, apiId: api.body.id, throttlingPolicy: 'Gold' },
    });
    expect(sub.body.status).toBe('ON_HOLD');
    const subWf = await bed.prisma.workflow.findFirstOrThrow({
      where: { referenceId: sub.body.subscriptionId },
    });
    const rejected = await call(
      'POST',
      `${A}/workflows/update-workflow-status?workflowReferenceId=${subWf.id}`,
      { as: ADMIN, json: { status: 'REJECTED' } },
    );
    expect(rejected.status).toBe(200);
    expect(
      (await call('GET', `${D}/subscriptions/${sub.body.subscriptionId}`, { as: dev })).body,
    ).toMatchObject({ status: 'REJECTED' });

    const events = await eventsAfter(before);
    expect(events.map((e) => [e.type, JSON.stringify(e.payload).match(/"status":"(\w+)"/)?.[1]])).toEqual([
      ['APPLICATION_UPSERTED', 'APPROVED'],
      ['SUBSCRIPTION_UPSERTED', 'ON_HOLD'],
      ['SUBSCRIPTION_UPSERTED', 'REJECTED'],
    ]);
    await call('PUT', `${A}/settings`, {
      as: ADMIN,
      json: { workflows: { APPLICATION_CREATION: false, SUBSCRIPTION_CREATION: false } },
    });
  });
});
