/**
 * The snapshot loader against real Postgres: an environment's snapshot holds each entity as the
 * event its row -> view function made says it, with the environment's vhosts and the revocations
 * still in force; a revision's content carries the scopes its operations require and its
 * certificates' holders. (The control plane's own test, apps/control-plane/src/model/gateway-views.test.ts, checks that
 * its operations' events replay to the same state.)
 */
import { randomUUID, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFingerprint, type GatewayEventPayloads, type GatewayEventType } from '@apim/contracts';
import { appendGatewayEvent, createPrismaClient, type Prisma, type PrismaClient } from '@apim/db';
import { createTestDatabase, selfSignedCertificate, type TestDatabase } from '@apim/testing';
import {
  gatewayApi,
  gatewayApplication,
  gatewayAuthorizer,
  gatewayDenyPolicy,
  gatewayIssuer,
  gatewayKeyMapping,
  gatewayPolicy,
  gatewayRevokedClient,
  gatewayRevokedToken,
  gatewaySubscription,
  loadGatewaySnapshot,
  takeApiSnapshot,
} from './index.js';

let db: TestDatabase;
let prisma: PrismaClient;
let adminId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, { poolSize: 2 });
  adminId = (await prisma.user.findUniqueOrThrow({ where: { username: 'admin' } })).id;
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

/** Writes an event in its own transaction, as the control plane would with the change. */
async function emit<K extends GatewayEventType>(
  write: (tx: Prisma.TransactionClient) => Promise<[K, GatewayEventPayloads[K]]>,
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const [type, payload] = await write(tx);
    await appendGatewayEvent(tx, type, payload);
  });
}

/** An API with its first revision deployed to `environment`. */
async function deployApi(environment: string, vhost: string) {
  await emit(async (tx) => {
    const name = `gm-${randomUUID().slice(0, 8)}`;
    const api = await tx.api.create({
      data: {
        name,
        context: `/${name}`,
        version: '1.0.0',
        providerId: adminId,
        lifecycleStatus: 'PUBLISHED',
        endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://127.0.0.1:9' } },
        securitySchemes: ['oauth2'],
        subscriptionPolicies: ['Unlimited'],
        operations: { create: { verb: 'GET', target: '/*', position: 0 } },
      },
    });
    const { snapshot } = (await takeApiSnapshot(tx, api.id))!;
    const revision = await tx.apiRevision.create({
      data: { apiId: api.id, revisionNumber: 1, snapshot: snapshot as unknown as Prisma.InputJsonValue },
    });
    const env = await tx.gatewayEnvironment.findUniqueOrThrow({ where: { name: environment } });
    await tx.revisionDeployment.create({
      data: { apiId: api.id, revisionId: revision.id, environmentId: env.id, vhost },
    });
    const view = gatewayApi(
      snapshot,
      { revisionId: revision.id, environment, vhost },
      { lifecycleStatus: api.lifecycleStatus, isDefaultVersion: api.isDefaultVersion },
    );
    return ['API_DEPLOYED', { api: view }];
  });
}

/** The payloads of the events of `type` in the log, as gateways read them. */
async function payloads<K extends GatewayEventType>(type: K): Promise<Array<GatewayEventPayloads[K]>> {
  const events = await prisma.gatewayEvent.findMany({ where: { type }, orderBy: { id: 'asc' } });
  return events.map((e) => e.payload as unknown as GatewayEventPayloads[K]);
}

describe('takeApiSnapshot', () => {
  it("takes the scopes the API's operations require, with their roles, and its certificates' holders", async () => {
    await prisma.scope.createMany({
      data: [
        { name: 'gm:write', roles: ['creator'] },
        { name: 'gm:read', roles: [] },
        { name: 'gm:unused', roles: ['admin'] },
      ],
    });
    const partner = new X509Certificate(selfSignedCertificate('partner').cert);
    const api = await prisma.api.create({
      data: {
        name: 'certified',
        context: '/certified',
        version: '1.0.0',
        providerId: adminId,
        endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'http://127.0.0.1:9' } },
        securitySchemes: ['mutualssl'],
        operations: {
          create: [
            { verb: 'POST', target: '/w', scopes: ['gm:write', 'gm:read'], position: 0 },
            { verb: 'GET', target: '/r', scopes: ['gm:read'], position: 1 },
          ],
        },
        clientCertificates: {
          create: {
            alias: 'partner',
            certificate: partner.toString(),
            fingerprint: certificateFingerprint(partner.fingerprint256),
            tier: 'Unlimited',
            notBefore: new Date(partner.validFrom),
            notAfter: new Date(partner.validTo),
          },
        },
      },
    });
    const taken = await prisma.$transaction((tx) => takeApiSnapshot(tx, api.id));
    expect(taken!.api.id).toBe(api.id);
    const { snapshot } = taken!;
    expect(snapshot.providerName).toBe('admin');
    expect(snapshot.operations.map((o) => [o.verb, o.target, o.scopes])).toEqual([
      ['POST', '/w', ['gm:write', 'gm:read']],
      ['GET', '/r', ['gm:read']],
    ]);
    expect(snapshot.scopes).toEqual([
      { name: 'gm:read', roles: [] },
      { name: 'gm:write', roles: ['creator'] },
    ]);
    expect(snapshot.clientCertificates).toEqual([
      {
        alias: 'partner',
        fingerprint: certificateFingerprint(partner.fingerprint256),
        tier: 'Unlimited',
        keyType: 'PRODUCTION',
        userName: 'partner',
        notBefore: new Date(partner.validFrom).toISOString(),
        notAfter: new Date(partner.validTo).toISOString(),
      },
    ]);
    expect(snapshot.keyManagers).toEqual(['all']);
    expect(await prisma.$transaction((tx) => takeApiSnapshot(tx, randomUUID()))).toBeNull();
  });
});

describe('loadGatewaySnapshot', () => {
  it("holds each entity of the environment as its event says it, with the environment's vhosts and the revocations in force", async () => {
    await prisma.gatewayEnvironment.create({
      data: {
        name: 'eu',
        displayName: 'EU',
        vhosts: [{ host: 'eu.gw.example' }, { host: 'eu2.gw.example' }],
      },
    });
    await deployApi('Default', 'localhost');
    await deployApi('eu', 'eu2.gw.example');
    let applicationId = '';
    await emit(async (tx) => {
      const row = await tx.application.create({
        data: { name: 'gm-app', ownerId: adminId, throttlingPolicy: 'Unlimited', status: 'APPROVED' },
        include: { owner: true },
      });
      applicationId = row.id;
      return ['APPLICATION_UPSERTED', { application: gatewayApplication(row) }];
    });
    await emit(async (tx) => {
      const row = await tx.applicationKey.create({
        data: {
          applicationId,
          keyType: 'PRODUCTION',
          consumerKey: randomUUID(),
          keyManager: 'Resident Key Manager',
        },
      });
      return ['KEY_MAPPING_UPSERTED', { keyMapping: gatewayKeyMapping(row) }];
    });
    const [defaultApi] = await payloads('API_DEPLOYED');
    await emit(async (tx) => {
      const row = await tx.subscription.create({
        data: {
          applicationId,
          apiId: defaultApi!.api.id,
          throttlingPolicy: 'Unlimited',
          status: 'UNBLOCKED',
        },
      });
      return ['SUBSCRIPTION_UPSERTED', { subscription: gatewaySubscription(row) }];
    });
    await emit(async (tx) => {
      const p = await tx.throttlingPolicy.create({
        data: {
          type: 'ADVANCED',
          name: 'gm-policy',
          quotaType: 'REQUESTCOUNT',
          requestCount: 5,
          unitTime: 1,
          timeUnit: 'min',
        },
      });
      for (const position of [1, 0])
        await tx.conditionalGroup.create({
          data: {
            policyId: p.id,
            position,
            conditions: [
              { type: 'HEADERCONDITION', invertCondition: false, name: 'x-tier', value: `t${position}` },
            ],
            quotaType: 'REQUESTCOUNT',
            requestCount: position + 1,
            unitTime: 1,
            timeUnit: 'min',
          },
        });
      const row = await tx.throttlingPolicy.findUniqueOrThrow({
        where: { id: p.id },
        include: { conditionalGroups: true },
      });
      return ['POLICY_UPSERTED', { policy: gatewayPolicy(row) }];
    });
    await emit(async (tx) => {
      const row = await tx.denyPolicy.create({ data: { conditionType: 'IP', conditionValue: '192.0.2.1' } });
      return ['DENY_POLICY_UPSERTED', { denyPolicy: gatewayDenyPolicy(row) }];
    });
    await emit(async (tx) => {
      const row = await tx.trustedIssuer.create({
        data: {
          name: 'gm-idp',
          issuer: 'https://idp.example',
          jwksUrl: 'https://idp.example/jwks',
          audience: 'apim-gateway',
          algorithms: ['RS256'],
          claimMappings: { scopesClaim: 'scp', groups: 'roles' },
        },
      });
      return ['ISSUER_UPSERTED', { issuer: gatewayIssuer(row) }];
    });
    await emit(async (tx) => {
      const row = await tx.externalAuthorizer.create({
        data: {
          name: 'gm-authz',
          url: 'http://authz.example/check',
          headersToSend: ['x-user'],
          headersToPassBack: ['x-auth-user'],
        },
      });
      return ['AUTHORIZER_UPSERTED', { authorizer: gatewayAuthorizer(row) }];
    });
    const live = new Date(Date.now() + 3_600_000);
    for (const [jti, expiresAt] of [
      ['gm-live', live],
      ['gm-expired', new Date(Date.now() - 1000)],
    ] as const)
      await emit(async (tx) => [
        'TOKEN_REVOKED',
        gatewayRevokedToken(await tx.revokedToken.create({ data: { jti, expiresAt } })),
      ]);
    const revokedBefore = new Date();
    await emit(async (tx) => [
      'CLIENT_TOKENS_REVOKED',
      gatewayRevokedClient(await tx.revokedClient.create({ data: { clientId: 'gm-client', revokedBefore } })),
    ]);

    const s = await loadGatewaySnapshot(prisma, 'Default');
    expect(s.lastEventId).toBe((await prisma.gatewayEvent.findFirst({ orderBy: { id: 'desc' } }))!.id);
    const defaultHosts = (
      (await prisma.gatewayEnvironment.findUniqueOrThrow({ where: { name: 'Default' } })).vhosts as Array<{
        host: string;
      }>
    ).map((v) => v.host);
    expect(s.vhosts).toEqual(defaultHosts);
    const deployed = await payloads('API_DEPLOYED');
    expect(s.apis).toEqual([deployed[0]!.api]);
    expect(s.applications).toContainEqual((await payloads('APPLICATION_UPSERTED'))[0]!.application);
    expect(s.keyMappings).toContainEqual((await payloads('KEY_MAPPING_UPSERTED'))[0]!.keyMapping);
    expect(s.subscriptions).toContainEqual((await payloads('SUBSCRIPTION_UPSERTED'))[0]!.subscription);
    const [policy] = await payloads('POLICY_UPSERTED');
    expect(policy!.policy.conditionalGroups.map((g) => g.requestCount)).toEqual([1, 2]);
    expect(s.policies).toContainEqual(policy!.policy);
    expect(s.denyPolicies).toContainEqual((await payloads('DENY_POLICY_UPSERTED'))[0]!.denyPolicy);
    const [issuer] = await payloads('ISSUER_UPSERTED');
    expect(issuer!.issuer).toMatchObject({
      consumerKeyClaim: 'azp',
      scopesClaim: 'scp',
      claimMappings: { groups: 'roles' },
    });
    expect(s.issuers).toContainEqual(issuer!.issuer);
    const [authorizer] = await payloads('AUTHORIZER_UPSERTED');
    expect(authorizer!.authorizer).toEqual({
      name: 'gm-authz',
      url: 'http://authz.example/check',
      headersToSend: ['x-user'],
      headersToPassBack: ['x-auth-user'],
      timeoutMs: 1000,
      failClosed: true,
    });
    expect(s.authorizers).toEqual([authorizer!.authorizer]);
    expect(s.revokedTokens).toEqual([{ jti: 'gm-live', expiresAt: live }]);
    expect(s.revokedTokens[0]!.expiresAt).toBeInstanceOf(Date);
    expect((await payloads('TOKEN_REVOKED'))[0]).toEqual({ jti: 'gm-live', expiresAt: live.toISOString() });
    expect(s.revokedClients).toEqual([{ clientId: 'gm-client', revokedBefore }]);
    expect(s.revokedClients[0]!.revokedBefore).toBeInstanceOf(Date);

    const eu = await loadGatewaySnapshot(prisma, 'eu');
    expect(eu.vhosts).toEqual(['eu.gw.example', 'eu2.gw.example']);
    expect(eu.apis).toEqual([deployed[1]!.api]);
    expect(eu.applications).toEqual(s.applications);

    const nowhere = await loadGatewaySnapshot(prisma, 'nowhere');
    expect([nowhere.apis, nowhere.vhosts]).toEqual([[], []]);
  });
});
