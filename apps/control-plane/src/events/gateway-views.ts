/**
 * The gateway's view of each entity, built from Prisma rows. The control plane writes these views
 * into the gateway event log; gateways build their start-up snapshot with the same functions
 * (loadGatewayState), so an entity looks the same whichever way a gateway learnt about it.
 */
import type {
  ApiSnapshot,
  CorsConfig,
  EndpointConfig,
  GatewayApi,
  GatewayApplication,
  GatewayCondition,
  GatewayDenyPolicy,
  GatewayIssuer,
  GatewayKeyMapping,
  GatewayPolicy,
  GatewayScope,
  GatewaySubscription,
  LifecycleStatus,
} from '@apim/contracts';
import type { Prisma, PrismaClient } from '@apim/db';

type ApplicationRow = Prisma.ApplicationGetPayload<{ include: { owner: true } }>;
type PolicyRow = Prisma.ThrottlingPolicyGetPayload<{ include: { conditionalGroups: true } }>;
type KeyRow = Prisma.ApplicationKeyGetPayload<object>;
type SubscriptionRow = Prisma.SubscriptionGetPayload<object>;
type DenyRow = Prisma.DenyPolicyGetPayload<object>;
type IssuerRow = Prisma.TrustedIssuerGetPayload<object>;

/** Include this when loading an API for apiSnapshot. */
export const API_SNAPSHOT_INCLUDE = {
  operations: { orderBy: { position: 'asc' } },
  provider: true,
  clientCertificates: { orderBy: { alias: 'asc' } },
} as const satisfies Prisma.ApiInclude;

type ApiRow = Prisma.ApiGetPayload<{ include: typeof API_SNAPSHOT_INCLUDE }>;

/**
 * The immutable content of a revision (stored in ApiRevision.snapshot). `scopes` are the scopes its
 * operations require, with their role bindings (Basic-auth callers get those bound to their roles).
 */
export function apiSnapshot(api: ApiRow, scopes: GatewayScope[]): ApiSnapshot {
  return {
    id: api.id,
    name: api.name,
    context: api.context,
    version: api.version,
    providerName: api.provider.username,
    endpointConfig: api.endpointConfig as unknown as EndpointConfig,
    securitySchemes: api.securitySchemes,
    authorizationHeader: api.authorizationHeader,
    apiKeyHeader: api.apiKeyHeader,
    corsConfig: (api.corsConfig as unknown as CorsConfig | null) ?? null,
    subscriptionPolicies: api.subscriptionPolicies,
    apiThrottlingPolicy: api.apiThrottlingPolicy,
    maxTps: (api.maxTps as ApiSnapshot['maxTps']) ?? null,
    enableSchemaValidation: api.enableSchemaValidation,
    mediationPolicies: api.mediationPolicies ?? null,
    definition: api.definition ?? null,
    operations: api.operations.map((o) => ({
      verb: o.verb,
      target: o.target,
      authEnabled: o.authEnabled,
      scopes: o.scopes,
      throttlingPolicy: o.throttlingPolicy,
      operationPolicies: o.operationPolicies ?? null,
    })),
    clientCertificates: api.clientCertificates.map((c) => ({
      alias: c.alias,
      fingerprint: c.fingerprint,
      tier: c.tier,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
    })),
    scopes,
  };
}

/** A deployed revision: its snapshot plus where it runs and the API's live state. */
export function gatewayApi(
  snapshot: ApiSnapshot,
  deployment: { revisionId: string; environment: string; vhost: string },
  live: { lifecycleStatus: LifecycleStatus; isDefaultVersion: boolean },
): GatewayApi {
  return { ...snapshot, ...deployment, ...live };
}

export function gatewayApplication(app: ApplicationRow): GatewayApplication {
  return {
    id: app.id,
    name: app.name,
    ownerId: app.ownerId,
    ownerName: app.owner.username,
    throttlingPolicy: app.throttlingPolicy,
    tokenType: app.tokenType,
    status: app.status,
  };
}

export function gatewayKeyMapping(key: KeyRow): GatewayKeyMapping {
  return { consumerKey: key.consumerKey, applicationId: key.applicationId, keyType: key.keyType };
}

export function gatewaySubscription(sub: SubscriptionRow): GatewaySubscription {
  return {
    id: sub.id,
    applicationId: sub.applicationId,
    apiId: sub.apiId,
    throttlingPolicy: sub.throttlingPolicy,
    status: sub.status,
  };
}

type LimitFields = Pick<
  PolicyRow,
  'quotaType' | 'requestCount' | 'dataAmount' | 'dataUnit' | 'unitTime' | 'timeUnit'
>;

function limitOf(row: LimitFields) {
  return {
    quotaType: row.quotaType,
    requestCount: row.requestCount,
    dataAmount: row.dataAmount,
    dataUnit: row.dataUnit,
    unitTime: row.unitTime,
    timeUnit: row.timeUnit as GatewayPolicy['timeUnit'],
  };
}

export function gatewayPolicy(policy: PolicyRow): GatewayPolicy {
  return {
    id: policy.id,
    type: policy.type,
    name: policy.name,
    ...limitOf(policy),
    rateLimitCount: policy.rateLimitCount,
    rateLimitTimeUnit: policy.rateLimitTimeUnit as GatewayPolicy['rateLimitTimeUnit'],
    stopOnQuotaReach: policy.stopOnQuotaReach,
    conditionalGroups: [...policy.conditionalGroups]
      .sort((a, b) => a.position - b.position)
      .map((g) => ({ id: g.id, ...limitOf(g), conditions: g.conditions as unknown as GatewayCondition[] })),
  };
}

export function gatewayDenyPolicy(row: DenyRow): GatewayDenyPolicy {
  return {
    id: row.id,
    conditionType: row.conditionType,
    conditionValue: row.conditionValue,
    enabled: row.enabled,
  };
}

export function gatewayIssuer(row: IssuerRow): GatewayIssuer {
  return {
    id: row.id,
    name: row.name,
    issuer: row.issuer,
    jwksUrl: row.jwksUrl,
    audience: row.audience,
    algorithms: row.algorithms,
    claimMappings: (row.claimMappings ?? {}) as Record<string, string>,
    enabled: row.enabled,
  };
}

/** Everything a gateway holds, as of event `lastEventId` (apply events after it). */
export interface GatewayState {
  lastEventId: bigint;
  apis: GatewayApi[];
  applications: GatewayApplication[];
  keyMappings: GatewayKeyMapping[];
  subscriptions: GatewaySubscription[];
  policies: GatewayPolicy[];
  denyPolicies: GatewayDenyPolicy[];
  issuers: GatewayIssuer[];
  revokedTokens: { jti: string; expiresAt: string }[];
  revokedClients: { clientId: string; revokedBefore: string }[];
}

/**
 * A consistent snapshot for a gateway: read in one REPEATABLE READ transaction, so the state is
 * exactly the one after event `lastEventId` (event writers commit in id order).
 */
export async function loadGatewayState(
  prisma: PrismaClient,
  /** timeoutMs: longest the snapshot transaction may run (Prisma's default is 5 s) */
  options: { environment?: string; timeoutMs?: number } = {},
): Promise<GatewayState> {
  return prisma.$transaction(
    async (tx) => {
      const last = await tx.gatewayEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
      const deployments = await tx.revisionDeployment.findMany({
        where: options.environment ? { environment: { name: options.environment } } : {},
        include: { revision: true, environment: true, api: true },
      });
      // One transaction is one connection: its queries run one after another whatever we await.
      const applications = await tx.application.findMany({ include: { owner: true } });
      const keys = await tx.applicationKey.findMany();
      const subscriptions = await tx.subscription.findMany();
      const policies = await tx.throttlingPolicy.findMany({ include: { conditionalGroups: true } });
      const denyPolicies = await tx.denyPolicy.findMany();
      const issuers = await tx.trustedIssuer.findMany();
      const revokedTokens = await tx.revokedToken.findMany({ where: { expiresAt: { gt: new Date() } } });
      const revokedClients = await tx.revokedClient.findMany();
      return {
        lastEventId: last?.id ?? 0n,
        apis: deployments.map((d) =>
          gatewayApi(
            d.revision.snapshot as unknown as ApiSnapshot,
            { revisionId: d.revisionId, environment: d.environment.name, vhost: d.vhost },
            { lifecycleStatus: d.api.lifecycleStatus, isDefaultVersion: d.api.isDefaultVersion },
          ),
        ),
        applications: applications.map(gatewayApplication),
        keyMappings: keys.map(gatewayKeyMapping),
        subscriptions: subscriptions.map(gatewaySubscription),
        policies: policies.map(gatewayPolicy),
        denyPolicies: denyPolicies.map(gatewayDenyPolicy),
        issuers: issuers.map(gatewayIssuer),
        revokedTokens: revokedTokens.map((t) => ({ jti: t.jti, expiresAt: t.expiresAt.toISOString() })),
        revokedClients: revokedClients.map((c) => ({
          clientId: c.clientId,
          revokedBefore: c.revokedBefore.toISOString(),
        })),
      };
    },
    { isolationLevel: 'RepeatableRead', ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) },
  );
}
