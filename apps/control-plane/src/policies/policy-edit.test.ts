/**
 * The admin changes a throttling policy in place (WSO2's PUT): its limits change for everything
 * that uses it, gateways are told, and its name stays; a bad body changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, restClient, startTestBed, type TestBed } from '../test-support.js';

const A = '/api/am/admin/v4';

let bed: TestBed;
let call: ReturnType<typeof restClient>;

interface Policy {
  policyId: string;
  policyName: string;
  description: string;
  defaultLimit: { type: string; requestCount?: { requestCount: number; unitTime: number; timeUnit: string } };
  rateLimitCount?: number | null;
}

beforeAll(async () => {
  bed = await startTestBed();
  call = restClient(bed.cp.url, bed.cp.app.documents);
});
afterAll(async () => bed?.close());

describe('throttling policy edit', () => {
  it('changes the limits of a subscription policy and tells the gateways, keeping its name', async () => {
    const body = {
      policyName: 'Partner',
      description: '100 a minute',
      defaultLimit: {
        type: 'REQUESTCOUNTLIMIT',
        requestCount: { requestCount: 100, unitTime: 1, timeUnit: 'min' },
      },
    };
    const created = await call<Policy>('POST', `${A}/throttling/policies/subscription`, {
      as: ADMIN,
      json: body,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const url = `${A}/throttling/policies/subscription/${created.body.policyId}`;
    const before = (await bed.prisma.gatewayEvent.findFirst({ orderBy: { id: 'desc' } }))!.id;

    const edited = await call<Policy>('PUT', url, {
      as: ADMIN,
      json: {
        ...body,
        description: '500 a minute, bursts of 20 a second',
        defaultLimit: {
          type: 'REQUESTCOUNTLIMIT',
          requestCount: { requestCount: 500, unitTime: 1, timeUnit: 'min' },
        },
        rateLimitCount: 20,
        rateLimitTimeUnit: 'sec',
      },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({
      policyName: 'Partner',
      description: '500 a minute, bursts of 20 a second',
      defaultLimit: { requestCount: { requestCount: 500 } },
      rateLimitCount: 20,
    });
    const events = await bed.prisma.gatewayEvent.findMany({ where: { id: { gt: before } } });
    expect(events.map((e) => e.type)).toEqual(['POLICY_UPSERTED']);

    const renamed = await call<{ description: string }>('PUT', url, {
      as: ADMIN,
      json: { ...body, policyName: 'Platinum' },
    });
    expect(renamed.status).toBe(400);
    expect(renamed.body.description).toMatch(/name of a policy cannot be changed/);
    const negative = await call('PUT', url, {
      as: ADMIN,
      json: {
        ...body,
        defaultLimit: {
          type: 'REQUESTCOUNTLIMIT',
          requestCount: { requestCount: -1, unitTime: 1, timeUnit: 'min' },
        },
      },
    });
    expect(negative.status).toBe(400);
    const stored = await call<Policy>('GET', url, { as: ADMIN });
    expect(stored.body).toMatchObject({
      policyName: 'Partner',
      defaultLimit: { requestCount: { requestCount: 500 } },
    });
  });
});
