/**
 * Writes the rows the control plane writes and, in the same transactions, their gateway events,
 * whose payloads are the views @apim/gateway-model makes of those rows (as the control plane's
 * are): the gateway's tests exercise the real snapshot loader and event log without the control
 * plane app.
 */
import { randomUUID } from 'node:crypto';
import {
  RESIDENT_KEY_MANAGER,
  type GatewayApi,
  type GatewayApplication,
  type GatewayPolicy,
  type KeyType,
  type LifecycleStatus,
  type SubscriptionStatus,
} from '@apim/contracts';
import { appendGatewayEvent, createPrismaClient, type Prisma, type PrismaClient } from '@apim/db';
import {
  gatewayApi,
  gatewayApplication,
  gatewayDenyPolicy,
  gatewayIssuer,
  gatewayKeyMapping,
  gatewayPolicy,
  gatewayRevokedClient,
  gatewayRevokedToken,
  gatewaySubscription,
  takeApiSnapshot,
} from '@apim/gateway-model';
import { apiData, type ApiSpec } from './api-spec.js';
import { conditionalGroupData, policyData, type PolicySpec } from './policy-spec.js';

export type { ApiSpec } from './api-spec.js';
export type { Bandwidth, PolicySpec } from './policy-spec.js';

export class ControlPlaneFixture {
  readonly prisma: PrismaClient;

  constructor(databaseUrl: string) {
    this.prisma = createPrismaClient(databaseUrl, { poolSize: 2 });
  }

  close(): Promise<void> {
    return this.prisma.$disconnect();
  }

  private async adminId(): Promise<string> {
    return (await this.prisma.user.findUniqueOrThrow({ where: { username: 'admin' } })).id;
  }

  /** Creates the API (provided by admin), takes its first revision and deploys it. */
  async deployApi(spec: ApiSpec = {}): Promise<GatewayApi> {
    const providerId = await this.adminId();
    return this.prisma.$transaction(async (tx) => {
      const api = await tx.api.create({ data: apiData(spec, providerId) });
      for (const { name, roles } of spec.scopes ?? [])
        await tx.scope.upsert({
          where: { name },
          create: { name, roles, apiId: api.id },
          update: { roles },
        });
      const { snapshot } = (await takeApiSnapshot(tx, api.id))!;
      const content = spec.clientCertificates
        ? { ...snapshot, clientCertificates: spec.clientCertificates }
        : snapshot;
      const revision = await tx.apiRevision.create({
        data: { apiId: api.id, revisionNumber: 1, snapshot: content as unknown as Prisma.InputJsonValue },
      });
      const env = await tx.gatewayEnvironment.findUniqueOrThrow({
        where: { name: spec.environment ?? 'Default' },
      });
      const deployment = await tx.revisionDeployment.create({
        data: {
          apiId: api.id,
          revisionId: revision.id,
          environmentId: env.id,
          vhost: spec.vhost ?? 'localhost',
        },
      });
      const view = gatewayApi(
        content,
        { revisionId: revision.id, environment: env.name, vhost: deployment.vhost },
        { lifecycleStatus: api.lifecycleStatus, isDefaultVersion: api.isDefaultVersion },
      );
      await appendGatewayEvent(tx, 'API_DEPLOYED', { api: view });
      return view;
    });
  }

  async undeployApi(apiId: string, environment = 'Default'): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.revisionDeployment.deleteMany({ where: { apiId, environment: { name: environment } } });
      await appendGatewayEvent(tx, 'API_UNDEPLOYED', { apiId, environment });
    });
  }

  async setApiStatus(apiId: string, lifecycleStatus: LifecycleStatus): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const api = await tx.api.update({ where: { id: apiId }, data: { lifecycleStatus } });
      await appendGatewayEvent(tx, 'API_STATUS_CHANGED', { apiId, lifecycleStatus: api.lifecycleStatus });
    });
  }

  /** An application owned by admin. */
  async createApplication(
    spec: {
      name?: string;
      throttlingPolicy?: string;
      status?: GatewayApplication['status'];
      tokenType?: GatewayApplication['tokenType'];
    } = {},
  ): Promise<GatewayApplication> {
    const ownerId = await this.adminId();
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.application.create({
        data: {
          name: spec.name ?? `app-${randomUUID().slice(0, 8)}`,
          ownerId,
          throttlingPolicy: spec.throttlingPolicy ?? 'Unlimited',
          status: spec.status ?? 'APPROVED',
          tokenType: spec.tokenType ?? 'JWT',
        },
        include: { owner: true },
      });
      const application = gatewayApplication(row);
      await appendGatewayEvent(tx, 'APPLICATION_UPSERTED', { application });
      return application;
    });
  }

  /** The OAuth client behind an application key, and its key mapping. Returns the consumer key. */
  async addKey(applicationId: string, keyType: KeyType, consumerKey: string = randomUUID()): Promise<string> {
    await this.prisma.oAuthClient.create({
      data: { clientId: consumerKey, metadata: { grant_types: ['client_credentials'] } },
    });
    await this.mapKey(applicationId, keyType, consumerKey);
    return consumerKey;
  }

  /**
   * The key mapping of an OAuth client that already exists: at the resident key manager (created
   * through it), or at an external one (named as the admin registered it).
   */
  async mapKey(
    applicationId: string,
    keyType: KeyType,
    consumerKey: string,
    keyManager: string = RESIDENT_KEY_MANAGER,
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.applicationKey.create({
        data: { applicationId, keyType, consumerKey, keyManager },
      });
      await appendGatewayEvent(tx, 'KEY_MAPPING_UPSERTED', { keyMapping: gatewayKeyMapping(row) });
    });
  }

  /** Subscribes the application to the API, or changes its subscription. Returns the subscription id. */
  async subscribe(
    applicationId: string,
    apiId: string,
    throttlingPolicy = 'Unlimited',
    status: SubscriptionStatus = 'UNBLOCKED',
  ): Promise<string> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.subscription.upsert({
        where: { applicationId_apiId: { applicationId, apiId } },
        create: { applicationId, apiId, throttlingPolicy, status },
        update: { throttlingPolicy, status },
      });
      await appendGatewayEvent(tx, 'SUBSCRIPTION_UPSERTED', { subscription: gatewaySubscription(row) });
      return row.id;
    });
  }

  async unsubscribe(applicationId: string, apiId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.subscription.delete({ where: { applicationId_apiId: { applicationId, apiId } } });
      await appendGatewayEvent(tx, 'SUBSCRIPTION_DELETED', {
        subscriptionId: row.id,
        applicationId: row.applicationId,
        apiId: row.apiId,
      });
    });
  }

  /**
   * Creates or replaces a throttling policy (with its conditional groups): a request count, a
   * bandwidth quota (`bandwidth`, requestCount null) or unlimited (both null).
   */
  async upsertPolicy(spec: PolicySpec): Promise<GatewayPolicy> {
    return this.prisma.$transaction(async (tx) => {
      const data = policyData(spec);
      const p = await tx.throttlingPolicy.upsert({
        where: { type_name: { type: spec.type, name: spec.name } },
        create: { type: spec.type, name: spec.name, ...data },
        update: data,
      });
      await tx.conditionalGroup.deleteMany({ where: { policyId: p.id } });
      for (const group of conditionalGroupData(spec, p.id)) await tx.conditionalGroup.create({ data: group });
      const row = await tx.throttlingPolicy.findUniqueOrThrow({
        where: { id: p.id },
        include: { conditionalGroups: true },
      });
      const policy = gatewayPolicy(row);
      await appendGatewayEvent(tx, 'POLICY_UPSERTED', { policy });
      return policy;
    });
  }

  async addDenyPolicy(
    conditionType: 'API' | 'APPLICATION' | 'USER' | 'IP' | 'IPRANGE',
    conditionValue: unknown,
  ): Promise<string> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.denyPolicy.create({
        data: { conditionType, conditionValue: conditionValue as Prisma.InputJsonValue },
      });
      await appendGatewayEvent(tx, 'DENY_POLICY_UPSERTED', { denyPolicy: gatewayDenyPolicy(row) });
      return row.id;
    });
  }

  async removeDenyPolicy(id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.denyPolicy.delete({ where: { id } });
      await appendGatewayEvent(tx, 'DENY_POLICY_DELETED', { id: row.id });
    });
  }

  /** An external token issuer whose JWTs the gateways accept (WSO2's third-party key manager). */
  async addIssuer(spec: {
    name: string;
    issuer: string;
    jwksUrl: string;
    audience?: string | null;
    claimMappings?: Record<string, string>;
  }): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.trustedIssuer.create({
        data: {
          name: spec.name,
          issuer: spec.issuer,
          jwksUrl: spec.jwksUrl,
          audience: spec.audience ?? null,
          algorithms: ['RS256'],
          claimMappings: spec.claimMappings ?? {},
        },
      });
      await appendGatewayEvent(tx, 'ISSUER_UPSERTED', { issuer: gatewayIssuer(row) });
    });
  }

  async revokeToken(jti: string, expiresAt: Date): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.revokedToken.create({ data: { jti, expiresAt } });
      await appendGatewayEvent(tx, 'TOKEN_REVOKED', gatewayRevokedToken(row));
    });
  }

  async revokeClientTokens(clientId: string, revokedBefore = new Date()): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const row = await tx.revokedClient.upsert({
        where: { clientId },
        create: { clientId, revokedBefore },
        update: { revokedBefore },
      });
      await appendGatewayEvent(tx, 'CLIENT_TOKENS_REVOKED', gatewayRevokedClient(row));
    });
  }

  async lastEventId(): Promise<bigint> {
    return (await this.prisma.gatewayEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
  }
}
