/**
 * Writes the rows and gateway events the control plane writes, in the same transactions, so the
 * gateway's tests exercise the real snapshot loader and event log without the control plane app.
 */
import { randomUUID } from 'node:crypto';
import {
  RESIDENT_KEY_MANAGER,
  type ApiSnapshot,
  type CorsConfig,
  type EndpointConfig,
  type GatewayApi,
  type GatewayApplication,
  type GatewayClientCertificate,
  type GatewayCondition,
  type GatewayOperation,
  type GatewayPolicy,
  type GatewayScope,
  type HttpVerb,
  type KeyType,
  type LifecycleStatus,
  type SubscriptionStatus,
} from '@apim/contracts';
import { appendGatewayEvent, createPrismaClient, type PrismaClient } from '@apim/db';
import { gatewayIssuer, gatewayPolicy } from '@apim/gateway-model';

export interface ApiSpec {
  name?: string;
  context?: string;
  version?: string;
  /** a single production endpoint, or a full endpointConfig */
  backendUrl?: string;
  endpointConfig?: EndpointConfig;
  operations?: Array<Partial<GatewayOperation> & { verb: HttpVerb; target: string }>;
  securitySchemes?: string[];
  apiKeyHeader?: string | null;
  authorizationHeader?: string | null;
  lifecycleStatus?: LifecycleStatus;
  isDefaultVersion?: boolean;
  apiThrottlingPolicy?: string | null;
  maxTps?: { production?: number; sandbox?: number } | null;
  corsConfig?: CorsConfig | null;
  enableSchemaValidation?: boolean;
  /** WSO2's response caching: seconds a successful GET answer is kept (unset: off) */
  cacheTimeout?: number;
  definition?: unknown;
  mediationPolicies?: unknown;
  vhost?: string;
  environment?: string;
  /** carried in the revision snapshot, as the control plane's revisions carry them */
  clientCertificates?: GatewayClientCertificate[];
  scopes?: GatewayScope[];
}

export interface Bandwidth {
  dataAmount: number;
  dataUnit: 'KB' | 'MB';
}

function quota(requestCount: number | null, bandwidth: Bandwidth | undefined) {
  if (bandwidth) return { quotaType: 'BANDWIDTH' as const, requestCount: null, ...bandwidth };
  return {
    quotaType: requestCount === null ? ('UNLIMITED' as const) : ('REQUESTCOUNT' as const),
    requestCount,
    dataAmount: null,
    dataUnit: null,
  };
}

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

  async deployApi(spec: ApiSpec = {}): Promise<GatewayApi> {
    const name = spec.name ?? `api-${randomUUID().slice(0, 8)}`;
    const operations: GatewayOperation[] = (spec.operations ?? [{ verb: 'GET', target: '/*' }]).map((o) => ({
      authEnabled: true,
      scopes: [],
      throttlingPolicy: null,
      operationPolicies: null,
      ...o,
    }));
    const endpointConfig: EndpointConfig = spec.endpointConfig ?? {
      endpoint_type: 'http',
      production_endpoints: { url: spec.backendUrl ?? 'http://127.0.0.1:9' },
    };
    const providerId = await this.adminId();
    const environment = spec.environment ?? 'Default';
    return this.prisma.$transaction(async (tx) => {
      const api = await tx.api.create({
        data: {
          name,
          context: spec.context ?? `/${name}`,
          version: spec.version ?? '1.0.0',
          providerId,
          lifecycleStatus: spec.lifecycleStatus ?? 'PUBLISHED',
          isDefaultVersion: spec.isDefaultVersion ?? false,
          endpointConfig: endpointConfig as object,
          securitySchemes: spec.securitySchemes ?? ['oauth2'],
          authorizationHeader: spec.authorizationHeader ?? null,
          apiKeyHeader: spec.apiKeyHeader ?? null,
          corsConfig: (spec.corsConfig ?? undefined) as object | undefined,
          subscriptionPolicies: ['Gold', 'Silver', 'Bronze', 'Unlimited'],
          apiThrottlingPolicy: spec.apiThrottlingPolicy ?? null,
          maxTps: (spec.maxTps ?? undefined) as object | undefined,
          enableSchemaValidation: spec.enableSchemaValidation ?? false,
          responseCachingEnabled: spec.cacheTimeout !== undefined,
          cacheTimeout: spec.cacheTimeout ?? 300,
          mediationPolicies: (spec.mediationPolicies ?? undefined) as object | undefined,
          definition: (spec.definition ?? undefined) as object | undefined,
          operations: {
            create: operations.map((o, position) => ({
              verb: o.verb,
              target: o.target,
              authEnabled: o.authEnabled,
              scopes: o.scopes,
              throttlingPolicy: o.throttlingPolicy,
              operationPolicies: (o.operationPolicies ?? undefined) as object | undefined,
              position,
            })),
          },
        },
      });
      const snapshot: ApiSnapshot = {
        id: api.id,
        name: api.name,
        context: api.context,
        version: api.version,
        providerName: 'admin',
        endpointConfig,
        securitySchemes: api.securitySchemes,
        authorizationHeader: api.authorizationHeader,
        apiKeyHeader: api.apiKeyHeader,
        corsConfig: spec.corsConfig ?? null,
        subscriptionPolicies: api.subscriptionPolicies,
        apiThrottlingPolicy: api.apiThrottlingPolicy,
        maxTps: spec.maxTps ?? null,
        enableSchemaValidation: api.enableSchemaValidation,
        responseCachingEnabled: api.responseCachingEnabled,
        cacheTimeout: api.cacheTimeout,
        mediationPolicies: spec.mediationPolicies ?? null,
        definition: spec.definition ?? null,
        operations,
        clientCertificates: spec.clientCertificates ?? [],
        scopes: spec.scopes ?? [],
      };
      const revision = await tx.apiRevision.create({
        data: { apiId: api.id, revisionNumber: 1, snapshot: snapshot as object },
      });
      const env = await tx.gatewayEnvironment.findUniqueOrThrow({ where: { name: environment } });
      const vhost = spec.vhost ?? 'localhost';
      await tx.revisionDeployment.create({
        data: { apiId: api.id, revisionId: revision.id, environmentId: env.id, vhost },
      });
      const view: GatewayApi = {
        ...snapshot,
        revisionId: revision.id,
        environment,
        vhost,
        lifecycleStatus: api.lifecycleStatus,
        isDefaultVersion: api.isDefaultVersion,
      };
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
      await tx.api.update({ where: { id: apiId }, data: { lifecycleStatus } });
      await appendGatewayEvent(tx, 'API_STATUS_CHANGED', { apiId, lifecycleStatus });
    });
  }

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
      const a = await tx.application.create({
        data: {
          name: spec.name ?? `app-${randomUUID().slice(0, 8)}`,
          ownerId,
          throttlingPolicy: spec.throttlingPolicy ?? 'Unlimited',
          status: spec.status ?? 'APPROVED',
          tokenType: spec.tokenType ?? 'JWT',
        },
      });
      const application: GatewayApplication = {
        id: a.id,
        name: a.name,
        ownerId,
        ownerName: 'admin',
        throttlingPolicy: a.throttlingPolicy,
        tokenType: a.tokenType,
        status: a.status,
      };
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
      await tx.applicationKey.create({ data: { applicationId, keyType, consumerKey, keyManager } });
      await appendGatewayEvent(tx, 'KEY_MAPPING_UPSERTED', {
        keyMapping: { consumerKey, applicationId, keyType, keyManager },
      });
    });
  }

  async subscribe(
    applicationId: string,
    apiId: string,
    throttlingPolicy = 'Unlimited',
    status: SubscriptionStatus = 'UNBLOCKED',
  ): Promise<string> {
    return this.prisma.$transaction(async (tx) => {
      const s = await tx.subscription.upsert({
        where: { applicationId_apiId: { applicationId, apiId } },
        create: { applicationId, apiId, throttlingPolicy, status },
        update: { throttlingPolicy, status },
      });
      await appendGatewayEvent(tx, 'SUBSCRIPTION_UPSERTED', {
        subscription: { id: s.id, applicationId, apiId, throttlingPolicy, status },
      });
      return s.id;
    });
  }

  async unsubscribe(applicationId: string, apiId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const s = await tx.subscription.delete({ where: { applicationId_apiId: { applicationId, apiId } } });
      await appendGatewayEvent(tx, 'SUBSCRIPTION_DELETED', { subscriptionId: s.id, applicationId, apiId });
    });
  }

  /**
   * Creates or replaces a throttling policy (with its conditional groups): a request count, a
   * bandwidth quota (`bandwidth`, requestCount null) or unlimited (both null).
   */
  async upsertPolicy(spec: {
    type: GatewayPolicy['type'];
    name: string;
    requestCount: number | null;
    bandwidth?: Bandwidth;
    unitTime?: number;
    timeUnit?: 'sec' | 'min' | 'hour' | 'day';
    rateLimitCount?: number | null;
    rateLimitTimeUnit?: 'sec' | 'min' | null;
    stopOnQuotaReach?: boolean;
    conditionalGroups?: Array<{
      requestCount?: number;
      bandwidth?: Bandwidth;
      unitTime?: number;
      timeUnit?: string;
      conditions: GatewayCondition[];
    }>;
  }): Promise<GatewayPolicy> {
    return this.prisma.$transaction(async (tx) => {
      const data = {
        ...quota(spec.requestCount, spec.bandwidth),
        unitTime: spec.unitTime ?? 1,
        timeUnit: spec.timeUnit ?? 'min',
        rateLimitCount: spec.rateLimitCount ?? null,
        rateLimitTimeUnit: spec.rateLimitTimeUnit ?? null,
        stopOnQuotaReach: spec.stopOnQuotaReach ?? true,
      };
      const p = await tx.throttlingPolicy.upsert({
        where: { type_name: { type: spec.type, name: spec.name } },
        create: { type: spec.type, name: spec.name, ...data },
        update: data,
      });
      await tx.conditionalGroup.deleteMany({ where: { policyId: p.id } });
      for (const [position, g] of (spec.conditionalGroups ?? []).entries()) {
        await tx.conditionalGroup.create({
          data: {
            policyId: p.id,
            position,
            conditions: g.conditions as object[],
            ...quota(g.requestCount ?? null, g.bandwidth),
            unitTime: g.unitTime ?? 1,
            timeUnit: g.timeUnit ?? 'min',
          },
        });
      }
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
      const d = await tx.denyPolicy.create({
        data: { conditionType, conditionValue: conditionValue as object },
      });
      await appendGatewayEvent(tx, 'DENY_POLICY_UPSERTED', {
        denyPolicy: { id: d.id, conditionType, conditionValue, enabled: true },
      });
      return d.id;
    });
  }

  async removeDenyPolicy(id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.denyPolicy.delete({ where: { id } });
      await appendGatewayEvent(tx, 'DENY_POLICY_DELETED', { id });
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
      await tx.revokedToken.create({ data: { jti, expiresAt } });
      await appendGatewayEvent(tx, 'TOKEN_REVOKED', { jti, expiresAt: expiresAt.toISOString() });
    });
  }

  async revokeClientTokens(clientId: string, revokedBefore = new Date()): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.revokedClient.upsert({
        where: { clientId },
        create: { clientId, revokedBefore },
        update: { revokedBefore },
      });
      await appendGatewayEvent(tx, 'CLIENT_TOKENS_REVOKED', {
        clientId,
        revokedBefore: revokedBefore.toISOString(),
      });
    });
  }

  async lastEventId(): Promise<bigint> {
    return (await this.prisma.gatewayEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n;
  }
}
