/**
 * The deployment status the publisher API answers is what the running gateways report: a real
 * control plane and real gateway nodes on a database of the test's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type RunningControlPlane } from '@apim/control-plane/testing';
import { createPrismaClient, type PrismaClient } from '@apim/db';
import { createLogger } from '@apim/service';
import {
  cleanupRedis,
  createTestDatabase,
  eventually,
  testRedisPrefix,
  testRedisUrl,
  TEST_ADMIN_PASSWORD,
  type TestDatabase,
} from '@apim/testing';
import { startGateway, type StartedGateway } from '../testing.js';
import { DeploymentReport } from './deployment-report.js';

const BASE = '/api/am/publisher/v4';
const INTERNAL_SECRET = 's'.repeat(40);
const AUTH = `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`;

let db: TestDatabase;
let prefix: string;
let prisma: PrismaClient;
let cp: RunningControlPlane;
let gw: StartedGateway;

interface GatewayReport {
  gatewayId: string;
  state: string;
  reason: string | null;
}
interface Deployment {
  name: string;
  revisionUuid: string;
  status: string;
  statusReason: string | null;
  gateways: GatewayReport[];
}

async function rest<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${cp.url}${BASE}${path}`, {
    method,
    headers: { authorization: AUTH, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** An API created, revised and deployed to Default through the publisher API. */
async function deployedApi(name: string, extra: Record<string, unknown> = {}) {
  const api = await rest<{ id: string }>('POST', '/apis', {
    name,
    context: `/${name.toLowerCase()}`,
    version: '1',
    endpointConfig: {
      endpoint_type: 'http',
      production_endpoints: { url: 'http://127.0.0.1:9/' },
    },
    operations: [{ target: '/*', verb: 'GET', authType: 'None' }],
    ...extra,
  });
  const revision = await rest<{ id: string }>('POST', `/apis/${api.id}/revisions`, {});
  await rest('POST', `/apis/${api.id}/deploy-revision?revisionId=${revision.id}`, [{ name: 'Default' }]);
  return { apiId: api.id, revisionId: revision.id };
}

const deploymentsOf = (apiId: string) => rest<Deployment[]>('GET', `/apis/${apiId}/deployments`);

beforeAll(async () => {
  db = await createTestDatabase();
  prefix = testRedisPrefix();
  prisma = createPrismaClient(db.url, { poolSize: 2 });
  cp = await startControlPlane({
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    keyManagerUrl: 'http://127.0.0.1:9',
    internalSecret: INTERNAL_SECRET,
  });
  gw = await startGateway({
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    keyManagerUrl: 'http://127.0.0.1:9',
    internalSecret: INTERNAL_SECRET,
    env: { APIM_GATEWAY_ID: 'gw-a' },
  });
});

afterAll(async () => {
  await gw?.close();
  await cp?.close();
  await prisma?.$disconnect();
  await db?.drop();
  await cleanupRedis(prefix);
});

describe('deployment status through the publisher API', () => {
  it('is DEPLOYED once every running gateway of the environment serves the revision', async () => {
    const { apiId, revisionId } = await deployedApi('Accepted');
    const [d] = await eventually(async () => {
      const list = await deploymentsOf(apiId);
      expect(list[0]?.status).toBe('DEPLOYED');
      return list;
    });
    expect(d).toMatchObject({ name: 'Default', revisionUuid: revisionId, statusReason: null });
    expect(d!.gateways).toEqual([expect.objectContaining({ gatewayId: 'gw-a', state: 'ACCEPTED' })]);
  });

  it("is FAILED with the gateway's reason when a gateway refuses the revision", async () => {
    const { apiId } = await deployedApi('Refused', {
      mediationPolicies: { request: [{ policyName: 'noSuchPolicy' }] },
    });
    const deployed = await eventually(async () => {
      const revisions = await rest<{ list: Array<{ deploymentInfo: Deployment[] }> }>(
        'GET',
        `/apis/${apiId}/revisions?query=deployed:true`,
      );
      const info = revisions.list[0]!.deploymentInfo[0]!;
      expect(info.status).toBe('FAILED');
      return info;
    });
    expect(deployed.statusReason).toMatch(/^Gateway gw-a refused the revision: transformation: /);
    expect(deployed.gateways[0]).toMatchObject({ gatewayId: 'gw-a', state: 'REFUSED' });
  });

  it('stays PENDING while another running node of the environment has not reported it', async () => {
    const silent = new DeploymentReport(
      prisma,
      { gatewayId: 'gw-silent', environment: 'Default' },
      createLogger('test', 'silent'),
    );
    silent.start();
    try {
      const { apiId } = await deployedApi('Waiting');
      await eventually(async () => {
        const [d] = await deploymentsOf(apiId);
        expect(d!.gateways).toContainEqual(expect.objectContaining({ gatewayId: 'gw-a', state: 'ACCEPTED' }));
        expect(d!.gateways).toContainEqual(
          expect.objectContaining({ gatewayId: 'gw-silent', state: 'PENDING' }),
        );
        expect(d!.status).toBe('PENDING');
        expect(d!.statusReason).toMatch(/Waiting for 1 of 2 gateways .*gw-silent has not reported/);
      });
    } finally {
      await silent.close();
    }
  });

  it("undeploying removes the gateways' rows", async () => {
    const { apiId, revisionId } = await deployedApi('Undeployed');
    await eventually(async () =>
      expect(await prisma.gatewayDeploymentStatus.count({ where: { apiId } })).toBe(1),
    );
    await rest('POST', `/apis/${apiId}/undeploy-revision?revisionId=${revisionId}&allEnvironments=true`, []);
    await eventually(async () =>
      expect(await prisma.gatewayDeploymentStatus.count({ where: { apiId } })).toBe(0),
    );
  });
});
