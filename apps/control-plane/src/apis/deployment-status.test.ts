/**
 * A deployment's status from what gateway nodes wrote (the rows a gateway's deployment report
 * writes; apps/gateway/src/store/deployment-status.test.ts runs real gateways through the REST API).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '@apim/db';
import { createTestDatabase, type TestDatabase } from '@apim/testing';
import { deploymentStatuses, waitForDeployments } from './deployment-status.js';

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, { poolSize: 2 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

async function node(id: string, environment: string, lastSeenAt = new Date()) {
  await prisma.gatewayNode.create({ data: { id, environment, lastSeenAt } });
}

async function report(gatewayId: string, apiId: string, revisionId: string, state: string, reason?: string) {
  await prisma.gatewayDeploymentStatus.upsert({
    where: { gatewayId_apiId: { gatewayId, apiId } },
    create: { gatewayId, apiId, revisionId, state, reason: reason ?? null, updatedAt: new Date() },
    update: { revisionId, state, reason: reason ?? null },
  });
}

describe('deploymentStatuses', () => {
  it('answers PENDING naming the environment when none of its gateways is running', async () => {
    await node('gw-gone', 'Lonely', new Date(Date.now() - 60_000));
    await node('gw-elsewhere', 'Other');
    const d = { apiId: randomUUID(), revisionId: randomUUID(), environment: 'Lonely' };
    expect((await deploymentStatuses(prisma, [d]))(d)).toEqual({
      status: 'PENDING',
      statusReason: "No gateway of environment 'Lonely' is running",
      gateways: [],
    });
  });

  it('answers every deployment of a list from one query: DEPLOYED, FAILED, PENDING', async () => {
    await node('gw-1', 'Prod');
    await node('gw-2', 'Prod');
    const rev = randomUUID();
    const [served, refused, half, old] = Array.from({ length: 4 }, () => ({
      apiId: randomUUID(),
      revisionId: rev,
      environment: 'Prod',
    }));
    for (const g of ['gw-1', 'gw-2']) await report(g, served!.apiId, rev, 'ACCEPTED');
    await report('gw-1', refused!.apiId, rev, 'ACCEPTED');
    await report('gw-2', refused!.apiId, rev, 'REFUSED', 'transformation: must be array');
    await report('gw-1', half!.apiId, rev, 'ACCEPTED');
    for (const g of ['gw-1', 'gw-2']) await report(g, old!.apiId, randomUUID(), 'ACCEPTED');

    let statements = 0;
    const counted = prisma.$extends({
      query: {
        $allOperations: ({ args, query }) => {
          statements++;
          return query(args);
        },
      },
    }) as unknown as PrismaClient;
    const statusOf = await deploymentStatuses(counted, [served!, refused!, half!, old!]);
    expect(statements).toBe(1);

    expect(statusOf(served!)).toMatchObject({ status: 'DEPLOYED', statusReason: null });
    expect(statusOf(served!).gateways.map((g) => g.state)).toEqual(['ACCEPTED', 'ACCEPTED']);
    expect(statusOf(refused!)).toMatchObject({
      status: 'FAILED',
      statusReason: 'Gateway gw-2 refused the revision: transformation: must be array',
    });
    expect(statusOf(half!)).toMatchObject({
      status: 'PENDING',
      statusReason:
        "Waiting for 1 of 2 gateways of environment 'Prod' to serve the revision: gw-2 has not reported this revision yet",
    });
    expect(statusOf(old!).statusReason).toMatch(/gw-1 still serves another revision, gw-2 still serves/);
  });
});

describe('waitForDeployments', () => {
  it('resolves once every environment has its answer, and with PENDING at the timeout', async () => {
    await node('gw-wait', 'Waiting');
    const apiId = randomUUID();
    const revisionId = randomUUID();
    const pending = await waitForDeployments(prisma, apiId, revisionId, ['Waiting', 'Nowhere'], 300);
    expect(pending.Waiting!.status).toBe('PENDING');
    expect(pending.Nowhere!.statusReason).toBe("No gateway of environment 'Nowhere' is running");

    await prisma.gatewayNode.update({ where: { id: 'gw-wait' }, data: { lastSeenAt: new Date() } });
    const waiting = waitForDeployments(prisma, apiId, revisionId, ['Waiting'], 30_000);
    await report('gw-wait', apiId, revisionId, 'REFUSED', 'endpointConfig is invalid');
    expect(await waiting).toEqual({
      Waiting: expect.objectContaining({
        status: 'FAILED',
        statusReason: 'Gateway gw-wait refused the revision: endpointConfig is invalid',
      }),
    });
  });
});
