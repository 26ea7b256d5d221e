/**
 * A node's deployment report in the database: written in batches off the request path, kept in
 * memory through an outage and written again when the database returns, removed with the node.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GatewayApi } from '@apim/contracts';
import { createPrismaClient, type PrismaClient } from '@apim/db';
import { createLogger } from '@apim/service';
import { createTestDatabase, eventually, type TestDatabase } from '@apim/testing';
import { startTcpProxy, type TcpProxy } from '../test-support/tcp-proxy.js';
import { DeploymentReport } from './deployment-report.js';

let db: TestDatabase;
let prisma: PrismaClient;
let proxy: TcpProxy;
/** the report's own client, through a proxy the test can cut */
let proxied: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, { poolSize: 2 });
  const u = new URL(db.url);
  proxy = await startTcpProxy(u.hostname, Number(u.port || 5432));
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  proxied = createPrismaClient(u.toString(), { poolSize: 2 });
});

afterAll(async () => {
  await proxied?.$disconnect();
  await prisma?.$disconnect();
  await proxy?.close();
  await db?.drop();
});

const apiWith = (revisionId: string) => ({ id: randomUUID(), revisionId }) as GatewayApi;

async function rowsOf(gatewayId: string) {
  return prisma.gatewayDeploymentStatus.findMany({ where: { gatewayId } });
}

describe('DeploymentReport', () => {
  it('registers the node and writes a snapshot of 10,000 APIs in a few statements', async () => {
    let statements = 0;
    const counted = prisma.$extends({
      query: {
        $allOperations: ({ args, query }) => {
          statements++;
          return query(args);
        },
      },
    }) as unknown as PrismaClient;
    const report = new DeploymentReport(
      counted,
      { gatewayId: 'gw-many', environment: 'Default' },
      createLogger('test', 'silent'),
    );
    const revision = randomUUID();
    const apis = Array.from({ length: 10_000 }, () => apiWith(revision));
    for (const api of apis) report.accepted(api);
    report.refused(apis[0]!, 'schema-validation: must be object');
    report.start();
    await eventually(async () => expect(await rowsOf('gw-many')).toHaveLength(10_000));
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThan(10);
    const refused = await prisma.gatewayDeploymentStatus.findUniqueOrThrow({
      where: { gatewayId_apiId: { gatewayId: 'gw-many', apiId: apis[0]!.id } },
    });
    expect(refused).toMatchObject({ state: 'REFUSED', reason: 'schema-validation: must be object' });
    const node = await prisma.gatewayNode.findUniqueOrThrow({ where: { id: 'gw-many' } });
    expect(node.environment).toBe('Default');

    await report.close();
    expect(await prisma.gatewayNode.count({ where: { id: 'gw-many' } })).toBe(0);
    expect(await rowsOf('gw-many')).toHaveLength(0);
  });

  it('follows changes: a new revision, a removed API, a previous run of the same node', async () => {
    const stale = randomUUID();
    await prisma.gatewayNode.create({
      data: { id: 'gw-follow', environment: 'Default', lastSeenAt: new Date() },
    });
    await prisma.gatewayDeploymentStatus.create({
      data: {
        gatewayId: 'gw-follow',
        apiId: stale,
        revisionId: randomUUID(),
        state: 'ACCEPTED',
        updatedAt: new Date(),
      },
    });
    const report = new DeploymentReport(
      prisma,
      { gatewayId: 'gw-follow', environment: 'Default' },
      createLogger('test', 'silent'),
    );
    const kept = apiWith(randomUUID());
    const dropped = apiWith(randomUUID());
    report.accepted(kept);
    report.accepted(dropped);
    report.start();
    await eventually(async () =>
      expect((await rowsOf('gw-follow')).map((r) => r.apiId).sort()).toEqual([kept.id, dropped.id].sort()),
    );
    const next = { ...kept, revisionId: randomUUID() };
    report.refused(next, 'endpointConfig is invalid');
    report.removed(dropped.id);
    await eventually(async () =>
      expect(await rowsOf('gw-follow')).toEqual([
        expect.objectContaining({ apiId: kept.id, revisionId: next.revisionId, state: 'REFUSED' }),
      ]),
    );
    // the node's row removed while it runs (by hand, or by a node of the same name closing)
    await prisma.gatewayNode.delete({ where: { id: 'gw-follow' } });
    await eventually(async () => expect(await rowsOf('gw-follow')).toHaveLength(1), 15_000);
    await report.close();
  });

  it('keeps reporting in memory through a database outage, says so once, and writes it all when it returns', async () => {
    const logger = createLogger('test', 'silent');
    const warn = vi.spyOn(logger, 'warn');
    const report = new DeploymentReport(proxied, { gatewayId: 'gw-outage', environment: 'Default' }, logger);
    const first = apiWith(randomUUID());
    report.accepted(first);
    report.start();
    await eventually(async () => expect(await rowsOf('gw-outage')).toHaveLength(1));

    proxy.cut();
    const during = apiWith(randomUUID());
    report.accepted(during);
    report.removed(first.id);
    await eventually(() => expect(warn).toHaveBeenCalled());
    // rows the node had may vanish meanwhile (say, an operator's cleanup): they are written again
    await prisma.gatewayNode.delete({ where: { id: 'gw-outage' } });
    proxy.restore();
    await eventually(async () =>
      expect((await rowsOf('gw-outage')).map((r) => r.apiId)).toEqual([during.id]),
    );
    expect(warn).toHaveBeenCalledTimes(1);
    await report.close();
  });
});
